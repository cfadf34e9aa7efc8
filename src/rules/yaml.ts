/**
 * YAML with positions: parse safely (js-yaml 4 `load`, default safe schema) and keep a map
 * from field paths to 1-based line/column, so every validation message can say where.
 *
 * Positions come from js-yaml's `listener` option: each composed node fires `open` and
 * `close`; nesting those events gives a tree whose children, for a mapping, alternate
 * key/value and, for a sequence, are the items. Used by rules and by fixtures.
 */
import yaml from 'js-yaml';
import type { ValidationIssue } from '../types/errors.js';

/** A field path: object keys and array indices, e.g. `['rules', 1, 'action', 'type']`. */
export type FieldPath = readonly (string | number)[];

/** 1-based position in the text. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface ParsedYaml {
  readonly ok: true;
  readonly value: unknown;
  /** Position of the value at `path`; the nearest existing ancestor when it does not exist. */
  locate(path: FieldPath): Position;
  /** Position of the key of the last path segment (same as `locate` for array items). */
  locateKey(path: FieldPath): Position;
}

export type ParseYamlResult = ParsedYaml | { readonly ok: false; readonly issues: ValidationIssue[] };

interface RawNode {
  start: number;
  end: number;
  result: unknown;
  kind: string | null;
  children: RawNode[];
  /** Children were not recorded (deeper than the shallow pass records). */
  cut: boolean;
}

interface LocNode {
  readonly start: number;
  readonly keyStart: number;
  /** Children unknown: a path below this node needs the full tree. */
  readonly cut?: true;
  readonly items?: readonly (LocNode | undefined)[];
  readonly entries?: ReadonlyMap<string, LocNode>;
}

/**
 * Raw nesting depth (js-yaml listener events, which count a plain scalar twice) recorded on
 * the first parse: enough for the document's top keys and the items of a top-level list
 * (`rules[i]`, `steps[i]`), which loaders locate for every item. Anything deeper is located
 * from a full tree, built by parsing again on the first such request — normally only when an
 * issue is reported. A 22 MiB fixture costs ~1.7 s to parse and the full position tree
 * (millions of nodes) ~1.5 s more; most loads never ask for it.
 */
const SHALLOW_DEPTH = 4;

export interface ParseYamlOptions {
  /** Raw depth recorded on the first parse (tests: 0 = all lazy, Infinity = all eager). */
  readonly shallowDepth?: number;
}

/** Parse `text` (named `file` in messages). Never throws for bad YAML: returns issues. */
export function parseYaml(text: string, file: string, opts: ParseYamlOptions = {}): ParseYamlResult {
  let first: Recorded;
  try {
    first = record(text, file, Math.max(1, opts.shallowDepth ?? SHALLOW_DEPTH));
  } catch (err) {
    return { ok: false, issues: [yamlIssue(err, file)] };
  }
  let lines: number[] | undefined;
  const toPos = (offset: number): Position => offsetToPosition((lines ??= lineStarts(text)), offset);
  const shallow = first.root === undefined ? undefined : build(first.root, text, undefined);
  let full: LocNode | undefined;
  const find = (path: FieldPath): { start: number; keyStart: number } => {
    const hit = walk(shallow, path);
    if (hit !== undefined) return hit;
    if (full === undefined) {
      // Same text, same events: this parse cannot fail where the first one succeeded.
      const again = record(text, file, Infinity);
      full = again.root === undefined ? { start: 0, keyStart: 0 } : build(again.root, text, undefined);
    }
    return walk(full, path) ?? { start: 0, keyStart: 0 };
  };
  return {
    ok: true,
    value: first.value,
    locate: (path) => toPos(find(path).start),
    locateKey: (path) => toPos(find(path).keyStart),
  };
}

interface Recorded {
  readonly value: unknown;
  readonly root: RawNode | undefined;
}

/** js-yaml's load, recording composed nodes down to `maxDepth`. */
function record(text: string, file: string, maxDepth: number): Recorded {
  const roots: RawNode[] = [];
  const stack: RawNode[] = [];
  let depth = 0;
  const value = yaml.load(text, {
    filename: file,
    listener(event, state) {
      if (event === 'open') {
        depth++;
        if (depth <= maxDepth) stack.push({ start: state.position, end: state.position, result: undefined, kind: null, children: [], cut: depth === maxDepth });
        return;
      }
      depth--;
      if (depth >= maxDepth) return;
      const node = stack.pop();
      if (node === undefined) return;
      node.end = state.position;
      node.result = state.result;
      node.kind = state.kind;
      const parent = stack[stack.length - 1];
      (parent === undefined ? roots : parent.children).push(node);
    },
  });
  return { value, root: roots[0] };
}

function yamlIssue(err: unknown, file: string): ValidationIssue {
  if (err instanceof yaml.YAMLException) {
    const mark = err.mark as { line?: number; column?: number } | undefined;
    return {
      file,
      line: (mark?.line ?? -1) + 1,
      column: (mark?.column ?? -1) + 1,
      path: '',
      message: `invalid yaml: ${err.reason}`,
    };
  }
  return { file, line: 0, column: 0, path: '', message: `invalid yaml: ${String(err)}` };
}

/** Offsets of the start of each line. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function offsetToPosition(starts: readonly number[], offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
}

/** A node opens before separation space and comments; skip them to its first character. */
function contentStart(text: string, pos: number, end: number): number {
  let p = pos;
  while (p < end) {
    const ch = text[p];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') p++;
    else if (ch === '#') {
      while (p < end && text[p] !== '\n') p++;
    } else break;
  }
  return p < end ? p : pos;
}

/** A plain scalar in block context is composed twice (outer node wraps the inner). */
function unwrap(node: RawNode): RawNode {
  let n = node;
  while (!n.cut && n.children.length === 1 && n.children[0] !== undefined && n.children[0].kind === n.kind && Object.is(n.children[0].result, n.result)) {
    n = n.children[0];
  }
  return n;
}

function build(raw: RawNode, text: string, keyStart: number | undefined): LocNode {
  const node = unwrap(raw);
  const start = node.result === null ? raw.start : contentStart(text, raw.start, Math.max(raw.end, raw.start));
  const ks = keyStart ?? start;
  const result = node.result;
  if (node.cut) return { start, keyStart: ks, cut: true };
  if (Array.isArray(result) && node.kind === 'sequence') {
    const items: (LocNode | undefined)[] = [];
    let j = 0;
    for (let i = 0; i < result.length; i++) {
      const child = node.children[j];
      if (child !== undefined && Object.is(unwrap(child).result, result[i])) {
        items.push(build(child, text, undefined));
        j++;
      } else items.push(undefined);
    }
    return { start, keyStart: ks, items };
  }
  if (result !== null && typeof result === 'object' && node.kind === 'mapping') {
    const entries = new Map<string, LocNode>();
    const obj = result as Record<string, unknown>;
    const kids = node.children;
    for (let i = 0; i + 1 < kids.length; i += 2) {
      const k = kids[i];
      const v = kids[i + 1];
      if (k === undefined || v === undefined) break;
      const key = String(unwrap(k).result);
      const kStart = contentStart(text, k.start, Math.max(k.end, k.start));
      if (Object.prototype.hasOwnProperty.call(obj, key)) entries.set(key, build(v, text, kStart));
    }
    return { start, keyStart: ks, entries };
  }
  return { start, keyStart: ks };
}

/** The node at `path` or its nearest existing ancestor; undefined when a cut node hides it. */
function walk(root: LocNode | undefined, path: FieldPath): { start: number; keyStart: number } | undefined {
  if (root === undefined) return { start: 0, keyStart: 0 };
  let node = root;
  for (const seg of path) {
    if (node.cut === true) return undefined;
    const next = typeof seg === 'number' ? node.items?.[seg] : node.entries?.get(seg);
    if (next === undefined) return { start: node.start, keyStart: node.keyStart };
    node = next;
  }
  return node;
}

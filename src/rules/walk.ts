/**
 * Walks a condition tree (compiled or still raw YAML — it checks shapes as it goes) and
 * reports each test and each named-condition reference with its field path.
 */
import type { FieldPath } from './yaml.js';

export interface LeafVisit {
  readonly leaf: Readonly<Record<string, unknown>>;
  readonly path: FieldPath;
}

export interface RefVisit {
  readonly name: string;
  readonly path: FieldPath;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Visit every leaf test and every `{condition: NAME}` below `cond`. */
export function walkCondition(
  cond: unknown,
  path: FieldPath,
  onLeaf: (v: LeafVisit) => void,
  onRef: (v: RefVisit) => void = () => {},
): void {
  if (!isRecord(cond)) return;
  for (const key of ['all', 'any'] as const) {
    const list = cond[key];
    if (Array.isArray(list)) {
      list.forEach((c, i) => walkCondition(c, [...path, key, i], onLeaf, onRef));
      return;
    }
  }
  if ('not' in cond) {
    walkCondition(cond['not'], [...path, 'not'], onLeaf, onRef);
    return;
  }
  if ('condition' in cond) {
    if (typeof cond['condition'] === 'string') onRef({ name: cond['condition'], path: [...path, 'condition'] });
    return;
  }
  if ('fact' in cond) onLeaf({ leaf: cond, path });
}

/** A leaf's `value` that names another fact: `{ fact: NAME, path? }`. */
export function factRefValue(value: unknown): { fact: string; path?: unknown } | undefined {
  if (isRecord(value) && typeof value['fact'] === 'string') return { fact: value['fact'], path: value['path'] };
  return undefined;
}

/** Facts read by a condition, following named references (cycles are cut). */
export function conditionReads(
  cond: unknown,
  named: Readonly<Record<string, unknown>>,
  out: Set<string> = new Set(),
  seen: Set<string> = new Set(),
): Set<string> {
  walkCondition(
    cond,
    [],
    ({ leaf }) => {
      if (typeof leaf['fact'] === 'string') out.add(leaf['fact']);
      const ref = factRefValue(leaf['value']);
      if (ref !== undefined) out.add(ref.fact);
    },
    ({ name }) => {
      if (seen.has(name) || !Object.prototype.hasOwnProperty.call(named, name)) return;
      seen.add(name);
      conditionReads(named[name], named, out, seen);
    },
  );
  return out;
}

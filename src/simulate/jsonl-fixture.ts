/**
 * The JSON-lines recording form of a fixture (`mapek record --format jsonl`, FILE.jsonl):
 * line 1 is the fixture's head (`apiVersion`, `kind`, `name`, `description`, `start`), every
 * following line one step, each exactly as in the YAML form. It exists for long recordings:
 * a day at 15 s parses with JSON.parse in a fraction of js-yaml's time. After parsing it is
 * the same document and goes through the same validation and snapshot building
 * (fixtureFromDocument), so it replays exactly as the YAML form; messages name FILE:LINE:COL.
 */
import { readFile } from 'node:fs/promises';
import type { ValidationIssue } from '../types/errors.js';
import type { RuleSet } from '../types/rules.js';
import type { FieldPath, ParsedYaml, Position } from '../rules/yaml.js';
import { fixtureFromDocument, type LoadFixtureResult } from '../monitor/fixture.js';

export const JSONL_FILE = /\.jsonl$/;

interface Line {
  readonly n: number;
  readonly text: string;
}

/** JSON.parse's "at position N" (Node 20) as a 1-based column; the line's end when the input ended early. */
function columnOf(err: unknown, raw: string): number {
  const message = err instanceof Error ? err.message : '';
  const m = /at position (\d+)/.exec(message);
  if (m) return Number(m[1]) + 1;
  return /end of JSON input/.test(message) ? raw.length + 1 : 1;
}

/** Where `path` (below the line's own object) is on its line: the last key found, in order. */
function within(line: Line, path: FieldPath, key: boolean): Position {
  let at = -1;
  for (const seg of path) {
    if (typeof seg !== 'string') continue;
    const found = line.text.indexOf(`${JSON.stringify(seg)}`, at + 1);
    if (found < 0) break;
    at = found;
  }
  if (at < 0) return { line: line.n, column: 1 };
  if (!key) {
    const colon = line.text.indexOf(':', at);
    let v = colon + 1;
    while (line.text[v] === ' ') v++;
    if (colon >= 0) return { line: line.n, column: v + 1 };
  }
  return { line: line.n, column: at + 1 };
}

function document(head: Line, steps: readonly Line[], value: unknown): ParsedYaml {
  const locate = (path: FieldPath, key: boolean): Position => {
    if (path[0] === 'steps' && typeof path[1] === 'number') {
      const line = steps[path[1]];
      if (line !== undefined) return path.length === 2 ? { line: line.n, column: 1 } : within(line, path.slice(2), key);
    }
    return path.length === 0 || path[0] === 'steps' ? { line: head.n, column: 1 } : within(head, path, key);
  };
  return { ok: true, value, locate: (p) => locate(p, false), locateKey: (p) => locate(p, true) };
}

export function parseJsonlFixture(text: string, file: string, ruleSet?: RuleSet): LoadFixtureResult {
  const issues: ValidationIssue[] = [];
  const lines: Line[] = [];
  const values: unknown[] = [];
  let start = 0;
  let k = 0; // non-blank lines so far: line k is the head (k = 0) or steps[k - 1]
  for (let n = 1; start < text.length; n++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, end);
    start = end + 1;
    if (raw.trim() === '') continue;
    const path = k++ === 0 ? '' : `steps[${k - 2}]`;
    try {
      values.push(JSON.parse(raw));
      lines.push({ n, text: raw });
    } catch (err) {
      issues.push({ file, line: n, column: columnOf(err, raw), path, message: `invalid JSON: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  const [head, ...stepLines] = lines;
  const [headValue, ...steps] = values;
  if (head === undefined) return { ok: false, issues: [{ file, line: 1, column: 1, path: '', message: 'empty recording: line 1 must be the fixture head {"apiVersion": "mapek/v1", "kind": "Fixture", …}' }] };
  if (headValue === null || typeof headValue !== 'object' || Array.isArray(headValue)) {
    return { ok: false, issues: [{ file, line: head.n, column: 1, path: '', message: 'line 1 must be the fixture head, a JSON object (apiVersion, kind, name, description, start)' }] };
  }
  if ('steps' in headValue) return { ok: false, issues: [{ file, ...within(head, ['steps'], true), path: 'steps', message: 'the head line has no "steps": each following line is one step' }] };
  return fixtureFromDocument(document(head, stepLines, { ...headValue, steps }), file, ruleSet);
}

export async function loadJsonlFixture(file: string, ruleSet?: RuleSet): Promise<LoadFixtureResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { ok: false, issues: [{ file, line: 0, column: 0, path: '', message: `cannot read fixture: ${(err as NodeJS.ErrnoException).code ?? String(err)}` }] };
  }
  return parseJsonlFixture(text, file, ruleSet);
}

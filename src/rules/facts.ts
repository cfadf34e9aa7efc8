/**
 * Declared metric facts (`facts:` in any rule file) → the rule set's fact catalogue: the
 * built-ins (given their queries by whichever file declares them, normally rules/facts.yaml)
 * followed by every other declared fact. Checks what the schema cannot: duplicate names,
 * names that clash with observed facts or change a built-in's subject, `by:` against the
 * labels the PromQL keeps, PromQL syntax at FILE:LINE:COL inside the string, and ranges.
 */
import type { ValidationIssue } from '../types/errors.js';
import { BUILTIN_FACTS, OBSERVED_FACTS, type FactRange, type MetricFact, type Reducer } from '../types/facts.js';
import type { SubjectKind } from '../types/snapshot.js';
import { issueAt, type FileCtx } from './check.js';
import { parseDuration } from './duration.js';
import { keptLabels, keeps, promqlError, type Kept } from './promql.js';
import { positionInScalar } from './scalar-position.js';
import { isRecord } from './walk.js';

export interface FactFile extends FileCtx {
  readonly value: Record<string, unknown>;
  readonly text: string;
}

/** Prometheus answers at most this many points per series of a range query. */
export const MAX_RANGE_POINTS = 11_000;

const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SUBJECTS: readonly SubjectKind[] = ['policy', 'target', 'committee', 'service'];

export function collectFacts(files: readonly FactFile[], issues: ValidationIssue[]): MetricFact[] {
  const declared = new Map<string, { fc: FactFile; index: number; fact: MetricFact }>();
  for (const fc of files) {
    const list = fc.value['facts'];
    if (!Array.isArray(list)) continue;
    list.forEach((raw: unknown, index) => {
      if (!isRecord(raw) || typeof raw['name'] !== 'string') return;
      const name = raw['name'];
      const at = (p: (string | number)[], m: string, key = false): void => void issues.push(issueAt(fc, ['facts', index, ...p], m, key));
      const prev = declared.get(name);
      if (prev !== undefined) {
        const p = prev.fc.doc.locate(['facts', prev.index, 'name']);
        at(['name'], `duplicate fact "${name}" (first declared at ${prev.fc.file}:${p.line}:${p.column})`);
        return;
      }
      if (Object.prototype.hasOwnProperty.call(OBSERVED_FACTS, name)) at(['name'], `fact "${name}" clashes with the observed fact of that name; choose another name`);
      const fact = checkFact(fc, index, raw, at, issues);
      if (fact !== undefined) declared.set(name, { fc, index, fact });
    });
  }
  const catalog: MetricFact[] = BUILTIN_FACTS.map((b) => declared.get(b.name)?.fact ?? { name: b.name, description: b.description, subject: b.subject, ...(b.by !== undefined ? { by: b.by } : {}) });
  for (const [name, d] of declared) if (!BUILTIN_FACTS.some((b) => b.name === name)) catalog.push(d.fact);
  return catalog;
}

function checkFact(fc: FactFile, index: number, raw: Record<string, unknown>, at: (p: (string | number)[], m: string, key?: boolean) => void, issues: ValidationIssue[]): MetricFact | undefined {
  const name = raw['name'] as string;
  const subject = raw['subject'];
  const by = raw['by'];
  const promql = raw['promql'];
  if (typeof subject !== 'string' || !SUBJECTS.includes(subject as SubjectKind) || typeof promql !== 'string' || typeof raw['description'] !== 'string') return undefined;
  const kind = subject as SubjectKind;
  if (kind !== 'service' && typeof by !== 'string') at([], `fact "${name}" is about a ${kind} and needs "by": the label that names the ${kind}`);
  if (kind === 'service' && by !== undefined) at(['by'], `fact "${name}" is about the service (one global number) and takes no "by"`, true);
  const builtin = BUILTIN_FACTS.find((b) => b.name === name);
  if (builtin !== undefined && (builtin.subject !== kind || (builtin.by !== undefined && typeof by === 'string' && by !== builtin.by))) {
    at(['subject'], `fact "${name}" is built in with subject ${builtin.subject}${builtin.by !== undefined ? ` by ${builtin.by}` : ''}; a declaration must keep them (the deriver and recorded fixtures rely on it)`);
  }
  const err = promqlError(promql);
  if (err !== undefined) {
    const pos = positionInScalar(fc.text, fc.doc.locate(['facts', index, 'promql']), err.offset);
    issues.push({ file: fc.file, line: pos.line, column: pos.column, path: `facts[${index}].promql`, message: err.message });
  } else if (typeof by === 'string' && kind !== 'service' && LABEL.test(by)) {
    const kept = keptLabels(promql);
    if (kept !== undefined && !keeps(kept, by)) at(['by'], keepLabelsMessage(name, by, kept));
  }
  const range = checkRange(raw['range'], (p, m, key) => at(['range', ...p], m, key));
  return {
    name,
    description: raw['description'],
    subject: kind,
    ...(kind !== 'service' && typeof by === 'string' ? { by } : {}),
    promql,
    ...(range !== undefined ? { range } : {}),
    location: { file: fc.file, ...fc.doc.locate(['facts', index]) },
  };
}

function checkRange(raw: unknown, at: (p: string[], m: string, key?: boolean) => void): FactRange | undefined {
  if (!isRecord(raw)) return undefined;
  const windowMs = typeof raw['window'] === 'string' ? parseDuration(raw['window']) : null;
  const stepMs = typeof raw['step'] === 'string' ? parseDuration(raw['step']) : null;
  const reduce = raw['reduce'];
  if (windowMs === null || stepMs === null || typeof reduce !== 'string') return undefined;
  if (stepMs <= 0) at(['step'], 'step must be longer than 0');
  else if (windowMs < stepMs) at(['window'], `window ${String(raw['window'])} is shorter than the step ${String(raw['step'])}`);
  else if (windowMs / stepMs > MAX_RANGE_POINTS) at(['step'], `window ${String(raw['window'])} at step ${String(raw['step'])} gives ${Math.floor(windowMs / stepMs)} points; prometheus answers at most ${MAX_RANGE_POINTS} per series`);
  const threshold = raw['threshold'];
  if (reduce === 'count' && typeof threshold !== 'number') at([], 'reduce "count" needs "threshold": points above it are counted');
  if (reduce !== 'count' && threshold !== undefined) at(['threshold'], `"threshold" is only used by reduce "count", not "${reduce}"`, true);
  return { windowMs, stepMs, reduce: reduce as Reducer, ...(typeof threshold === 'number' ? { threshold } : {}) };
}

/** `by:` names a label the query's result does not have. */
function keepLabelsMessage(name: string, by: string, kept: Kept): string {
  const what = kept.all ? `drops it (without: ${[...kept.except].sort().join(', ')})` : kept.labels.size === 0 ? 'keeps no labels' : `keeps only ${[...kept.labels].sort().join(', ')}`;
  return `fact "${name}": "by: ${by}" is not a label of the query's result, which ${what}; add it to the "by (…)" clause`;
}

/**
 * Moving a store's records between backends (`mapek knowledge export` / `import`): NDJSON,
 * one record a line with its collection, `{"collection":"executions","record":{…}}`;
 * controller state is `{"collection":"controller","record":{"name":…,"value":…}}`. Lines are
 * written oldest first, so that an import replays them in their order (weight changes keep
 * theirs, and the newest weight of each rule stays the newest).
 *
 * Import checks every line first (the same record schemas every read is checked with) and
 * writes nothing when one is bad; each issue names its line. It is idempotent: a record equal
 * to the stored one is left alone, a changed one is replaced, so re-importing a file changes
 * nothing. It goes through the store's own API, so it works for every backend, both ways.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Decision } from '../types/decision.js';
import type { ExecutionRecord, WeightChange } from '../types/execution.js';
import type { Approval, ExtendedKnowledgeStore, Outcome } from '../types/knowledge.js';
import type { CollectionName } from './documents.js';
import { recordIssues } from './record-schemas.js';

export const TRANSFER_ORDER: readonly CollectionName[] = ['decisions', 'executions', 'outcomes', 'weights', 'approvals', 'controller'];

export interface TransferLine {
  readonly collection: CollectionName;
  readonly record: unknown;
}

const ALL = Number.MAX_SAFE_INTEGER;

/** Every record of `store`, oldest first per collection; `controllerNames`: the controller states to carry. */
export async function* exportRecords(store: ExtendedKnowledgeStore, controllerNames: readonly string[]): AsyncGenerator<TransferLine> {
  for (const d of [...(await store.recentDecisions(ALL))].reverse()) yield { collection: 'decisions', record: d };
  for (const e of [...(await store.findExecutions({}))].reverse()) yield { collection: 'executions', record: e };
  for (const o of await store.outcomes({})) yield { collection: 'outcomes', record: o };
  for (const w of [...(await store.weightHistory(ALL))].reverse()) yield { collection: 'weights', record: w };
  for (const a of await store.listApprovals()) yield { collection: 'approvals', record: a };
  for (const name of controllerNames) {
    const value = await store.loadControllerState(name);
    if (value !== undefined) yield { collection: 'controller', record: { name, value } };
  }
}

export type Counts = Record<CollectionName, number>;
const zero = (): Counts => ({ decisions: 0, executions: 0, outcomes: 0, weights: 0, approvals: 0, controller: 0 });

export interface ImportSummary {
  readonly lines: number;
  readonly created: Counts;
  readonly updated: Counts;
  readonly unchanged: Counts;
}

export type ParsedTransfer = { readonly ok: true; readonly lines: readonly TransferLine[] } | { readonly ok: false; readonly issues: readonly string[] };

/** Checks every line of an export (`source` names the file in each issue); blank lines are skipped. */
export function parseTransfer(text: string, source: string): ParsedTransfer {
  const issues: string[] = [];
  const lines: TransferLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const at = `${source}:${i + 1}`;
    if (raw.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      issues.push(`${at}: not valid JSON`);
      return;
    }
    const o = v as { collection?: unknown; record?: unknown };
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return void issues.push(`${at}: must be an object { collection, record }`);
    if (typeof o.collection !== 'string' || !(TRANSFER_ORDER as readonly string[]).includes(o.collection)) {
      return void issues.push(`${at}: collection: must be one of ${TRANSFER_ORDER.join(', ')}, got ${JSON.stringify(o.collection)}`);
    }
    const collection = o.collection as CollectionName;
    const problems = collection === 'controller' ? controllerIssues(o.record) : recordIssues(collection, o.record);
    if (problems.length > 0) issues.push(...problems.map((p) => `${at}: ${collection}: ${p}`));
    else lines.push({ collection, record: o.record });
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, lines };
}

function controllerIssues(r: unknown): string[] {
  if (r === null || typeof r !== 'object' || Array.isArray(r)) return ['record: must be an object { name, value }'];
  const c = r as { name?: unknown; value?: unknown };
  if (typeof c.name !== 'string' || c.name === '') return ['name: must be a non-empty string'];
  if (!('value' in c)) return ['value: is required'];
  return [];
}

type Verdict = 'created' | 'updated' | 'unchanged';

/** Writes checked lines into `store`, in order; what each did, per collection. */
export async function importRecords(store: ExtendedKnowledgeStore, lines: readonly TransferLine[]): Promise<ImportSummary> {
  const summary: ImportSummary = { lines: lines.length, created: zero(), updated: zero(), unchanged: zero() };
  // Outcomes and weights have no lookup by key in the store API: read them once.
  const outcomes = new Map((await store.outcomes({})).map((o) => [o.key, o]));
  const weights = new Set((await store.weightHistory(ALL)).map(canonical));
  for (const line of lines) {
    const verdict = await importOne(store, line, outcomes, weights);
    summary[verdict][line.collection] += 1;
  }
  return summary;
}

const canonical = (v: unknown): string => JSON.stringify(v, (_k, x: unknown) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));

async function put<T>(existing: T | undefined, record: T, write: () => Promise<unknown>): Promise<Verdict> {
  if (existing !== undefined && isDeepStrictEqual(existing, record)) return 'unchanged';
  await write();
  return existing === undefined ? 'created' : 'updated';
}

async function importOne(store: ExtendedKnowledgeStore, line: TransferLine, outcomes: Map<string, Outcome>, weights: Set<string>): Promise<Verdict> {
  switch (line.collection) {
    case 'decisions': {
      const d = line.record as Decision;
      return put(await store.getDecision(d.id), d, () => store.saveDecision(d));
    }
    case 'executions': {
      const e = line.record as ExecutionRecord;
      const existing = await store.getExecution(e.key);
      return put(existing, e, async () => (existing === undefined ? store.recordIntent(e) : store.updateExecution(e.key, e)));
    }
    case 'outcomes': {
      const o = line.record as Outcome;
      return put(outcomes.get(o.key), o, async () => {
        await store.recordOutcome(o);
        outcomes.set(o.key, o);
      });
    }
    case 'weights': {
      const w = line.record as WeightChange;
      const key = canonical(w);
      if (weights.has(key)) return 'unchanged';
      await store.saveWeightChange(w);
      weights.add(key);
      return 'created';
    }
    case 'approvals': {
      const a = line.record as Approval;
      return put(await store.getApproval(a.id), a, () => store.requestApproval(a));
    }
    case 'controller': {
      const c = line.record as { name: string; value: unknown };
      return put(await store.loadControllerState(c.name), c.value, () => store.saveControllerState(c.name, c.value));
    }
  }
}

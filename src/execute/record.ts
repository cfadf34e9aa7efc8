/**
 * Building and updating execution records (the record stage's vocabulary).
 *
 * A record update that fails after Charter was written (the store is read-only, the disk is
 * full) is never dropped: the patch is kept in order in `st.behind` and written by the next
 * `flushBehind` (each cycle, with backoff), and reads of the record see it in the meantime.
 * Until it is written, the service is not ready (`behindCount`). Updates that must land
 * before a write (the prior state) use `persist`, which throws instead.
 */
import type { Candidate, Decision } from '../types/decision.js';
import type { ExecutionRecord, ExecutionStatus } from '../types/execution.js';
import type { Outcome } from '../types/knowledge.js';
import { incidentKind } from './key.js';
import { errorText } from './retry.js';
import { iso, type ExecState } from './state.js';

export function newRecord(st: ExecState, d: Decision, c: Candidate, key: string, cycleId: string, status: ExecutionStatus): ExecutionRecord {
  const now = iso(st.now());
  return {
    key,
    id: st.ids(),
    decisionId: d.id,
    cycleId,
    ruleId: c.ruleId,
    incidentId: d.incidentId,
    incidentKind: incidentKind(d),
    action: c.action,
    status,
    createdAt: now,
    updatedAt: now,
  };
}

/** A record that must be on file before a Charter write could not be written: the write is not sent. */
export class RecordNotWrittenError extends Error {
  constructor(what: string, cause: unknown) {
    super(`${what} not recorded: ${errorText(cause)}`, { cause });
    this.name = 'RecordNotWrittenError';
  }
}

/** Writes the patch now or throws RecordNotWrittenError: for what must be on record before a Charter write. */
export async function persist(st: ExecState, r: ExecutionRecord, patch: Partial<ExecutionRecord>): Promise<ExecutionRecord> {
  const next = { ...r, ...patch, updatedAt: iso(st.now()) };
  if (st.behind.updates.has(r.key)) throw new RecordNotWrittenError(`execution ${r.key}`, 'earlier updates are not yet written');
  try {
    await st.store.updateExecution(r.key, { ...patch, updatedAt: next.updatedAt });
  } catch (err) {
    throw new RecordNotWrittenError(`execution ${r.key}`, err);
  }
  return next;
}

/** Updates the stored record and returns the merged copy; a failed write is kept and retried. */
export async function update(st: ExecState, r: ExecutionRecord, patch: Partial<ExecutionRecord>): Promise<ExecutionRecord> {
  const next = { ...r, ...patch, updatedAt: iso(st.now()) };
  const full = { ...patch, updatedAt: next.updatedAt };
  const queued = st.behind.updates.get(r.key);
  if (queued) {
    // Keep the order: this patch goes after the ones still waiting.
    st.behind.updates.set(r.key, { ...queued, ...full });
    return next;
  }
  try {
    await st.store.updateExecution(r.key, full);
  } catch (err) {
    st.behind.updates.set(r.key, full);
    st.log.error('execution record not written; kept and retried until it is', { key: r.key, status: next.status, error: errorText(err) });
  }
  return next;
}

/** Records an outcome, or keeps it for `flushBehind` when the store fails. */
export async function recordOutcome(st: ExecState, o: Outcome): Promise<void> {
  if (st.behind.outcomes.length === 0) {
    try {
      await st.store.recordOutcome(o);
      return;
    } catch (err) {
      st.log.error('outcome not written; kept and retried until it is', { key: o.key, error: errorText(err) });
    }
  }
  st.behind.outcomes.push(o);
}

/** The stored record with the updates not yet written laid over it. */
export async function readRecord(st: ExecState, key: string): Promise<ExecutionRecord | undefined> {
  const r = await st.store.getExecution(key);
  const queued = st.behind.updates.get(key);
  return r && queued ? ({ ...r, ...queued } as ExecutionRecord) : r;
}

/** Writes what is behind, in order; stops at the first failure. Resolves how many are still behind. */
export async function flushBehind(st: ExecState): Promise<number> {
  const now = st.now();
  if (behindCount(st) === 0 || now < st.behind.nextTryAt) return behindCount(st);
  try {
    for (const [key, patch] of [...st.behind.updates]) {
      await st.store.updateExecution(key, patch);
      st.behind.updates.delete(key);
    }
    while (st.behind.outcomes.length > 0) {
      await st.store.recordOutcome(st.behind.outcomes[0] as Outcome);
      st.behind.outcomes.shift();
    }
    st.behind.failures = 0;
    st.log.info('records written after the store recovered', {});
  } catch (err) {
    st.behind.failures += 1;
    const wait = Math.min(60_000, 1_000 * 2 ** Math.min(st.behind.failures - 1, 6));
    st.behind.nextTryAt = now + wait;
    st.log.warn('knowledge store still failing; records kept in memory', { behind: behindCount(st), retryInMs: wait, error: errorText(err) });
  }
  return behindCount(st);
}

export function behindCount(st: ExecState): number {
  return st.behind.updates.size + st.behind.outcomes.length;
}

/**
 * Reconciliation: every intent left `pending` (by a crash, or by a write whose answer was
 * lost) and every undo left `rolling_back` is settled against Charter, so that nothing stays
 * half-applied, nothing is applied twice and the fault does not stay unremediated. Runs at
 * start, and in-process whenever a write's outcome was unknown (until it is known).
 *
 * - no prior state recorded: the write was never sent → `released`; the next cycle that
 *   still proposes it runs it again under the same key (guards checked afresh). After
 *   MAX_ATTEMPTS interrupted runs it is closed as `error`.
 * - the desired state holds (`landed` yes) → `applied` at the time it was sent, verified.
 * - cannot be told (`reload_policies`) → replayed under the same Idempotency-Key, which
 *   Charter answers from its cache if the first write landed → `applied`.
 * - not landed, and the target still holds the prior state → the write is re-sent under the
 *   SAME Idempotency-Key and with the same body (desired is computed from the stored prior,
 *   not from the current state): if the first request is still in flight, Charter applies
 *   whichever arrives first and replays the other → `applied`.
 * - not landed and the target changed since → `conflict`: someone else acted; not overwritten.
 * - `rolling_back`: the undo is finished (or found landed) → `rolled_back`, its outcome
 *   recorded, and the next cycle tries the decision's next-best candidate.
 * - `released` and not run again within `releasedTtlMs` → `abandoned` (nothing was written).
 *
 * `applied` / `unchanged` records without verification get it rescheduled.
 */
import type { ExecutionRecord } from '../types/execution.js';
import { actionModule } from './actions/index.js';
import { actionContext, writeOptions } from './apply-stage-context.js';
import { readBack } from './read-back.js';
import { recordOutcome, update } from './record.js';
import { errorText, isConflict, withRetry } from './retry.js';
import { iso, type ExecState } from './state.js';
import { finishUndo } from './undo.js';
import { schedule } from './verify-stage.js';

export { untouched } from './read-back.js';

/** Runs of one intent a crash may interrupt before it is given up. */
export const MAX_ATTEMPTS = 3;

function release(st: ExecState, r: ExecutionRecord): Promise<ExecutionRecord> {
  const attempts = r.attempts ?? 1;
  if (attempts >= MAX_ATTEMPTS) {
    return update(st, r, { status: 'error', error: `interrupted ${attempts} times before the write was sent; given up` });
  }
  return update(st, r, { status: 'released', error: 'interrupted before the write was sent; nothing changed; the next cycle may run it again' });
}

export async function reconcile(st: ExecState, r: ExecutionRecord): Promise<ExecutionRecord> {
  if (r.prior === undefined) return release(st, r);
  const rb = await readBack(st, r);
  if (rb.landed === 'no' && !rb.untouched) {
    return update(st, r, { status: 'conflict', error: `"${r.action.target}" changed since the interrupted action; not overwritten` });
  }
  if (rb.landed !== 'yes') {
    // 'unknown' replays; 'no' re-sends: same key, same body, so Charter applies it once.
    const m = actionModule(r.action.type);
    try {
      await withRetry(() => m.write(actionContext(st, r), r.action.target, rb.desired, writeOptions(rb.landed === 'no' ? rb.current.etag : '', r.key)), st.o.retry, st.sleep, st.now);
    } catch (err) {
      if (!isConflict(err)) throw err;
      return update(st, r, { status: 'conflict', error: `${r.action.target} changed concurrently; not overwritten: ${errorText(err)}` });
    }
  }
  // A write found landed took effect when it was sent (the cooldown counts from then), a re-sent one now.
  const appliedAt = rb.landed === 'yes' ? (r.sentAt ?? iso(st.now())) : iso(st.now());
  const next = await update(st, r, { status: 'applied', appliedAt, attempts: (r.attempts ?? 1) + (rb.landed === 'yes' ? 0 : 1), error: undefined });
  schedule(st, next);
  return next;
}

async function reconcileUndo(st: ExecState, r: ExecutionRecord): Promise<ExecutionRecord> {
  const next = await finishUndo(st, r);
  if (next.status === 'rolling_back') throw new Error(next.error ?? 'the undo could not be finished');
  if (next.verify !== undefined) {
    await recordOutcome(st, { key: next.key, ruleId: next.ruleId, incidentKind: next.incidentKind, actionType: next.action.type, result: next.verify, at: next.verifiedAt ?? iso(st.now()), incidentId: next.incidentId, ...(next.appliedAt ? { appliedAt: next.appliedAt } : {}) });
  }
  if (next.status === 'rolled_back') st.nextBestDue.add(next.key);
  return next;
}

/** Closes released intents that no cycle ran again in time (their episode is over). */
export async function abandonStale(st: ExecState): Promise<ExecutionRecord[]> {
  const out: ExecutionRecord[] = [];
  const cutoff = st.now() - st.o.releasedTtlMs;
  for (const r of await st.store.findExecutions({ status: ['released'] })) {
    if (Date.parse(r.updatedAt) > cutoff) continue;
    const patch = { status: 'abandoned' as const, error: `released and not proposed again within ${Math.round(st.o.releasedTtlMs / 1000)}s; nothing was written`, updatedAt: iso(st.now()) };
    if (await st.store.transition(r.key, ['released'], patch)) out.push({ ...r, ...patch });
  }
  return out;
}

/** Resolves the reconciled records and whether some could not be reconciled (Charter down). */
export async function recover(st: ExecState): Promise<{ records: ExecutionRecord[]; incomplete: boolean }> {
  const records: ExecutionRecord[] = [];
  let incomplete = false;
  for (const r of await st.store.findExecutions({ status: ['pending', 'rolling_back'] })) {
    if (st.inflight.has(r.key) || st.behind.updates.has(r.key)) continue;
    try {
      records.push(await (r.status === 'rolling_back' ? reconcileUndo(st, r) : reconcile(st, r)));
      st.needsReconcile.delete(r.key);
    } catch (err) {
      incomplete = true;
      st.log.warn('could not reconcile an interrupted action; will retry', { key: r.key, error: errorText(err) });
    }
  }
  records.push(...(await abandonStale(st)));
  for (const r of await st.store.findExecutions({ status: ['applied', 'unchanged'] })) {
    if (r.verify === undefined && !st.queue.has(r.key)) schedule(st, r);
  }
  return { records, incomplete };
}

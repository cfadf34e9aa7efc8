/**
 * Crash recovery, at start: every intent a previous process left `pending` is reconciled
 * against Charter — the write landed (→ applied, verification scheduled), did not land
 * (→ error, nothing to undo), or cannot be told (→ replayed under the same Idempotency-Key,
 * which Charter applies once). `applied` ones get their verification rescheduled, which
 * rolls them back if they did not help. Nothing half-applied, nothing applied twice.
 */
import type { ExecutionRecord } from '../types/execution.js';
import { actionModule } from './actions/index.js';
import { parseParams } from './actions/params.js';
import { actionContext, writeOptions } from './apply-stage.js';
import { update } from './record.js';
import { errorText, withRetry } from './retry.js';
import { iso, type ExecState } from './state.js';
import { schedule } from './verify-stage.js';

export async function reconcile(st: ExecState, r: ExecutionRecord): Promise<ExecutionRecord> {
  if (r.prior === undefined) {
    return update(st, r, { status: 'error', error: 'interrupted before the write was sent; nothing changed' });
  }
  const m = actionModule(r.action.type);
  const ctx = actionContext(st, r);
  const retry = <T>(fn: () => Promise<T>): Promise<T> => withRetry(fn, st.o.retry, st.sleep);
  const params = parseParams(r.action.type, r.action.params);
  const current = await retry(() => m.read(ctx, r.action.target));
  const desired = m.desired(r.prior, params, r.action.target);
  const landed = m.landed(current.value, r.prior, desired);
  if (landed === 'no') {
    return update(st, r, { status: 'error', error: 'interrupted before the write landed; not retried' });
  }
  if (landed === 'unknown') {
    await retry(() => m.write(ctx, r.action.target, desired, writeOptions('', r.key)));
  }
  const next = await update(st, r, { status: 'applied', appliedAt: iso(st.now()) });
  schedule(st, next);
  return next;
}

/** Resolves the reconciled records and whether some could not be reconciled (Charter down). */
export async function recover(st: ExecState): Promise<{ records: ExecutionRecord[]; incomplete: boolean }> {
  const records: ExecutionRecord[] = [];
  let incomplete = false;
  for (const r of await st.store.findExecutions({ status: ['pending'] })) {
    if (st.inflight.has(r.key)) continue;
    try {
      records.push(await reconcile(st, r));
    } catch (err) {
      incomplete = true;
      st.log.warn('could not reconcile an interrupted action; will retry', { key: r.key, error: errorText(err) });
    }
  }
  for (const r of await st.store.findExecutions({ status: ['applied', 'unchanged'] })) {
    if (r.verify === undefined && !st.queue.has(r.key)) schedule(st, r);
  }
  return { records, incomplete };
}

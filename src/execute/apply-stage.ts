/**
 * Apply: read → desired → compare → write-if-different, with If-Match on the ETag read and
 * the intent key as Idempotency-Key. The prior state (and the time the write is sent) is
 * stored before the write, so a crash can be reconciled.
 *
 * A write whose answer is lost (timeout, cut connection, 5xx, an answer that is not Charter's)
 * may have landed. It is never recorded as a plain error: the target is read back, and the
 * record says `applied` (and is verified) or `not applied`, or — when the read-back fails
 * too — stays `pending` for reconciliation, which the executor retries in-process.
 */
import type { ExecutionRecord } from '../types/execution.js';
import { actionModule } from './actions/index.js';
import { parseParams } from './actions/params.js';
import { actionContext, writeOptions } from './apply-stage-context.js';
import { recordFailure } from './breaker-alert.js';
import { charterErrorKind, countsOnBreaker } from './charter-error.js';
import { readBack } from './read-back.js';
import { persist, RecordNotWrittenError, update } from './record.js';
import { errorText, withRetry } from './retry.js';
import { iso, type ExecState } from './state.js';

/** After a write failed with no definite answer: what Charter holds decides the record. */
async function settle(st: ExecState, r: ExecutionRecord, writeErr: unknown): Promise<ExecutionRecord> {
  const why = errorText(writeErr);
  let rb;
  try {
    rb = await readBack(st, r);
  } catch (err) {
    st.needsReconcile.add(r.key);
    st.log.warn('write outcome unknown and Charter cannot be read; reconciling later', { key: r.key, error: why, readError: errorText(err) });
    return update(st, r, { error: `write outcome unknown (${why}); read-back failed (${errorText(err)}); reconciling` });
  }
  if (rb.landed === 'yes') {
    st.log.info('write answer lost, but the write landed (read back)', { key: r.key, error: why });
    return update(st, r, { status: 'applied', appliedAt: iso(st.now()), note: `answer lost (${why}); landed, confirmed by reading back` });
  }
  if (rb.landed === 'no' && rb.untouched) {
    return update(st, r, { status: 'error', error: `write failed, not applied (read back: unchanged): ${why}` });
  }
  if (rb.landed === 'no') {
    return update(st, r, { status: 'conflict', error: `write failed (${why}) and "${r.action.target}" changed since it was read; not overwritten` });
  }
  // 'unknown' (a reload): reconciliation re-sends under the same key; Charter replays if it landed.
  st.needsReconcile.add(r.key);
  return update(st, r, { error: `write outcome unknown (${why}); reconciling under the same Idempotency-Key` });
}

/** Resolves the record after apply: unchanged, applied, conflict, target_not_found, error — or pending (reconciling). */
export async function apply(st: ExecState, r: ExecutionRecord): Promise<ExecutionRecord> {
  const m = actionModule(r.action.type);
  const ctx = actionContext(st, r);
  const retry = <T>(fn: () => Promise<T>): Promise<T> => withRetry(fn, st.o.retry, st.sleep, st.now);
  let stage: 'read' | 'write' = 'read';
  try {
    await st.hooks.afterIntent?.(r.key);
    const params = parseParams(r.action.type, r.action.params);
    const current = await retry(() => m.read(ctx, r.action.target));
    const desired = m.desired(current.value, params, r.action.target);
    if (m.same(current.value, desired)) {
      return await update(st, r, { status: 'unchanged', prior: current.value });
    }
    // On record before the write (or no write): recovery needs the prior state to reconcile.
    r = await persist(st, r, { prior: current.value, sentAt: iso(st.now()) });
    stage = 'write';
    await st.hooks.beforeWrite?.(r.key);
    await retry(() => m.write(ctx, r.action.target, desired, writeOptions(current.etag, r.key)));
    await st.hooks.afterWrite?.(r.key);
  } catch (err) {
    if (err instanceof RecordNotWrittenError) throw err; // the store, not Charter: nothing was sent
    return failed(st, r, stage, err);
  }
  return update(st, r, { status: 'applied', appliedAt: iso(st.now()) });
}

async function failed(st: ExecState, r: ExecutionRecord, stage: 'read' | 'write', err: unknown): Promise<ExecutionRecord> {
  const kind = charterErrorKind(err);
  if (countsOnBreaker(kind)) await recordFailure(st, `${r.action.type} "${r.action.target}": ${stage} failed: ${errorText(err)}`);
  switch (kind) {
    case 'conflict':
      return update(st, r, { status: 'conflict', error: `${r.action.target} changed concurrently; not overwritten: ${errorText(err)}` });
    case 'not_found':
      return update(st, r, { status: 'target_not_found', error: `"${r.action.target}" does not exist in Charter: ${errorText(err)}` });
    case 'unavailable':
      if (stage === 'write') return settle(st, r, err);
      return update(st, r, { status: 'error', error: `read failed: ${errorText(err)}` });
    case 'refused':
    case 'internal':
      return update(st, r, { status: 'error', error: `${stage} failed: ${errorText(err)}` });
  }
}

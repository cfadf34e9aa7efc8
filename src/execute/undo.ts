/**
 * The undo of a write that did not help: itself a journaled intent. The record moves to
 * `rolling_back` with its undo key (`<key>:rollback`, the Idempotency-Key of the undo write)
 * BEFORE the write is sent; recovery finishes an undo a crash interrupted (`finishUndo`),
 * reading the target to tell whether it landed. The undo is written only while the target
 * still holds what this execution wrote: an undo never overwrites someone else's change.
 */
import type { ExecutionRecord } from '../types/execution.js';
import { actionModule } from './actions/index.js';
import { actionContext, undoKey, writeOptions } from './apply-stage-context.js';
import { recordFailure } from './breaker-alert.js';
import { charterErrorKind, countsOnBreaker } from './charter-error.js';
import { readBack } from './read-back.js';
import { persist, update } from './record.js';
import { errorText, isConflict, withRetry } from './retry.js';
import { iso, type ExecState } from './state.js';

/** Journals the undo of `r` and sends it. Resolves the record: rolled_back, failed, or rolling_back (reconciling). */
export async function undo(st: ExecState, r: ExecutionRecord, reason: string): Promise<ExecutionRecord> {
  const now = iso(st.now());
  try {
    r = await persist(st, r, { status: 'rolling_back', undo: { key: undoKey(r.key), reason, startedAt: now } });
  } catch (err) {
    // No Charter write without a record: the undo is not sent; the execution stays failed.
    st.log.error('undo not journaled; not sent', { key: r.key, error: errorText(err) });
    return update(st, r, { status: 'failed', error: `rollback not attempted: ${errorText(err)}` });
  }
  return sendUndo(st, r);
}

async function sendUndo(st: ExecState, r: ExecutionRecord): Promise<ExecutionRecord> {
  const m = actionModule(r.action.type);
  let rb;
  try {
    rb = await readBack(st, r);
  } catch (err) {
    return undoFailed(st, r, err, 'read');
  }
  // The target no longer holds what we wrote (someone changed it, or the undo already landed).
  if (rb.landed === 'no') {
    // Back at the prior content (its version moved on: the undo is itself a write).
    if (m.same(rb.current.value, r.prior) && m.same(r.prior, rb.current.value)) return done(st, r, 'the target is back at its prior state');
    return update(st, r, { status: 'failed', error: `rollback skipped: "${r.action.target}" changed since the action`, undo: { ...(r.undo ?? undoRecord(st, r)), doneAt: iso(st.now()) } });
  }
  const undoing: ExecutionRecord = { ...r, undo: { ...(r.undo ?? undoRecord(st, r)), sentAt: iso(st.now()) } };
  try {
    await st.hooks.beforeUndo?.(r.key);
    await withRetry(() => m.write(actionContext(st, r), r.action.target, r.prior, writeOptions(rb.current.etag, undoKey(r.key))), st.o.retry, st.sleep, st.now);
    await st.hooks.afterUndo?.(r.key);
  } catch (err) {
    if (isConflict(err)) return update(st, undoing, { status: 'failed', error: `rollback skipped: "${r.action.target}" changed concurrently: ${errorText(err)}` });
    return undoFailed(st, undoing, err, 'write');
  }
  return done(st, undoing);
}

function undoRecord(st: ExecState, r: ExecutionRecord): NonNullable<ExecutionRecord['undo']> {
  return { key: undoKey(r.key), reason: 'verification failed', startedAt: iso(st.now()) };
}

function done(st: ExecState, r: ExecutionRecord, note?: string): Promise<ExecutionRecord> {
  return update(st, r, { status: 'rolled_back', undo: { ...(r.undo ?? undoRecord(st, r)), doneAt: iso(st.now()) }, ...(note ? { note } : {}) });
}

async function undoFailed(st: ExecState, r: ExecutionRecord, err: unknown, stage: 'read' | 'write'): Promise<ExecutionRecord> {
  const kind = charterErrorKind(err);
  if (countsOnBreaker(kind)) await recordFailure(st, `${r.action.type} "${r.action.target}": rollback ${stage} failed: ${errorText(err)}`);
  if (kind === 'unavailable') {
    // It may have landed: stays rolling_back, and reconciliation finishes it.
    st.needsReconcile.add(r.key);
    st.log.warn('rollback outcome unknown; reconciling', { key: r.key, error: errorText(err) });
    return update(st, r, { error: `rollback ${stage} failed: ${errorText(err)}; reconciling` });
  }
  return update(st, r, { status: 'failed', error: `rollback failed: ${errorText(err)}` });
}

/** Recovery of an undo a crash or a lost answer interrupted: read back, then finish or re-send under the undo key. */
export function finishUndo(st: ExecState, r: ExecutionRecord): Promise<ExecutionRecord> {
  return sendUndo(st, r);
}

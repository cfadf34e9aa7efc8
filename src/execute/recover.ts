/**
 * Crash recovery, at start: every intent a previous process left `pending` is reconciled
 * against Charter, so that nothing stays half-applied, nothing is applied twice and the
 * fault does not stay unremediated:
 *
 * - no prior state recorded: the write was never sent → `released`; the next cycle that
 *   still proposes it runs it again under the same key (guards checked afresh). After
 *   MAX_ATTEMPTS interrupted runs it is closed as `error`.
 * - the desired state holds (`landed` yes) → `applied`, verification scheduled.
 * - cannot be told (`reload_policies`) → replayed under the same Idempotency-Key, which
 *   Charter answers from its cache if the first write landed → `applied`.
 * - not landed, and the target still holds the prior state → the write is re-sent under the
 *   SAME Idempotency-Key and with the same body (desired is computed from the stored prior,
 *   not from the current state): if the first request is still in flight, Charter applies
 *   whichever arrives first and replays the other → `applied`.
 * - not landed and the target changed since → `conflict`: someone else acted; not overwritten.
 *
 * `applied` / `unchanged` records without verification get it rescheduled, which rolls them
 * back if they did not help.
 */
import type { ExecutionRecord } from '../types/execution.js';
import { actionModule } from './actions/index.js';
import { parseParams } from './actions/params.js';
import { actionContext, writeOptions } from './apply-stage.js';
import { update } from './record.js';
import { errorText, isConflict, withRetry } from './retry.js';
import { iso, type ExecState } from './state.js';
import { schedule } from './verify-stage.js';

/** Runs of one intent a crash may interrupt before it is given up. */
export const MAX_ATTEMPTS = 3;

function release(st: ExecState, r: ExecutionRecord): Promise<ExecutionRecord> {
  const attempts = r.attempts ?? 1;
  if (attempts >= MAX_ATTEMPTS) {
    return update(st, r, { status: 'error', error: `interrupted ${attempts} times before the write was sent; given up` });
  }
  return update(st, r, { status: 'released', error: 'interrupted before the write was sent; nothing changed; the next cycle may run it again' });
}

/**
 * True when the target still holds the state read before the write: same version when the
 * state has one (every Charter object does), else equal both ways under the module's `same`.
 */
export function untouched(same: (a: unknown, b: unknown) => boolean, current: unknown, prior: unknown): boolean {
  const version = (x: unknown): unknown => (x !== null && typeof x === 'object' ? (x as { version?: unknown }).version : undefined);
  const [vc, vp] = [version(current), version(prior)];
  if (typeof vc === 'number' && typeof vp === 'number') return vc === vp;
  return same(current, prior) && same(prior, current);
}

export async function reconcile(st: ExecState, r: ExecutionRecord): Promise<ExecutionRecord> {
  if (r.prior === undefined) return release(st, r);
  const m = actionModule(r.action.type);
  const ctx = actionContext(st, r);
  const retry = <T>(fn: () => Promise<T>): Promise<T> => withRetry(fn, st.o.retry, st.sleep);
  const params = parseParams(r.action.type, r.action.params);
  const current = await retry(() => m.read(ctx, r.action.target));
  const desired = m.desired(r.prior, params, r.action.target);
  const landed = m.landed(current.value, r.prior, desired);
  if (landed === 'no' && !untouched((a, b) => m.same(a, b), current.value, r.prior)) {
    return update(st, r, { status: 'conflict', error: `"${r.action.target}" changed since the interrupted action; not overwritten` });
  }
  if (landed !== 'yes') {
    // 'unknown' replays; 'no' re-sends: same key, same body, so Charter applies it once.
    try {
      await retry(() => m.write(ctx, r.action.target, desired, writeOptions(landed === 'no' ? current.etag : '', r.key)));
    } catch (err) {
      if (!isConflict(err)) throw err;
      return update(st, r, { status: 'conflict', error: `${r.action.target} changed concurrently; not overwritten: ${errorText(err)}` });
    }
  }
  const next = await update(st, r, { status: 'applied', appliedAt: iso(st.now()), attempts: (r.attempts ?? 1) + (landed === 'yes' ? 0 : 1) });
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

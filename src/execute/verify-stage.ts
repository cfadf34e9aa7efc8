/**
 * Verify, scheduled: an applied action is queued with its due time (applied + settle time)
 * and checked by the first `execute` or `verifyDue` call after that — the loop never waits
 * for a settle time. A failed verification rolls back (reversible types) and reports, so the
 * pipeline may try the next-best candidate.
 */
import { ACTION_CATALOG } from '../types/catalog.js';
import type { ExecutionRecord, VerifyResult } from '../types/execution.js';
import type { Snapshot } from '../types/snapshot.js';
import { actionModule, isEmptyCondition } from './actions/index.js';
import { parseParams } from './actions/params.js';
import { actionContext, writeOptions } from './apply-stage.js';
import { recordFailure } from './breaker-alert.js';
import { saveBreaker } from './breaker-store.js';
import { update } from './record.js';
import { errorText, withRetry } from './retry.js';
import { iso, type ExecState } from './state.js';

/** How far a verification that could not run (monitor failed, Charter down) is put off. */
export const VERIFY_RETRY_MS = 10_000;

export function schedule(st: ExecState, r: ExecutionRecord): void {
  const base = Date.parse(r.appliedAt ?? r.updatedAt);
  st.queue.set(r.key, base + r.action.verify.afterMs);
  if (r.status === 'applied') st.inflight.add(r.key);
}

export function dueKeys(st: ExecState, now: number): string[] {
  return [...st.queue].filter(([, t]) => t <= now).sort((a, b) => a[1] - b[1]).map(([k]) => k);
}

/** Rolls back to the prior state if the target still holds what we wrote. */
export async function rollback(st: ExecState, r: ExecutionRecord): Promise<ExecutionRecord> {
  const m = actionModule(r.action.type);
  const ctx = actionContext(st, r);
  const retry = <T>(fn: () => Promise<T>): Promise<T> => withRetry(fn, st.o.retry, st.sleep);
  try {
    const params = parseParams(r.action.type, r.action.params);
    const current = await retry(() => m.read(ctx, r.action.target));
    const wrote = m.desired(r.prior, params, r.action.target);
    if (m.landed(current.value, r.prior, wrote) === 'no') {
      return update(st, r, { status: 'failed', error: `rollback skipped: "${r.action.target}" changed since the action` });
    }
    await retry(() => m.write(ctx, r.action.target, r.prior, writeOptions(current.etag, `${r.key}:rollback`)));
    return update(st, r, { status: 'rolled_back' });
  } catch (err) {
    const error = `rollback failed: ${errorText(err)}`;
    await recordFailure(st, `${r.action.type} "${r.action.target}": ${error}`);
    return update(st, r, { status: 'failed', error });
  }
}

async function check(st: ExecState, r: ExecutionRecord, s: Snapshot): Promise<{ result: VerifyResult; error?: string }> {
  if (r.action.type === 'notify') return { result: 'succeeded' }; // the notification was the outcome
  const given = r.action.verify.conditions;
  const cond = isEmptyCondition(given) ? actionModule(r.action.type).defaultVerify : given;
  try {
    return { result: (await st.verify(s, r.incidentId, cond)).result };
  } catch (err) {
    return { result: 'inconclusive', error: `verification error: ${errorText(err)}` };
  }
}

/** Verifies one record against `s`; resolves the updated record (undefined if nothing to do). */
export async function verifyOne(st: ExecState, key: string, s: Snapshot): Promise<ExecutionRecord | undefined> {
  st.queue.delete(key);
  st.inflight.delete(key);
  let r = await st.store.getExecution(key);
  if (!r || !(r.status === 'applied' || r.status === 'unchanged') || r.verify !== undefined) return undefined;
  const { result, error } = await check(st, r, s);
  const now = st.now();
  r = await update(st, r, { verify: result, verifiedAt: iso(now), ...(error ? { error } : {}) });
  if (r.status === 'applied') {
    if (result === 'succeeded') {
      const was = st.breaker.state(now).mode;
      st.breaker.success(now);
      if (was !== 'closed') await saveBreaker(st);
      r = await update(st, r, { status: 'succeeded' });
    } else if (result === 'inconclusive') {
      r = await update(st, r, { status: 'inconclusive' });
    } else {
      await recordFailure(st, `${r.action.type} "${r.action.target}" did not clear ${r.incidentId}`);
      r = ACTION_CATALOG[r.action.type].reversible ? await rollback(st, r) : await update(st, r, { status: 'failed' });
    }
  }
  await st.store.recordOutcome({ key: r.key, ruleId: r.ruleId, incidentKind: r.incidentKind, actionType: r.action.type, result, at: iso(now) });
  return r;
}

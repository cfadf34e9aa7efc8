/**
 * Verify, scheduled: an applied action is queued with its due time (applied + settle time)
 * and checked by the first `execute` or `verifyDue` call after that — the loop never waits
 * for a settle time.
 *
 * A verdict is given only on data that describes time after the action landed: when the
 * facts a verify condition read reach back before `appliedAt` (a 1 m rate 45 s after the fix),
 * the check waits until they do not. Only a confident `failed` undoes the action; an
 * `inconclusive` look (a metric missing, an error) is looked at again, and after
 * `verification.looks` looks a human is told — the action stays in place.
 */
import { ACTION_CATALOG } from '../types/catalog.js';
import type { ExecutionRecord, VerifyResult } from '../types/execution.js';
import type { Condition } from '../types/rules.js';
import type { Snapshot } from '../types/snapshot.js';
import { actionModule, isEmptyCondition } from './actions/index.js';
import { recordFailure } from './breaker-alert.js';
import { saveBreaker } from './breaker-store.js';
import { tellHuman } from './human.js';
import { readRecord, recordOutcome, update } from './record.js';
import { errorText } from './retry.js';
import { iso, type ExecState } from './state.js';
import { undo } from './undo.js';
import { conditionWindowMs, coveredFrom } from './verify-window.js';

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

interface Check {
  readonly result: VerifyResult;
  readonly error?: string;
}

function verifyCondition(r: ExecutionRecord): Condition {
  const given = r.action.verify.conditions;
  return isEmptyCondition(given) ? actionModule(r.action.type).defaultVerify : given;
}

async function check(st: ExecState, r: ExecutionRecord, s: Snapshot): Promise<Check> {
  if (r.action.type === 'notify') return { result: 'succeeded' }; // the notification was the outcome
  try {
    return { result: (await st.verify(s, r.incidentId, verifyCondition(r))).result };
  } catch (err) {
    return { result: 'inconclusive', error: `verification error: ${errorText(err)}` };
  }
}

function requeue(st: ExecState, r: ExecutionRecord, at: number): void {
  st.queue.set(r.key, at);
  if (r.status === 'applied') st.inflight.add(r.key);
}

/** Verifies one record against `s`; resolves the updated record (undefined if nothing to do yet). */
export async function verifyOne(st: ExecState, key: string, s: Snapshot): Promise<ExecutionRecord | undefined> {
  st.queue.delete(key);
  st.inflight.delete(key);
  let r = await readRecord(st, key);
  if (!r || !(r.status === 'applied' || r.status === 'unchanged') || r.verify !== undefined) return undefined;
  const now = st.now();
  if (r.action.type !== 'notify') {
    const landedAt = Date.parse(r.appliedAt ?? r.updatedAt);
    const from = coveredFrom(s, conditionWindowMs(verifyCondition(r), s.windows), landedAt);
    if (from !== undefined) {
      // The data still reaches back before the action landed: no verdict on it, look again then.
      requeue(st, r, Math.max(from, now + 1_000));
      st.log.info('verification waits: the data read still covers time before the action', { key, appliedAt: r.appliedAt, lookAgainAt: iso(Math.max(from, now + 1_000)) });
      return undefined;
    }
  }
  const c = await check(st, r, s);
  if (c.result === 'inconclusive') {
    const looks = (r.looks ?? 0) + 1;
    if (looks < st.o.verification.looks) {
      requeue(st, r, now + st.o.verification.againMs);
      await update(st, r, { looks, ...(c.error ? { error: c.error } : {}) });
      st.log.info('verification inconclusive; looking again', { key, looks, of: st.o.verification.looks, error: c.error });
      return undefined;
    }
    r = { ...r, looks };
  }
  r = await update(st, r, { verify: c.result, verifiedAt: iso(now), looks: r.looks ?? 0, ...(c.error ? { error: c.error } : {}) });
  if (r.status === 'applied') {
    if (c.result === 'succeeded') {
      const was = st.breaker.state(now).mode;
      st.breaker.success(now);
      if (was !== 'closed') await saveBreaker(st);
      r = await update(st, r, { status: 'succeeded' });
    } else if (c.result === 'inconclusive') {
      r = await update(st, r, { status: 'inconclusive' });
      // Not undone on doubt: the action stays, and a human decides.
      await tellHuman(st, r, `verification of ${r.action.type} "${r.action.target}" stayed inconclusive after ${r.looks ?? 0} looks${c.error ? ` (${c.error})` : ''}; the action was left in place`);
    } else {
      await recordFailure(st, `${r.action.type} "${r.action.target}" did not clear ${r.incidentId}`);
      r = ACTION_CATALOG[r.action.type].reversible ? await undo(st, r, 'verification failed') : await update(st, r, { status: 'failed' });
    }
  }
  await recordOutcome(st, { key: r.key, ruleId: r.ruleId, incidentKind: r.incidentKind, actionType: r.action.type, result: c.result, at: iso(now), incidentId: r.incidentId, ...(r.appliedAt ? { appliedAt: r.appliedAt } : {}) });
  return r;
}

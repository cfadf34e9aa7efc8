/**
 * One candidate through the pipeline: dedup → guard → intent → apply → schedule verify.
 * Deduplication runs before the guards: a duplicate trigger is not an action to guard, and
 * checking it first keeps the guard records meaningful. The intent insert is itself the
 * atomic dedup (unique key), so overlapping triggers cannot both pass.
 */
import type { Candidate, Decision } from '../types/decision.js';
import type { ExecutionRecord } from '../types/execution.js';
import type { Snapshot } from '../types/snapshot.js';
import { apply } from './apply-stage.js';
import { dedup, type DedupResult } from './dedup-stage.js';
import { escalate, expectedSuccess } from './escalate.js';
import { admit, checkGuards, type Block } from './guard-stage.js';
import { saveRateLimits } from './guard-memory.js';
import { incidentAlerts, oldestFiring, reactedAlerts } from './guards/alerts.js';
import { blockedKey, episodeOf, intentKey } from './key.js';
import { newRecord } from './record.js';
import { errorText } from './retry.js';
import { iso, type ExecState } from './state.js';
import { schedule } from './verify-stage.js';

export interface RunInput {
  readonly decision: Decision;
  readonly candidate: Candidate;
  readonly snapshot: Snapshot;
  readonly cycleId: string;
  readonly fallback: boolean;
}

export function keyFor(st: ExecState, d: Decision, c: Candidate, s: Snapshot): string {
  const episode = episodeOf(oldestFiring(reactedAlerts(incidentAlerts(d, s), c)), st.hysteresis.get(d.incidentId)?.since, st.now());
  return intentKey(d, c, episode);
}

async function recordBlock(st: ExecState, x: RunInput, key: string, b: Block): Promise<ExecutionRecord[]> {
  if (b.reason === 'approval_required') {
    const r: ExecutionRecord = { ...newRecord(st, x.decision, x.candidate, key, x.cycleId, 'awaiting_approval'), guard: b.reason, guardDetail: b.detail };
    if (!(await st.store.recordIntent(r))) return [];
    await st.store.requestApproval({
      id: r.id,
      key,
      decisionId: r.decisionId,
      ruleId: r.ruleId,
      incidentId: r.incidentId,
      action: r.action,
      state: 'waiting',
      requestedAt: r.createdAt,
    });
    st.log.info('action awaits approval', { id: r.id, key, action: r.action.type, target: r.action.target });
    return [r];
  }
  const r: ExecutionRecord = { ...newRecord(st, x.decision, x.candidate, blockedKey(key, x.cycleId), x.cycleId, 'blocked'), guard: b.reason, guardDetail: b.detail };
  return (await st.store.recordIntent(r)) ? [r] : [];
}

/** What deduplication found for a candidate: its key, and whether it may go on. */
export interface Screened {
  readonly key: string;
  readonly seen: DedupResult;
}

export async function screen(st: ExecState, d: Decision, c: Candidate, s: Snapshot): Promise<Screened> {
  const key = keyFor(st, d, c, s);
  return { key, seen: await dedup(st, key) };
}

/** True when the candidate's intent exists and it is not run in this cycle. */
export function isDuplicate(s: Screened): boolean {
  return s.seen.kind === 'duplicate' || s.seen.kind === 'waiting' || s.seen.kind === 'closed';
}

/**
 * Runs one candidate; `screened` is the dedup result when the caller already has it (the
 * executor screens a decision's candidates before storing the decision).
 */
export async function runCandidate(st: ExecState, x: RunInput, screened?: Screened): Promise<ExecutionRecord[]> {
  const { key, seen } = screened ?? (await screen(st, x.decision, x.candidate, x.snapshot));
  if (seen.kind === 'duplicate' || seen.kind === 'waiting') return [];
  if (seen.kind === 'closed') return [seen.record];
  const approved = seen.kind === 'approved' || (seen.kind === 'released' && seen.approved);

  const block = await checkGuards(st, { decision: x.decision, candidate: x.candidate, snapshot: x.snapshot, fallback: x.fallback, approved });
  if (block) return recordBlock(st, x, key, block);

  let r: ExecutionRecord;
  if (seen.kind === 'released') {
    // Runs again under its key; the compare-and-set lets one trigger through.
    const { error: _dropped, ...rest } = seen.record;
    const patch = { status: 'pending' as const, cycleId: x.cycleId, decisionId: x.decision.id, attempts: (seen.record.attempts ?? 1) + 1, updatedAt: iso(st.now()) };
    r = { ...rest, ...patch };
    if (!(await st.store.transition(key, ['released'], { ...patch, error: undefined }))) return [];
  } else if (approved) {
    const patch = { status: 'pending' as const, cycleId: x.cycleId, updatedAt: iso(st.now()) };
    if (!(await st.store.transition(key, ['awaiting_approval'], patch))) return [];
    r = { ...seen.record, ...patch };
  } else {
    r = newRecord(st, x.decision, x.candidate, key, x.cycleId, 'pending');
    try {
      if (!(await st.store.recordIntent(r))) {
        // An overlapping trigger inserted the same key first; its record is the execution.
        st.log.info('intent already recorded by an overlapping trigger; not run twice', { key, cycleId: x.cycleId, decision: x.decision.id });
        return [];
      }
    } catch (err) {
      // No Charter write without a recorded intent.
      st.log.error('intent not recorded; action not applied', { key, error: errorText(err) });
      return [{ ...r, status: 'error', error: `intent not recorded: ${errorText(err)}` }];
    }
  }
  admit(st, x.candidate);
  await saveRateLimits(st);
  st.inflight.add(key);
  try {
    r = await apply(st, r);
  } catch (err) {
    // The store failed before the write (the prior state is not on record): nothing was sent.
    // The record stays pending; in-process reconciliation releases it once the store works.
    st.needsReconcile.add(key);
    st.log.error('execution record not updated; nothing written to Charter', { key, error: errorText(err) });
    return [{ ...r, error: `record not updated: ${errorText(err)}` }];
  } finally {
    st.inflight.delete(key);
  }
  if (r.status === 'applied' || r.status === 'unchanged') schedule(st, r);
  return [r];
}

/**
 * The cycle stopped (shutdown, timeout) before this chosen action started: it is recorded
 * `released` under its intent key — nothing was written, and the next cycle that still
 * proposes it runs it (guards checked afresh, same key). `attempts: 0`: not a run.
 */
export async function releaseUnstarted(st: ExecState, d: Decision, c: Candidate, s: Screened, cycleId: string, why: string): Promise<ExecutionRecord[]> {
  if (s.seen.kind !== 'new') return []; // a released or approved intent stays as it is
  const r: ExecutionRecord = { ...newRecord(st, d, c, s.key, cycleId, 'released'), attempts: 0, error: `not started: ${why}; nothing changed; the next cycle may run it` };
  if (!(await st.store.recordIntent(r))) return [];
  st.log.info('action not started: cycle stopping; recorded released for the next cycle', { key: s.key, cycleId, reason: why });
  return [r];
}

/**
 * After a failed verification: the decision's best candidate not yet tried for it whose
 * expected success is not below the escalation threshold; when there is none, or the
 * attempts are used up, the incident is escalated to a human (escalate.ts).
 */
export async function nextBest(st: ExecState, failed: ExecutionRecord, s: Snapshot, cycleId = failed.cycleId): Promise<ExecutionRecord[]> {
  const d = await st.store.getDecision(failed.decisionId);
  if (!d) return [];
  const esc = st.o.escalation;
  if (!st.o.tryNextBest) return esc.enabled ? escalate(st, d, failed, 'no fallback is tried (tryNextBest off)', cycleId) : [];
  const used = st.fallbacks.get(failed.decisionId) ?? 0;
  if (used >= st.o.maxFallbacks) return esc.enabled ? escalate(st, d, failed, `${used + 1} attempts used up (maxFallbacks ${st.o.maxFallbacks})`, cycleId) : [];
  const tried = new Set((await st.store.findExecutions({ decisionId: d.id })).map((e) => e.ruleId));
  const left = [...d.candidates].filter((c) => !tried.has(c.ruleId) && c.action.type !== 'notify');
  const latest = esc.enabled && left.length > 0 ? await st.store.latestWeightChanges() : {};
  const likely = esc.enabled ? left.filter((c) => !((expectedSuccess(c, failed.incidentKind, latest) ?? 1) < esc.minExpectedSuccess)) : left;
  const next = likely.sort((a, b) => b.effectivePriority - a.effectivePriority || b.utility - a.utility)[0];
  if (!next) {
    if (!esc.enabled) return [];
    const why = left.length === 0 ? 'no candidate left to try' : `every remaining candidate's expected success is below ${esc.minExpectedSuccess} (${left.map((c) => `${c.ruleId} ${Math.round((expectedSuccess(c, failed.incidentKind, latest) ?? 0) * 100)}%`).join(', ')})`;
    return escalate(st, d, failed, why, cycleId);
  }
  st.fallbacks.set(d.id, used + 1);
  st.log.info('trying the next-best candidate', { cycleId, decision: d.id, failed: failed.ruleId, next: next.ruleId });
  // Recorded under the cycle that runs it (the decision keeps its own cycle id).
  return runCandidate(st, { decision: d, candidate: next, snapshot: s, cycleId, fallback: true });
}

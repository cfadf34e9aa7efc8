/**
 * The guard stage: every guard rail in a fixed order; the first that objects stops the
 * action and names its reason. Order: facts about the world first (resolved, already remediated, silenced,
 * maintenance, hysteresis, cooldown), then the controller's own limits (breaker, Charter
 * down, blast radius, concurrency, rate limits), then a human (approval), and dry run last
 * so that a dry run shows which guard would have stopped a real one.
 */
import type { Candidate, Decision } from '../types/decision.js';
import type { GuardReason } from '../types/execution.js';
import type { Risk } from '../types/catalog.js';
import type { Snapshot } from '../types/snapshot.js';
import { incidentAlerts, newestFiring, oldestFiring, reactedAlerts, resolvedBlock, silencedBlock } from './guards/alerts.js';
import { blastRadiusBlock } from './guards/blast-radius.js';
import { cooldownBlock } from './guards/cooldown.js';
import { hysteresisBlock } from './guards/hysteresis.js';
import { activeWindow } from './guards/maintenance.js';
import { remediatedBlock } from './guards/remediated.js';
import { typeBucket, type ExecState } from './state.js';

export interface Block {
  readonly reason: GuardReason;
  readonly detail: string;
}

export interface GuardInput {
  readonly decision: Decision;
  readonly candidate: Candidate;
  readonly snapshot: Snapshot;
  /** A next-best attempt after a failed verification: hysteresis and cooldown already passed. */
  readonly fallback: boolean;
  /** A human approved this intent. */
  readonly approved: boolean;
}

const RISK_RANK: Readonly<Record<Risk, number>> = { low: 1, medium: 2, high: 3 };

export function needsApproval(risk: Risk, threshold: Risk | 'none'): boolean {
  return threshold !== 'none' && RISK_RANK[risk] >= RISK_RANK[threshold];
}

export async function checkGuards(st: ExecState, g: GuardInput): Promise<Block | undefined> {
  const now = st.now();
  const { decision: d, candidate: c, snapshot: s } = g;
  const a = c.action;
  const alerts = incidentAlerts(d, s);
  const block = (reason: GuardReason, detail: string): Block => ({ reason, detail });

  const resolved = resolvedBlock(d, alerts);
  if (resolved) return block('alert_resolved', resolved);
  if (a.type !== 'notify' && !g.fallback) {
    const fixed = await remediatedBlock(st.store, d.incidentId, newestFiring(reactedAlerts(alerts, c)));
    if (fixed) return block('already_remediated', fixed);
  }
  if (st.o.respectSilences) {
    const silenced = silencedBlock(alerts);
    if (silenced) return block('silenced', silenced);
  }
  const window = activeWindow(st.o.maintenance, now);
  if (window) return block('maintenance_window', `inside maintenance window ${window.label}`);
  if (!g.fallback) {
    const h = hysteresisBlock(st.hysteresis.get(d.incidentId), oldestFiring(alerts), now, st.o.hysteresis);
    if (h) return block('hysteresis', h);
    const cd = await cooldownBlock(st.store, a.type, a.target, Math.max(st.o.cooldownMs, a.cooldownMs), now);
    if (cd) return block('cooldown', cd);
  }
  if (!st.breaker.allow(now)) {
    const b = st.breaker.state(now);
    return block('circuit_open', `circuit breaker ${b.mode} after ${b.failures} failure(s)${b.reopensAt ? `; trial at ${new Date(b.reopensAt).toISOString()}` : ''}`);
  }
  if (a.type !== 'notify' && s.sources.charter?.ok === false) {
    return block('charter_unavailable', `Charter unavailable: ${s.sources.charter.error ?? 'no answer'}`);
  }
  if (a.type === 'quarantine_target') {
    const br = await blastRadiusBlock(st, s, st.o.maxQuarantineShare);
    if (br) return block('blast_radius', br);
  }
  if (st.inflight.size >= st.o.maxConcurrent) {
    return block('max_concurrent', `${st.inflight.size} action(s) in flight, at most ${st.o.maxConcurrent}`);
  }
  if (!st.globalBucket.peek(now)) return block('rate_limit_global', `more than ${st.o.rateLimit.global.perMinute} action(s) per minute (burst ${st.o.rateLimit.global.burst})`);
  const tb = st.o.rateLimit.types[a.type] ?? st.o.rateLimit.perType;
  if (!typeBucket(st, a.type).peek(now)) return block('rate_limit_type', `more than ${tb.perMinute} ${a.type} action(s) per minute (burst ${tb.burst})`);
  if (!g.approved && needsApproval(a.risk, st.o.approvalRisk)) {
    return block('approval_required', `${a.risk}-risk ${a.type} on "${a.target}" waits for mapek approve`);
  }
  if (st.o.dryRun) return block('dry_run', `dry run: would ${a.type} "${a.target}"`);
  return undefined;
}

/** The action goes ahead: take its rate-limit tokens and mark a half-open trial. */
export function admit(st: ExecState, c: Candidate): void {
  const now = st.now();
  st.globalBucket.take(now);
  typeBucket(st, c.action.type).take(now);
  st.breaker.started(now);
}

/**
 * One simulation tick: Charter's background traffic plus the symptoms of every active
 * fault (docs/FAULT_MODEL.md has the numbers). Symptoms depend only on the active faults;
 * writes change faults only through the remediation draws in src/charter/world.ts.
 */
import type { ViolationSeverity } from '../types/charter.js';
import { VALIDATION_TYPES } from './seed.js';
import type { PolicyState } from './state.js';
import type { World } from './world.js';

/** Background: per checked target and tick, the chance of a low / medium violation of its one noisy policy. */
export const BASELINE_LOW_P = 0.01;
export const BASELINE_MEDIUM_P = 0.005;
/** Validation requests per validation type and tick. */
export const VALIDATIONS_PER_TYPE = 4;
/** Queue growth per tick of an overloaded committee (arrivals = capacity + this). */
export const OVERLOAD_EXCESS = 3;
export const MAX_QUEUE_DEPTH = 500;
/** Chance per tick of a failed enforcement action on a rogue target. */
export const ROGUE_ENFORCEMENT_FAILURE_P = 0.6;

export function simulateTick(w: World): void {
  const nowMs = w.clock.now();
  const at = new Date(nowMs).toISOString();
  const { state, stats, faults } = w;
  const r = w.traffic;
  stats.validationLatency.rotate();
  stats.committeeDecision.rotate();
  state.prune(nowMs);

  const policies = [...state.policies.values()];
  const loaded = policies.filter((p) => p.loadState === 'loaded');
  const targets = [...state.targets.values()];
  const rogue = new Set(faults.activeOf('rogue_target').map((f) => f.subject));
  // A quarantined target is not checked, unless it is a rogue that escaped its quarantine.
  const checked = targets.filter((t) => !t.quarantined || rogue.has(t.id));
  let failures = 0;

  const emit = (p: PolicyState, target: string, severity: ViolationSeverity, rule: string): void => {
    const spec = state.current(p).spec;
    state.addViolation({ policyId: p.id, policyName: spec.name, severity, nodeOrService: target, message: `${target} violated rule "${rule}" of ${spec.name} (${p.id})`, timestamp: at }, nowMs);
    stats.violations.inc({ severity, policy_id: p.id, policy_name: spec.name });
    let h = w.targetHistory.get(target);
    if (!h) w.targetHistory.set(target, (h = new Map()));
    h.set(p.id, nowMs);
    if (spec.enforcementMode !== 'disabled') {
      stats.enforcementActions.inc({ action_type: spec.enforcementMode === 'enforce' ? 'block' : 'audit_log', node_or_service: target });
    }
    failures += 1;
  };

  // Background: each target has one noisy policy (target index mod policy count), so a
  // healthy target violates at most one policy and never reaches the many-policies alert.
  targets.forEach((t, i) => {
    const noisy = policies[i % policies.length]!;
    const x = r();
    if (!checked.includes(t) || noisy.loadState !== 'loaded') return;
    const rule = state.current(noisy).spec.rules[0] ?? 'rule';
    if (x < BASELINE_LOW_P) emit(noisy, t.id, 'low', rule);
    else if (x < BASELINE_LOW_P + BASELINE_MEDIUM_P) emit(noisy, t.id, 'medium', rule);
  });

  for (const f of faults.activeOf('bad_rollout')) {
    const p = state.policies.get(f.subject)!;
    for (const t of checked) emit(p, t.id, 'critical', 'deny-all-unlabelled');
  }

  for (const f of faults.activeOf('rogue_target')) {
    // One violation per tick, cycling through every policy: four distinct ones within four ticks.
    const p = policies[w.ticks % policies.length]!;
    emit(p, f.subject, 'high', state.current(p).spec.rules[1] ?? 'rule');
    if (r() < ROGUE_ENFORCEMENT_FAILURE_P) stats.enforcementFailures.inc({ action_type: 'block', node_or_service: f.subject });
  }

  // A failed policy is retried (and fails) every tick.
  for (const f of faults.activeOf('policy_load_failure')) stats.policyLoadFailures.inc({ policy_id: f.subject });

  const slow = faults.isActive('validation_slowdown', 'charter');
  const cacheFactor = state.settings.validationCache ? 0.5 : 1;
  for (const type of VALIDATION_TYPES) {
    for (let i = 0; i < VALIDATIONS_PER_TYPE; i++) {
      const latency = slow ? 1.2 + r() * 1.3 : (0.005 + r() * 0.08) * cacheFactor;
      const failed = r() < (slow ? 0.1 : 0.005);
      stats.validationRequests.inc({ validation_type: type, result: failed ? 'error' : 'ok' });
      stats.validationLatency.observe({ validation_type: type }, latency);
    }
  }

  for (const c of state.committees.values()) {
    const overloaded = faults.isActive('committee_overload', c.id);
    const arrivals = overloaded ? c.capacity + OVERLOAD_EXCESS : 1 + Math.floor(r() * 3);
    const backlog = c.queueDepth + arrivals;
    const served = Math.min(backlog, c.capacity);
    c.queueDepth = Math.min(MAX_QUEUE_DEPTH, backlog - served);
    for (let i = 0; i < served; i++) {
      const seconds = overloaded ? Math.min(120, 2 + c.queueDepth * 0.25) + r() : 0.2 + r() * 1.3;
      stats.committeeDecision.observe({ committee_id: c.id }, seconds);
    }
  }

  stats.compliance.push(loaded.length * checked.length, failures);
  w.ticks += 1;
}

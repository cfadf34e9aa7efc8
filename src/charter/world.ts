/**
 * The reference Charter's world: its resources, its statistics, its faults, and the
 * effect of every write on them (docs/FAULT_MODEL.md). The HTTP layer and code share it.
 */
import type {
  ApplyPolicyRequest,
  CharterSettings,
  Committee,
  FaultKind,
  Policy,
  PolicySpec,
  ReloadResult,
  Target,
  Violation,
  ViolationQuery,
} from '../types/charter.js';
import type { Clock } from './clock.js';
import { CharterRequestError, notFound } from './errors.js';
import { FaultRegistry, type FaultOrigin, type FaultRecord } from './faults.js';
import { SCALE_COMMITTEE_MIN_DELTA, type RemediationAction } from './remediation-table.js';
import { stream, type Random } from './rng.js';
import { VALIDATION_TYPES } from './seed.js';
import { simulateTick } from './simulation.js';
import { CharterState, specKey, type CommitteeState, type PolicyState, type TargetState } from './state.js';
import { CounterStore, TickWindow, WindowedSummary } from './stats.js';

/** Ticks the compliance ratio averages over. */
export const COMPLIANCE_WINDOW_TICKS = 4;
/** Window of westworld_charter_target_violated_policies. */
export const TARGET_WINDOW_MS = 5 * 60_000;

export class WorldStats {
  readonly violations = new CounterStore();
  readonly enforcementActions = new CounterStore();
  readonly enforcementFailures = new CounterStore();
  readonly policyLoadFailures = new CounterStore();
  readonly validationRequests = new CounterStore();
  readonly apiRequests = new CounterStore();
  readonly validationLatency = new WindowedSummary();
  readonly committeeDecision = new WindowedSummary();
  readonly compliance = new TickWindow(COMPLIANCE_WINDOW_TICKS);
}

export interface GroundTruth {
  readonly seed: number;
  readonly ticks: number;
  readonly now: string;
  readonly active: readonly FaultRecord[];
  readonly cleared: readonly FaultRecord[];
}

export class World {
  readonly seed: number;
  readonly clock: Clock;
  state!: CharterState;
  stats!: WorldStats;
  readonly faults: FaultRegistry;
  traffic!: Random;
  /** node_or_service → policy id → last violation (ms). */
  targetHistory = new Map<string, Map<string, number>>();
  ticks = 0;

  constructor(opts: { seed: number; clock: Clock }) {
    this.seed = opts.seed;
    this.clock = opts.clock;
    this.faults = new FaultRegistry(opts.seed);
    this.reset();
  }

  /** Back to the seeded state: resources, statistics, faults and randomness. */
  reset(): void {
    this.state = new CharterState(this.now());
    this.stats = new WorldStats();
    this.faults.reset();
    this.traffic = stream(this.seed, 'traffic');
    this.targetHistory = new Map();
    this.ticks = 0;
    this.#initSeries();
  }

  /** Zero-valued series for every seeded subject, so that increase() sees the first increment. */
  #initSeries(): void {
    const s = this.stats;
    for (const p of this.state.policies.values()) {
      const name = this.state.current(p).spec.name;
      for (const severity of ['critical', 'high', 'medium', 'low']) s.violations.inc({ severity, policy_id: p.id, policy_name: name }, 0);
      s.policyLoadFailures.inc({ policy_id: p.id }, 0);
    }
    for (const t of this.state.targets.keys()) s.enforcementFailures.inc({ action_type: 'block', node_or_service: t }, 0);
    for (const type of VALIDATION_TYPES) for (const result of ['ok', 'error']) s.validationRequests.inc({ validation_type: type, result }, 0);
  }

  now(): string {
    return new Date(this.clock.now()).toISOString();
  }

  /** Run one simulation tick at the clock's current time. */
  tick(): void {
    simulateTick(this);
  }

  // ------------------------------------------------------------------ reads

  listPolicies(): Policy[] {
    return [...this.state.policies.values()].map((p) => this.state.policyView(p));
  }
  getPolicy(id: string, field?: string): Policy {
    return this.state.policyView(this.#policy(id, field));
  }
  listTargets(): Target[] {
    return [...this.state.targets.values()].map((t) => this.state.targetView(t));
  }
  getTarget(id: string): Target {
    return this.state.targetView(this.#target(id));
  }
  listCommittees(): Committee[] {
    return [...this.state.committees.values()].map((c) => this.state.committeeView(c));
  }
  getCommittee(id: string): Committee {
    return this.state.committeeView(this.#committee(id));
  }
  getSettings(): CharterSettings {
    return this.state.settingsView();
  }
  violations(q: ViolationQuery = {}, limit = 1000): Violation[] {
    this.state.prune(this.clock.now());
    return this.state.queryViolations(q, limit);
  }
  /** Distinct policies `target` violated in the last 5 minutes. */
  targetViolatedPolicies(target: string): number {
    const h = this.targetHistory.get(target);
    if (!h) return 0;
    const cutoff = this.clock.now() - TARGET_WINDOW_MS;
    return [...h.values()].filter((t) => t >= cutoff).length;
  }
  complianceRatio(): number {
    return this.stats.compliance.ratio();
  }

  // ------------------------------------------------------------------ writes

  /** Apply a policy version. `created` is false when the spec equals the current one (nothing applied). */
  applyPolicy(req: ApplyPolicyRequest, writeId?: number): { policy: Policy; created: boolean } {
    const p = this.#policy(req.policyId, 'policyId');
    const cur = this.state.current(p).spec;
    const key = specKey(req.spec);
    if (key === specKey(cur)) return { policy: this.state.policyView(p), created: false };
    const at = this.now();
    const faultKind = this.faults.faultSpecMatch(p.id, key, specKey);
    const isAudit = req.spec.enforcementMode === 'audit' && cur.enforcementMode !== 'audit' && specKey({ ...req.spec, enforcementMode: cur.enforcementMode }) === specKey(cur);
    // Audit mode first: the audit spec of an earlier episode is an earlier version, and
    // writing it again is still the audit remediation (p 0.5), not a rollback (p 0.95).
    const isRollback = !isAudit && faultKind === undefined && p.versions.slice(0, -1).some((v) => specKey(v.spec) === key);
    this.state.appendVersion(p, req.spec, at, req.appliedBy ?? 'api', req.reason);
    const action: RemediationAction | undefined = isRollback ? 'rollback_policy' : isAudit ? 'set_enforcement_mode_audit' : undefined;
    if (action) {
      this.faults.attempt('bad_rollout', p.id, action, at, writeId);
      this.faults.attempt('policy_load_failure', p.id, action, at, writeId);
    }
    if (faultKind !== undefined && !this.faults.isActive(faultKind, p.id)) this.faults.add(faultKind, p.id, 'reapplied', at, req.spec);
    this.#syncLoadState(p);
    return { policy: this.state.policyView(p), created: true };
  }

  setTarget(id: string, body: { quarantined: boolean; reason?: string }, writeId?: number): { target: Target; changed: boolean } {
    const t = this.#target(id);
    if (t.quarantined === body.quarantined) return { target: this.state.targetView(t), changed: false };
    t.quarantined = body.quarantined;
    t.version += 1;
    if (body.quarantined && body.reason !== undefined) t.reason = body.reason;
    else delete t.reason;
    if (body.quarantined && this.faults.attempt('rogue_target', id, 'quarantine_target', this.now(), writeId)?.success) this.targetHistory.delete(id);
    return { target: this.state.targetView(t), changed: true };
  }

  setCommittee(id: string, body: { capacity: number }, writeId?: number): { committee: Committee; changed: boolean } {
    const c = this.#committee(id);
    if (c.capacity === body.capacity) return { committee: this.state.committeeView(c), changed: false };
    const delta = body.capacity - c.capacity;
    c.capacity = body.capacity;
    c.version += 1;
    if (delta >= SCALE_COMMITTEE_MIN_DELTA) {
      const a = this.faults.attempt('committee_overload', id, 'scale_committee', this.now(), writeId);
      // The new members take the backlog: the queue is within capacity at once and drains next tick.
      if (a?.success) c.queueDepth = Math.min(c.queueDepth, c.capacity);
    }
    return { committee: this.state.committeeView(c), changed: true };
  }

  setSettings(body: { validationCache: boolean }, writeId?: number): { settings: CharterSettings; changed: boolean } {
    const s = this.state.settings;
    if (s.validationCache === body.validationCache) return { settings: this.state.settingsView(), changed: false };
    s.validationCache = body.validationCache;
    s.version += 1;
    if (body.validationCache) this.faults.attempt('validation_slowdown', 'charter', 'enable_validation_cache', this.now(), writeId);
    return { settings: this.state.settingsView(), changed: true };
  }

  /** Reload every policy from its current version. */
  reload(writeId?: number): ReloadResult {
    const at = this.now();
    this.faults.attempt('validation_slowdown', 'charter', 'reload_policies', at, writeId);
    for (const f of this.faults.activeOf('policy_load_failure')) this.faults.attempt('policy_load_failure', f.subject, 'reload_policies', at, writeId);
    this.#afterFaultChange();
    const all = [...this.state.policies.values()];
    return { loaded: all.filter((p) => p.loadState === 'loaded').length, failed: all.filter((p) => p.loadState === 'failed').map((p) => p.id) };
  }

  // ------------------------------------------------------------------ faults

  /** Inject a fault (docs/FAULT_MODEL.md). validation_slowdown's subject is "charter". */
  injectFault(kind: FaultKind, subject: string | undefined, origin: FaultOrigin): FaultRecord {
    const at = this.now();
    switch (kind) {
      case 'bad_rollout':
      case 'policy_load_failure': {
        const p = this.#subjectPolicy(kind, subject);
        const spec = faultSpec(kind, this.state.current(p).spec);
        const rec = this.faults.add(kind, p.id, origin, at, spec);
        this.state.appendVersion(p, spec, at, 'fault-injector', `fault: ${kind}`);
        if (kind === 'policy_load_failure') this.stats.policyLoadFailures.inc({ policy_id: p.id });
        this.#syncLoadState(p);
        return rec;
      }
      case 'rogue_target':
        if (subject === undefined || !this.state.targets.has(subject)) throw badSubject(kind, subject, 'a target id');
        return this.faults.add(kind, subject, origin, at);
      case 'committee_overload':
        if (subject === undefined || !this.state.committees.has(subject)) throw badSubject(kind, subject, 'a committee id');
        return this.faults.add(kind, subject, origin, at);
      case 'validation_slowdown':
        if (subject !== undefined && subject !== 'charter') throw badSubject(kind, subject, '"charter" or no subject');
        return this.faults.add(kind, 'charter', origin, at);
    }
  }

  /** Stop a fault by hand, with no remediation recorded. The policy versions it applied stay. */
  clearFault(id: string, by: 'test_api' | 'code'): FaultRecord | undefined {
    const rec = this.faults.clear(id, by, this.now());
    if (rec?.kind === 'rogue_target') this.targetHistory.delete(rec.subject);
    this.#afterFaultChange();
    return rec;
  }

  groundTruth(): GroundTruth {
    const all = this.faults.all();
    return { seed: this.seed, ticks: this.ticks, now: this.now(), active: all.filter((f) => f.state === 'active'), cleared: all.filter((f) => f.state === 'cleared') };
  }

  // ------------------------------------------------------------------ helpers

  /** After faults were cleared: load states follow the active faults. */
  #afterFaultChange(): void {
    for (const p of this.state.policies.values()) this.#syncLoadState(p);
  }

  #syncLoadState(p: PolicyState): void {
    p.loadState = this.faults.isActive('policy_load_failure', p.id) ? 'failed' : 'loaded';
  }

  #policy(id: string, field?: string): PolicyState {
    const p = this.state.policies.get(id);
    if (!p) throw notFound('policy', id, field);
    return p;
  }
  #target(id: string): TargetState {
    const t = this.state.targets.get(id);
    if (!t) throw notFound('target', id);
    return t;
  }
  #committee(id: string): CommitteeState {
    const c = this.state.committees.get(id);
    if (!c) throw notFound('committee', id);
    return c;
  }
  #subjectPolicy(kind: FaultKind, subject: string | undefined): PolicyState {
    const p = subject === undefined ? undefined : this.state.policies.get(subject);
    if (!p) throw badSubject(kind, subject, 'a policy id');
    return p;
  }
}

function badSubject(kind: FaultKind, subject: string | undefined, needs: string): CharterRequestError {
  const what = subject === undefined ? 'no subject' : `unknown subject "${subject}"`;
  return new CharterRequestError(400, 'invalid_body', `subject: ${what}; fault ${kind} needs ${needs}`, 'subject');
}

/** The version a fault applies: recognisable by its revision suffix, and re-creatable by re-applying it. */
export function faultSpec(kind: 'bad_rollout' | 'policy_load_failure', cur: PolicySpec): PolicySpec {
  return kind === 'bad_rollout'
    ? { name: cur.name, revision: `${cur.revision}+bad`, enforcementMode: 'enforce', rules: [...cur.rules, 'deny-all-unlabelled'] }
    : { name: cur.name, revision: `${cur.revision}+broken`, enforcementMode: cur.enforcementMode, rules: [...cur.rules, 'include:missing-module'] };
}

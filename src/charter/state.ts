/**
 * The resources the API serves (policies, targets, committees, settings) and the
 * violations log. Mutated only by src/charter/world.ts and src/charter/simulation.ts.
 */
import type {
  CharterSettings,
  Committee,
  Policy,
  PolicyLoadState,
  PolicySpec,
  PolicyVersion,
  Target,
  Violation,
  ViolationQuery,
} from '../types/charter.js';
import { SEED_APPLIED_BY, SEED_COMMITTEES, SEED_POLICIES, SEED_TARGETS } from './seed.js';

export interface PolicyState {
  readonly id: string;
  versions: PolicyVersion[];
  loadState: PolicyLoadState;
}
export interface TargetState {
  readonly id: string;
  quarantined: boolean;
  reason?: string;
  version: number;
}
export interface CommitteeState {
  readonly id: string;
  capacity: number;
  queueDepth: number;
  version: number;
}

/** Violations kept for GET /api/v1/violations: the last 10 minutes, at most 10,000. */
export const VIOLATION_RETENTION_MS = 10 * 60_000;
export const VIOLATION_RETENTION_MAX = 10_000;

/** Canonical JSON of a spec: equal specs have equal keys, whatever the key order. */
export function specKey(s: PolicySpec): string {
  return JSON.stringify([s.name, s.revision, s.enforcementMode, [...s.rules]]);
}

export class CharterState {
  policies = new Map<string, PolicyState>();
  targets = new Map<string, TargetState>();
  committees = new Map<string, CommitteeState>();
  settings = { validationCache: false, version: 1 };
  violations: Violation[] = [];
  #violationSeq = 0;

  constructor(at: string) {
    for (const p of SEED_POLICIES) {
      this.policies.set(p.id, { id: p.id, loadState: 'loaded', versions: [{ version: 1, spec: p.spec, appliedAt: at, appliedBy: SEED_APPLIED_BY, reason: 'seed' }] });
    }
    for (const t of SEED_TARGETS) this.targets.set(t, { id: t, quarantined: false, version: 1 });
    for (const c of SEED_COMMITTEES) this.committees.set(c.id, { id: c.id, capacity: c.capacity, queueDepth: 0, version: 1 });
  }

  current(p: PolicyState): PolicyVersion {
    return p.versions[p.versions.length - 1]!;
  }

  policyView(p: PolicyState): Policy {
    const cur = this.current(p);
    return { id: p.id, version: cur.version, spec: cur.spec, loadState: p.loadState, history: [...p.versions] };
  }

  /** A Target, plus the quarantine reason when one was given. */
  targetView(t: TargetState): Target & { readonly reason?: string } {
    return t.reason === undefined ? { id: t.id, quarantined: t.quarantined, version: t.version } : { id: t.id, quarantined: t.quarantined, version: t.version, reason: t.reason };
  }

  committeeView(c: CommitteeState): Committee {
    return { id: c.id, capacity: c.capacity, queueDepth: c.queueDepth, version: c.version };
  }

  settingsView(): CharterSettings {
    return { ...this.settings };
  }

  appendVersion(p: PolicyState, spec: PolicySpec, at: string, by: string, reason?: string): PolicyVersion {
    const v: PolicyVersion = { version: this.current(p).version + 1, spec, appliedAt: at, appliedBy: by, ...(reason !== undefined ? { reason } : {}) };
    p.versions.push(v);
    return v;
  }

  addViolation(v: Omit<Violation, 'id'>, nowMs: number): Violation {
    const full: Violation = { id: `v-${++this.#violationSeq}`, ...v };
    this.violations.push(full);
    this.prune(nowMs);
    return full;
  }

  prune(nowMs: number): void {
    const cutoff = nowMs - VIOLATION_RETENTION_MS;
    let drop = 0;
    while (drop < this.violations.length && Date.parse(this.violations[drop]!.timestamp) < cutoff) drop++;
    drop = Math.max(drop, this.violations.length - VIOLATION_RETENTION_MAX);
    if (drop > 0) this.violations.splice(0, drop);
  }

  /** Matching violations in time order, the most recent `limit` of them. */
  queryViolations(q: ViolationQuery, limit: number): Violation[] {
    const since = q.since === undefined ? undefined : Date.parse(q.since);
    const out = this.violations.filter(
      (v) =>
        (since === undefined || Date.parse(v.timestamp) >= since) &&
        (q.policyId === undefined || v.policyId === q.policyId) &&
        (q.severity === undefined || v.severity === q.severity) &&
        (q.nodeOrService === undefined || v.nodeOrService === q.nodeOrService),
    );
    return out.slice(Math.max(0, out.length - limit));
  }
}

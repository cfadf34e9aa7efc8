/** Hand-written fakes and builders for Execute/Knowledge unit tests. */
import type { Alert } from '../../src/types/alert.js';
import type { ActionType, Risk } from '../../src/types/catalog.js';
import type { CharterSettings, Committee, Policy, PolicySpec, Target } from '../../src/types/charter.js';
import type { Candidate, Decision } from '../../src/types/decision.js';
import type { AlertmanagerApi, CharterApi, Monitor, Versioned, WriteOptions } from '../../src/types/ports.js';
import type { Condition } from '../../src/types/rules.js';
import type { Snapshot } from '../../src/types/snapshot.js';
import type { VerifyResult } from '../../src/types/execution.js';

export class FakeError extends Error {
  constructor(message: string, readonly retryable: boolean, name = 'FakeError') {
    super(message);
    this.name = name;
  }
}

export interface FakeWrite {
  readonly op: string;
  readonly id: string;
  readonly body: unknown;
  readonly opts?: WriteOptions;
}

const spec = (mode: PolicySpec['enforcementMode'], revision: string): PolicySpec => ({ name: 'p', revision, enforcementMode: mode, rules: ['r1'] });

/** An in-memory Charter with ETags, If-Match conflicts, idempotency keys and a write log. */
export class FakeCharter implements CharterApi {
  policies = new Map<string, Policy>([
    ['p1', { id: 'p1', version: 2, spec: spec('enforce', 'v2'), loadState: 'loaded', history: [
      { version: 1, spec: spec('enforce', 'v1'), appliedAt: '2026-01-01T00:00:00.000Z', appliedBy: 'seed' },
      { version: 2, spec: spec('enforce', 'v2'), appliedAt: '2026-01-02T00:00:00.000Z', appliedBy: 'seed' },
    ] }],
  ]);
  targets = new Map<string, Target>(Array.from({ length: 10 }, (_, i) => [`node-${i}`, { id: `node-${i}`, quarantined: false, version: 1 }]));
  committees = new Map<string, Committee>([['c1', { id: 'c1', capacity: 4, queueDepth: 10, version: 1 }]]);
  settings: CharterSettings = { validationCache: false, version: 1 };
  readonly writes: FakeWrite[] = [];
  private readonly idem = new Map<string, unknown>();
  /** Errors thrown by the next calls (any method), first in first out. */
  failNext: Error[] = [];
  /** Errors thrown by the next writes only. */
  failWrites: Error[] = [];
  reloads = 0;
  listTargetsFails = false;

  private gate(): void {
    const e = this.failNext.shift();
    if (e) throw e;
  }
  private write<T>(op: string, id: string, body: unknown, opts: WriteOptions | undefined, etag: string, fn: () => T): T {
    this.gate();
    const e = this.failWrites.shift();
    if (e) throw e;
    if (opts?.idempotencyKey && this.idem.has(opts.idempotencyKey)) return this.idem.get(opts.idempotencyKey) as T;
    if (opts?.ifMatch !== undefined && opts.ifMatch !== etag) throw new FakeError(`etag mismatch on ${id}`, false, 'CharterConflictError');
    const out = fn();
    this.writes.push({ op, id, body, ...(opts ? { opts } : {}) });
    if (opts?.idempotencyKey) this.idem.set(opts.idempotencyKey, out);
    return out;
  }
  private etag(id: string, v: number): string {
    return `"${id}-v${v}"`;
  }

  async health(): Promise<boolean> { return true; }
  async listPolicies(): Promise<readonly Policy[]> { this.gate(); return [...this.policies.values()]; }
  async getPolicy(id: string): Promise<Versioned<Policy>> {
    this.gate();
    const p = this.policies.get(id);
    if (!p) throw new FakeError(`policy "${id}" not found`, false);
    return { value: p, etag: this.etag(id, p.version) };
  }
  async applyPolicy(req: { policyId: string; spec: PolicySpec }, opts?: WriteOptions): Promise<Versioned<Policy>> {
    const p = this.policies.get(req.policyId);
    if (!p) throw new FakeError(`policy "${req.policyId}" not found`, false);
    return this.write('applyPolicy', req.policyId, req.spec, opts, this.etag(p.id, p.version), () => {
      const version = p.version + 1;
      const next: Policy = { ...p, version, spec: req.spec, history: [...p.history, { version, spec: req.spec, appliedAt: 'now', appliedBy: 'mapek' }] };
      this.policies.set(p.id, next);
      return { value: next, etag: this.etag(p.id, version) };
    });
  }
  async listViolations(): Promise<readonly never[]> { return []; }
  async listTargets(): Promise<readonly Target[]> {
    this.gate();
    if (this.listTargetsFails) throw new FakeError('targets unavailable', true);
    return [...this.targets.values()];
  }
  async getTarget(id: string): Promise<Versioned<Target>> {
    this.gate();
    const t = this.targets.get(id);
    if (!t) throw new FakeError(`target "${id}" not found`, false);
    return { value: t, etag: this.etag(id, t.version) };
  }
  async putTarget(id: string, body: { quarantined: boolean }, opts?: WriteOptions): Promise<Versioned<Target>> {
    const t = this.targets.get(id);
    if (!t) throw new FakeError(`target "${id}" not found`, false);
    return this.write('putTarget', id, body, opts, this.etag(id, t.version), () => {
      const next = { ...t, quarantined: body.quarantined, version: t.version + 1 };
      this.targets.set(id, next);
      return { value: next, etag: this.etag(id, next.version) };
    });
  }
  async getCommittee(id: string): Promise<Versioned<Committee>> {
    this.gate();
    const c = this.committees.get(id);
    if (!c) throw new FakeError(`committee "${id}" not found`, false);
    return { value: c, etag: this.etag(id, c.version) };
  }
  async putCommittee(id: string, body: { capacity: number }, opts?: WriteOptions): Promise<Versioned<Committee>> {
    const c = this.committees.get(id);
    if (!c) throw new FakeError(`committee "${id}" not found`, false);
    return this.write('putCommittee', id, body, opts, this.etag(id, c.version), () => {
      const next = { ...c, capacity: body.capacity, version: c.version + 1 };
      this.committees.set(id, next);
      return { value: next, etag: this.etag(id, next.version) };
    });
  }
  async getSettings(): Promise<Versioned<CharterSettings>> {
    this.gate();
    return { value: this.settings, etag: this.etag('settings', this.settings.version) };
  }
  async putSettings(body: { validationCache: boolean }, opts?: WriteOptions): Promise<Versioned<CharterSettings>> {
    return this.write('putSettings', 'settings', body, opts, this.etag('settings', this.settings.version), () => {
      this.settings = { validationCache: body.validationCache, version: this.settings.version + 1 };
      return { value: this.settings, etag: this.etag('settings', this.settings.version) };
    });
  }
  async reloadPolicies(opts?: WriteOptions): Promise<{ loaded: number; failed: string[] }> {
    return this.write('reloadPolicies', 'policies', null, opts, '', () => {
      this.reloads += 1;
      return { loaded: this.policies.size, failed: [] };
    });
  }
}

export class FakeAlertmanager implements Pick<AlertmanagerApi, 'postAlerts'> {
  readonly posted: { labels: Record<string, string>; annotations?: Record<string, string> }[] = [];
  async postAlerts(alerts: readonly { labels: Record<string, string>; annotations?: Record<string, string> }[]): Promise<void> {
    this.posted.push(...alerts);
  }
}

export function asAlertmanager(f: FakeAlertmanager): AlertmanagerApi {
  return f as unknown as AlertmanagerApi;
}

/** A manual clock and a sleep that advances it. */
export function manualTime(start = Date.parse('2026-03-01T12:00:00.000Z')): { now: () => number; sleep: (ms: number) => Promise<void>; advance: (ms: number) => void; slept: number[] } {
  let t = start;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
    advance: (ms) => {
      t += ms;
    },
    slept,
  };
}

export function alert(name: string, labels: Record<string, string> = {}, over: Partial<Alert> = {}): Alert {
  return {
    fingerprint: `fp-${name}-${Object.values(labels).join('-')}`,
    name,
    severity: 'critical',
    state: 'firing',
    labels: { alertname: name, ...labels },
    annotations: {},
    startsAt: '2026-03-01T11:00:00.000Z',
    silenced: false,
    inhibited: false,
    source: 'alertmanager',
    ...over,
  };
}

export function snapshot(alerts: readonly Alert[], over: Partial<Snapshot> = {}): Snapshot {
  return { at: '2026-03-01T12:00:00.000Z', alerts, metrics: {}, violations: [], sources: { charter: { ok: true } }, ...over };
}

export interface CandidateSpec {
  readonly ruleId?: string;
  readonly type?: ActionType;
  readonly target?: string;
  readonly params?: Record<string, unknown>;
  readonly risk?: Risk;
  readonly priority?: number;
  readonly afterMs?: number;
  readonly cooldownMs?: number;
  readonly conditions?: Condition;
}

export function candidate(s: CandidateSpec = {}): Candidate {
  const ruleId = s.ruleId ?? 'scale-committee';
  const priority = s.priority ?? 50;
  return {
    rule: `${ruleId}@1`,
    ruleId,
    priority,
    weight: 1,
    effectivePriority: priority,
    utility: 1,
    action: {
      type: s.type ?? 'scale_committee',
      target: s.target ?? 'c1',
      params: s.params ?? {},
      cost: 1,
      benefit: 2,
      risk: s.risk ?? 'low',
      verify: { afterMs: s.afterMs ?? 5_000, conditions: s.conditions ?? { all: [{ fact: 'severity', operator: 'equal', value: 'none' }] } },
      cooldownMs: s.cooldownMs ?? 0,
    },
  };
}

let decisionSeq = 0;
export function decision(incidentId: string, alerts: readonly string[], chosen: readonly Candidate[], others: readonly Candidate[] = [], cycleId = 'cycle-1'): Decision {
  decisionSeq += 1;
  const [kind, id] = incidentId.split(':') as [Decision['subject']['kind'], string];
  return {
    id: `d-${decisionSeq}`,
    cycleId,
    at: '2026-03-01T12:00:00.000Z',
    incidentId,
    subject: { kind, id },
    alerts,
    ruleSetHash: 'hash',
    derived: { cause: 'test' },
    rules: [],
    candidates: [...chosen, ...others],
    chosen,
  };
}

export class FakeMonitor implements Monitor {
  calls = 0;
  fail = false;
  /** When set, each snapshot is stamped with this clock's time (as the service's monitor is). */
  clock: (() => number) | undefined;
  constructor(public snap: Snapshot) {}
  async observe(): Promise<Snapshot> {
    this.calls += 1;
    if (this.fail) throw new Error('monitor down');
    return this.clock ? { ...this.snap, at: new Date(this.clock()).toISOString() } : this.snap;
  }
}

/** A verify function answering from a script per rule (default succeeded). */
export function scriptedVerify(results: Record<string, VerifyResult[]> = {}, byIncident = false): { fn: (s: Snapshot, incidentId: string, c: Condition) => { result: VerifyResult }; calls: { incidentId: string; condition: Condition }[] } {
  const calls: { incidentId: string; condition: Condition }[] = [];
  return {
    calls,
    fn: (_s, incidentId, condition) => {
      calls.push({ incidentId, condition });
      const key = byIncident ? incidentId : JSON.stringify(condition);
      const list = results[key] ?? results['*'];
      return { result: list?.shift() ?? 'succeeded' };
    },
  };
}

let idSeq = 0;
export function ids(): () => string {
  return () => `x${++idSeq}`;
}

/**
 * The fault registry: which faults are active, which were cleared, by what, and every
 * remediation attempt with its seeded draw. Pure bookkeeping; the world applies effects.
 */
import type { FaultKind, PolicySpec } from '../types/charter.js';
import { drawFor } from './rng.js';
import { successProbability, type RemediationAction } from './remediation-table.js';

/** Probabilities that replace the table's (docs/FAULT_MODEL.md "Other worlds"): kind → action → p. */
export type RemediationOverrides = Partial<Record<FaultKind, Partial<Record<RemediationAction, number>>>>;

export type FaultOrigin = 'code' | 'test_api' | 'reapplied';

export interface RemediationAttempt {
  readonly action: RemediationAction;
  readonly at: string;
  readonly probability: number;
  /** The seeded draw in [0, 1); the attempt succeeds when draw < probability. */
  readonly draw: number;
  readonly success: boolean;
  /** Id of the write (in the write log) that made the attempt, when it came over HTTP. */
  readonly writeId?: number;
}

export interface FaultRecord {
  readonly id: string;
  readonly kind: FaultKind;
  /** Policy id, target id, committee id, or "charter" for validation_slowdown. */
  readonly subject: string;
  readonly origin: FaultOrigin;
  readonly injectedAt: string;
  readonly state: 'active' | 'cleared';
  readonly clearedAt?: string;
  /** The remediation that cleared it, or "test_api"/"code" when it was removed by hand. */
  readonly clearedBy?: RemediationAction | 'test_api' | 'code';
  readonly clearedByWrite?: number;
  readonly attempts: readonly RemediationAttempt[];
  /** For bad_rollout and policy_load_failure: the policy spec the fault applied. */
  readonly faultSpec?: PolicySpec;
}

export class FaultAlreadyActiveError extends Error {
  constructor(readonly kind: FaultKind, readonly subject: string, readonly existingId: string) {
    super(`fault ${kind} on "${subject}" is already active (${existingId})`);
    this.name = 'FaultAlreadyActiveError';
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class FaultRegistry {
  readonly #seed: number;
  #records: Mutable<FaultRecord>[] = [];
  #next = 1;
  /** Attempts per (kind, subject, action), so the n-th attempt's draw is stable. */
  #attemptCounts = new Map<string, number>();
  /** The world's own probabilities where they differ from the table (benchmarks' other worlds). */
  #overrides: RemediationOverrides = {};

  constructor(seed: number) {
    this.#seed = seed;
  }

  /** Back to no faults and no attempts; the probabilities stay (they are the world, not its state). */
  reset(): void {
    this.#records = [];
    this.#next = 1;
    this.#attemptCounts.clear();
  }

  /**
   * Replace the success probability of (kind, action) pairs from now on — e.g. a world where
   * the table's default is the worse action, or one that changes mid-run. Pairs not given keep
   * their current value; a pair the world never draws for (docs/FAULT_MODEL.md) stays unused.
   */
  setProbabilities(overrides: RemediationOverrides): void {
    for (const [kind, actions] of Object.entries(overrides) as [FaultKind, Partial<Record<RemediationAction, number>>][]) {
      for (const [action, p] of Object.entries(actions) as [RemediationAction, number][]) {
        if (!(Number.isFinite(p) && p >= 0 && p <= 1)) throw new RangeError(`probability of ${action} against ${kind}: expected a number in [0, 1], got ${p}`);
        this.#overrides = { ...this.#overrides, [kind]: { ...this.#overrides[kind], [action]: p } };
      }
    }
  }

  /** The success probability a remediating write of `action` against `kind` draws against now. */
  probability(kind: FaultKind, action: RemediationAction): number {
    return this.#overrides[kind]?.[action] ?? successProbability(kind, action);
  }

  add(kind: FaultKind, subject: string, origin: FaultOrigin, at: string, faultSpec?: PolicySpec): FaultRecord {
    const existing = this.findActive(kind, subject);
    if (existing) throw new FaultAlreadyActiveError(kind, subject, existing.id);
    const rec: Mutable<FaultRecord> = { id: `fault-${this.#next++}`, kind, subject, origin, injectedAt: at, state: 'active', attempts: [] };
    if (faultSpec) rec.faultSpec = faultSpec;
    this.#records.push(rec);
    return { ...rec };
  }

  findActive(kind: FaultKind, subject: string): FaultRecord | undefined {
    return this.#records.find((r) => r.state === 'active' && r.kind === kind && r.subject === subject);
  }

  isActive(kind: FaultKind, subject: string): boolean {
    return this.findActive(kind, subject) !== undefined;
  }

  activeOf(kind: FaultKind): readonly FaultRecord[] {
    return this.#records.filter((r) => r.state === 'active' && r.kind === kind);
  }

  get(id: string): FaultRecord | undefined {
    const r = this.#records.find((x) => x.id === id);
    return r ? snapshot(r) : undefined;
  }

  all(): readonly FaultRecord[] {
    return this.#records.map(snapshot);
  }

  /** The policy spec any fault (active or cleared) of this policy applied that equals `spec`. */
  faultSpecMatch(policyId: string, specKey: string, keyOf: (s: PolicySpec) => string): FaultKind | undefined {
    const r = this.#records.find((x) => x.subject === policyId && x.faultSpec !== undefined && keyOf(x.faultSpec) === specKey);
    return r?.kind;
  }

  /**
   * A remediating write was applied: draw for the active fault (kind, subject). Returns the
   * attempt, or undefined when no such fault is active. A success clears the fault.
   */
  attempt(kind: FaultKind, subject: string, action: RemediationAction, at: string, writeId?: number): RemediationAttempt | undefined {
    const rec = this.#records.find((r) => r.state === 'active' && r.kind === kind && r.subject === subject);
    if (!rec) return undefined;
    const counter = `${kind}|${subject}|${action}`;
    const n = (this.#attemptCounts.get(counter) ?? 0) + 1;
    this.#attemptCounts.set(counter, n);
    const probability = this.probability(kind, action);
    const draw = drawFor(this.#seed, `${counter}|${n}`);
    const success = draw < probability;
    const attempt: RemediationAttempt = writeId === undefined ? { action, at, probability, draw, success } : { action, at, probability, draw, success, writeId };
    rec.attempts = [...rec.attempts, attempt];
    if (success) {
      rec.state = 'cleared';
      rec.clearedAt = at;
      rec.clearedBy = action;
      if (writeId !== undefined) rec.clearedByWrite = writeId;
    }
    return attempt;
  }

  /** Remove a fault by hand (test API or code): it stops, with no remediation recorded. */
  clear(id: string, by: 'test_api' | 'code', at: string): FaultRecord | undefined {
    const rec = this.#records.find((r) => r.id === id);
    if (!rec) return undefined;
    if (rec.state === 'active') {
      rec.state = 'cleared';
      rec.clearedAt = at;
      rec.clearedBy = by;
    }
    return snapshot(rec);
  }
}

function snapshot(r: FaultRecord): FaultRecord {
  return { ...r, attempts: [...r.attempts] };
}

/**
 * Executor options: every guard rail's setting, documented with its default (durations in
 * ms) and compiled once into a frozen object. docs/EXECUTION.md has the same table.
 */
import type { ActionType, Risk } from '../types/catalog.js';
import { isActionType } from '../types/catalog.js';
import { MapekError } from '../types/errors.js';
import { parseWindow, type MaintenanceWindow } from './guards/maintenance.js';

export interface BucketOptions {
  /** Tokens the bucket holds when full (a burst). */
  readonly burst: number;
  /** Tokens added per minute. */
  readonly perMinute: number;
}

export interface ExecutorOptions {
  /** Plan and record, never write to Charter. Default false. */
  readonly dryRun: boolean;
  /** Floor of the per-target cooldown; a proposal's longer cooldownMs wins. Default 300,000. */
  readonly cooldownMs: number;
  readonly hysteresis: {
    /** Consecutive cycles an incident must be seen before acting. Default 2. */
    readonly minCycles: number;
    /** Or: its oldest firing alert started at least this long ago (0 = off). Default 0. */
    readonly minFiringMs: number;
  };
  readonly rateLimit: {
    /** All actions together. Default burst 10, 10 per minute. */
    readonly global: BucketOptions;
    /** Each action type separately. Default burst 3, 1 per minute. */
    readonly perType: BucketOptions;
    /** Per-type overrides. Default none. */
    readonly types: Readonly<Partial<Record<ActionType, BucketOptions>>>;
  };
  /** Actions applied but not yet verified, at most. Default 4. */
  readonly maxConcurrent: number;
  readonly breaker: {
    /** Failures (failed verification, apply error, failed rollback) that open it. Default 3. */
    readonly failures: number;
    /** …within this window. Default 600,000. */
    readonly windowMs: number;
    /** How long it stays open before one trial action. Default 600,000. */
    readonly openMs: number;
  };
  /** Never quarantine beyond this share of all targets (0..1). Default 0.2. */
  readonly maxQuarantineShare: number;
  /** Actions at or above this risk wait for `mapek approve`; 'none' turns approval off. Default 'high'. */
  readonly approvalRisk: Risk | 'none';
  /** A waiting approval expires after this long. Default 3,600,000. */
  readonly approvalTtlMs: number;
  /** Skip actions whose alerts are silenced in Alertmanager. Default true. */
  readonly respectSilences: boolean;
  /** No action inside any of these windows. Default none. */
  readonly maintenance: readonly MaintenanceWindow[];
  readonly retry: {
    /** Attempts of one Charter call, the first included (retryable errors only). Default 3. */
    readonly attempts: number;
    /** First backoff; doubles each attempt. Default 200. */
    readonly baseMs: number;
    /** Backoff ceiling. Default 5,000. */
    readonly maxMs: number;
    /** No new attempt of one call starts after this long (0 = no bound). Default 12,000. */
    readonly totalMs: number;
  };
  readonly verification: {
    /** An inconclusive verification is looked at again this many times before a human is told. Default 3. */
    readonly looks: number;
    /** Delay before looking again (also when the data does not yet cover the time after the action). Default 10,000. */
    readonly againMs: number;
  };
  /** A released intent that no cycle ran again within this long is closed as abandoned. Default 600,000. */
  readonly releasedTtlMs: number;
  /**
   * A decision identical to the last one recorded for its incident (everything but id,
   * cycle id and time) with nothing to run is not stored again until that one is this old;
   * the next one recorded says how many cycles repeated it (`unrecordedBefore`). 0: every
   * decision is stored. Default 300,000.
   */
  readonly unchangedRefreshMs: number;
  /** After a failed verification, try the decision's next-best candidate. Default true. */
  readonly tryNextBest: boolean;
  /** Next-best attempts per decision. Default 2. */
  readonly maxFallbacks: number;
  readonly escalation: {
    /** Escalate after a failed verification when no attempt is left or none is likely enough. Default true. */
    readonly enabled: boolean;
    /** Remaining candidates whose expected success (the learner's estimate, else the declared one) is below this are not tried. Default 0.15. */
    readonly minExpectedSuccess: number;
  };
}

/** What a caller may pass: any subset; maintenance windows in their config form. */
export type ExecutorOptionsInput = Partial<Omit<ExecutorOptions, 'hysteresis' | 'rateLimit' | 'breaker' | 'retry' | 'verification' | 'maintenance' | 'escalation'>> & {
  readonly escalation?: Partial<ExecutorOptions['escalation']>;
  readonly hysteresis?: Partial<ExecutorOptions['hysteresis']>;
  readonly rateLimit?: { readonly global?: Partial<BucketOptions>; readonly perType?: Partial<BucketOptions>; readonly types?: Readonly<Partial<Record<string, BucketOptions>>> };
  readonly breaker?: Partial<ExecutorOptions['breaker']>;
  readonly retry?: Partial<ExecutorOptions['retry']>;
  readonly verification?: Partial<ExecutorOptions['verification']>;
  readonly maintenance?: readonly unknown[];
};

export const DEFAULT_EXECUTOR_OPTIONS: ExecutorOptions = deepFreeze({
  dryRun: false,
  cooldownMs: 300_000,
  hysteresis: { minCycles: 2, minFiringMs: 0 },
  rateLimit: { global: { burst: 10, perMinute: 10 }, perType: { burst: 3, perMinute: 1 }, types: {} },
  maxConcurrent: 4,
  breaker: { failures: 3, windowMs: 600_000, openMs: 600_000 },
  maxQuarantineShare: 0.2,
  approvalRisk: 'high',
  approvalTtlMs: 3_600_000,
  respectSilences: true,
  maintenance: [],
  retry: { attempts: 3, baseMs: 200, maxMs: 5_000, totalMs: 12_000 },
  verification: { looks: 3, againMs: 10_000 },
  releasedTtlMs: 600_000,
  unchangedRefreshMs: 300_000,
  tryNextBest: true,
  maxFallbacks: 2,
  escalation: { enabled: true, minExpectedSuccess: 0.15 },
});

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object') {
    for (const v of Object.values(o as object)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

function check(cond: boolean, field: string, message: string): void {
  if (!cond) throw new MapekError(`executor option ${field}: ${message}`, false);
}

const nonNegative = (v: number, field: string): void => check(Number.isFinite(v) && v >= 0, field, `expected a number ≥ 0, got ${v}`);
const positiveInt = (v: number, field: string): void => check(Number.isInteger(v) && v >= 1, field, `expected an integer ≥ 1, got ${v}`);

function bucket(base: BucketOptions, o: Partial<BucketOptions> | undefined, field: string): BucketOptions {
  const b = { ...base, ...o };
  nonNegative(b.burst, `${field}.burst`);
  nonNegative(b.perMinute, `${field}.perMinute`);
  return b;
}

/** Compiles options into the frozen, fully resolved form; bad values throw with the field name. */
export function resolveExecutorOptions(input: ExecutorOptionsInput = {}): ExecutorOptions {
  const d = DEFAULT_EXECUTOR_OPTIONS;
  const types: Partial<Record<ActionType, BucketOptions>> = {};
  for (const [t, b] of Object.entries(input.rateLimit?.types ?? {})) {
    check(isActionType(t), `rateLimit.types.${t}`, `unknown action type "${t}"`);
    types[t as ActionType] = bucket(d.rateLimit.perType, b, `rateLimit.types.${t}`);
  }
  const o: ExecutorOptions = {
    dryRun: input.dryRun ?? d.dryRun,
    cooldownMs: input.cooldownMs ?? d.cooldownMs,
    hysteresis: { ...d.hysteresis, ...input.hysteresis },
    rateLimit: {
      global: bucket(d.rateLimit.global, input.rateLimit?.global, 'rateLimit.global'),
      perType: bucket(d.rateLimit.perType, input.rateLimit?.perType, 'rateLimit.perType'),
      types,
    },
    maxConcurrent: input.maxConcurrent ?? d.maxConcurrent,
    breaker: { ...d.breaker, ...input.breaker },
    maxQuarantineShare: input.maxQuarantineShare ?? d.maxQuarantineShare,
    approvalRisk: input.approvalRisk ?? d.approvalRisk,
    approvalTtlMs: input.approvalTtlMs ?? d.approvalTtlMs,
    respectSilences: input.respectSilences ?? d.respectSilences,
    maintenance: (input.maintenance ?? []).map((w, i) => parseWindow(w, `maintenance[${i}]`)),
    retry: { ...d.retry, ...input.retry },
    verification: { ...d.verification, ...input.verification },
    releasedTtlMs: input.releasedTtlMs ?? d.releasedTtlMs,
    unchangedRefreshMs: input.unchangedRefreshMs ?? d.unchangedRefreshMs,
    tryNextBest: input.tryNextBest ?? d.tryNextBest,
    maxFallbacks: input.maxFallbacks ?? d.maxFallbacks,
    escalation: { ...d.escalation, ...input.escalation },
  };
  nonNegative(o.cooldownMs, 'cooldownMs');
  positiveInt(o.hysteresis.minCycles, 'hysteresis.minCycles');
  nonNegative(o.hysteresis.minFiringMs, 'hysteresis.minFiringMs');
  positiveInt(o.maxConcurrent, 'maxConcurrent');
  positiveInt(o.breaker.failures, 'breaker.failures');
  nonNegative(o.breaker.windowMs, 'breaker.windowMs');
  nonNegative(o.breaker.openMs, 'breaker.openMs');
  check(o.maxQuarantineShare >= 0 && o.maxQuarantineShare <= 1, 'maxQuarantineShare', `expected a share in [0, 1], got ${o.maxQuarantineShare}`);
  check(['low', 'medium', 'high', 'none'].includes(o.approvalRisk), 'approvalRisk', `expected one of low, medium, high, none, got "${o.approvalRisk}"`);
  nonNegative(o.approvalTtlMs, 'approvalTtlMs');
  positiveInt(o.retry.attempts, 'retry.attempts');
  nonNegative(o.retry.baseMs, 'retry.baseMs');
  nonNegative(o.retry.maxMs, 'retry.maxMs');
  nonNegative(o.retry.totalMs, 'retry.totalMs');
  positiveInt(o.verification.looks, 'verification.looks');
  nonNegative(o.verification.againMs, 'verification.againMs');
  nonNegative(o.releasedTtlMs, 'releasedTtlMs');
  nonNegative(o.unchangedRefreshMs, 'unchangedRefreshMs');
  check(Number.isInteger(o.maxFallbacks) && o.maxFallbacks >= 0, 'maxFallbacks', `expected an integer ≥ 0, got ${o.maxFallbacks}`);
  check(typeof o.escalation.enabled === 'boolean', 'escalation.enabled', `expected true or false, got ${String(o.escalation.enabled)}`);
  check(Number.isFinite(o.escalation.minExpectedSuccess) && o.escalation.minExpectedSuccess >= 0 && o.escalation.minExpectedSuccess <= 1, 'escalation.minExpectedSuccess', `expected a probability in [0, 1], got ${o.escalation.minExpectedSuccess}`);
  return deepFreeze(o);
}

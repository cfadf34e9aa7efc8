/**
 * The Execute role: turns a cycle's decisions into safe, recorded changes to Charter.
 * Implemented by src/execute/ (createExecutor); the loop calls it once per cycle.
 */
import type { Decision } from './decision.js';
import type { ActionType } from './catalog.js';
import type { ExecutionRecord, GuardReason } from './execution.js';
import type { Snapshot } from './snapshot.js';

/** An applied action whose verification is scheduled. */
export interface PendingVerification {
  readonly key: string;
  /** Epoch ms at which the settle time is over. */
  readonly dueAt: number;
}

/** A chosen action refused again as recorded under the decision its decision repeats (not recorded again). */
export interface RepeatedRefusal {
  /** The decision of this cycle (not stored) and the recorded one it repeats. */
  readonly decisionId: string;
  readonly sameAs: string;
  readonly ruleId: string;
  readonly action: ActionType;
  readonly guard: GuardReason;
}

export type BreakerMode = 'closed' | 'open' | 'half_open';

export interface BreakerState {
  readonly mode: BreakerMode;
  /** Failures inside the window. */
  readonly failures: number;
  /** Epoch ms when an open breaker lets one trial through; absent unless open. */
  readonly reopensAt?: number;
}

export interface Executor {
  /**
   * Runs every chosen candidate of the cycle through the pipeline (dedup → guard → intent →
   * apply → schedule verification) and first verifies whatever became due. Never throws for
   * one action: each outcome is a record. Resolves the records written in this call.
   * Once `signal` aborts (the service stops, the cycle timed out) no new verification or
   * action starts: the action in flight finishes, and each chosen action not yet started is
   * recorded `released` under its intent key, for the next cycle to run.
   */
  execute(decisions: readonly Decision[], snapshot: Snapshot, cycleId: string, signal?: AbortSignal): Promise<readonly ExecutionRecord[]>;
  /**
   * The decisions of the last execute() call that were not stored because each repeats,
   * unchanged and with nothing to run, the last decision recorded for its incident (within
   * the refresh period, docs/EXECUTION.md): decision id → the id of that recorded decision.
   * Empty before the first call.
   */
  unrecorded(): ReadonlyMap<string, string>;
  /**
   * The chosen actions of those decisions that were refused again by the same guard with the
   * same words as recorded under the decision they repeat: not recorded again, still counted
   * as guard stops (docs/EXECUTION.md, "What is recorded"). Empty before the first call.
   */
  refusedAgain(): readonly RepeatedRefusal[];
  /** Verifies the pending actions whose settle time is over (for a timer between cycles). */
  verifyDue(): Promise<readonly ExecutionRecord[]>;
  /** At start: reconciles intents a previous process left pending or unverified. */
  recover(): Promise<readonly ExecutionRecord[]>;
  /**
   * Reads the guard rails' state (circuit breaker, rate-limit buckets, hysteresis streaks)
   * from the store again, replacing this process's: what a replica calls when it takes over
   * the lead, before its first cycle (then recover()). Docs: docs/EXECUTION.md.
   */
  reloadState(): Promise<void>;
  /** Scheduled verifications, soonest first. */
  pending(): readonly PendingVerification[];
  /** Waits (injected sleep) until every scheduled verification has run. */
  drain(): Promise<readonly ExecutionRecord[]>;
  breaker(): BreakerState;
  /**
   * What the records owe: updates and outcomes the store has not taken yet (kept in memory,
   * retried with backoff), and writes whose outcome is still being reconciled with Charter.
   * The service is not ready while `behind` > 0.
   */
  debt(): ExecutorDebt;
}

export interface ExecutorDebt {
  readonly behind: number;
  readonly reconciling: number;
}

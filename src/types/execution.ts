import type { ActionProposal } from './decision.js';

/** Why a guard rail stopped an action (closed set: metrics use it as a label). */
export type GuardReason =
  | 'dry_run'
  | 'cooldown'
  | 'hysteresis'
  | 'rate_limit_global'
  | 'rate_limit_type'
  | 'max_concurrent'
  | 'circuit_open'
  | 'blast_radius'
  | 'approval_required'
  | 'alert_resolved'
  | 'already_remediated'
  | 'silenced'
  | 'maintenance_window'
  | 'charter_unavailable';

export type ExecutionStatus =
  | 'pending' // intent recorded, Charter not yet confirmed
  | 'released' // a crash interrupted it before its write was sent; the next cycle may run it again (same key)
  | 'applied' // write landed, verification pending
  | 'unchanged' // desired already held, nothing written
  | 'succeeded' // verified
  | 'failed' // verification failed (and rolled back when reversible)
  | 'inconclusive'
  | 'rolling_back' // the undo is journaled and its write may be in flight; recovery finishes it
  | 'rolled_back'
  | 'conflict' // a concurrent change; aborted
  | 'target_not_found' // Charter has no such target (a forged or stale alert); nothing written, nothing learned
  | 'error' // apply failed terminally
  | 'blocked' // stopped by a guard rail
  | 'awaiting_approval'
  | 'rejected' // a human rejected it
  | 'abandoned' // released by a crash and not proposed again in time; nothing was written
  | 'shadow' // what a shadow rule (mode: shadow) would have done; never executed
  | 'escalated'; // no good attempt left: a human was told (MapekEscalation); nothing written, nothing learned

export type VerifyResult = 'succeeded' | 'failed' | 'inconclusive';

/** The undo (rollback) of an execution's write: its own intent, under its own Idempotency-Key. */
export interface UndoRecord {
  /** `<execution key>:rollback`, sent as the Idempotency-Key of the undo write. */
  readonly key: string;
  /** Why the execution is undone (the failed verification). */
  readonly reason: string;
  readonly startedAt: string;
  readonly sentAt?: string;
  readonly doneAt?: string;
}

/** One execution: intent → outcome, with timings. Stored under its unique `key`. */
export interface ExecutionRecord {
  /** rule | target | incident fingerprint | episode: never applied twice. */
  readonly key: string;
  readonly id: string;
  readonly decisionId: string;
  readonly cycleId: string;
  readonly ruleId: string;
  readonly incidentId: string;
  /** The incident kind (sorted firing alert names), for the learner. */
  readonly incidentKind: string;
  readonly action: ActionProposal;
  readonly status: ExecutionStatus;
  readonly guard?: GuardReason;
  readonly guardDetail?: string;
  /** State read before the write, for rollback. */
  readonly prior?: unknown;
  readonly verify?: VerifyResult;
  readonly error?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly appliedAt?: string;
  /** When the write was sent (recorded before it): a recovered write landed at or after this. */
  readonly sentAt?: string;
  readonly verifiedAt?: string;
  /** Looks at verification that found the data not yet conclusive (inconclusive, or not yet covering the time after the action). */
  readonly looks?: number;
  /** The undo of this execution's write, journaled before it is sent. */
  readonly undo?: UndoRecord;
  /** What the executor found out beyond the status (e.g. an answer lost but the write confirmed by reading back). */
  readonly note?: string;
  /** Times this intent was started (1 when absent); a released intent runs again under its key. */
  readonly attempts?: number;
}

/** The newest outcome(s) a weight reflects: outcomes after this are new to the learner. */
export interface OutcomeMark {
  /** ISO-8601 time of the newest outcome learned from. */
  readonly at: string;
  /** Keys of the outcomes at exactly that time (ties are possible). */
  readonly keys: readonly string[];
}

/** A weight change made by the learner, with its reason. */
export interface WeightChange {
  readonly ruleId: string;
  readonly from: number;
  readonly to: number;
  readonly samples: number;
  readonly successRate: number;
  readonly reason: string;
  readonly at: string;
  /** The newest of the rule's outcomes this change learned from (absent in old records). */
  readonly upTo?: OutcomeMark;
  /** A situated change (`ruleId` is then `rule|situation`): the plan rule and the situation (incident kind). */
  readonly rule?: string;
  readonly situation?: string;
  /** What the learner believes of the rule in that situation when it made the change. */
  readonly estimate?: Estimate;
}

/** The learner's belief about one plan rule in one situation. */
export interface Estimate {
  /** Posterior mean probability that the action clears the incident. */
  readonly mean: number;
  /** Posterior standard deviation (the uncertainty). */
  readonly sd: number;
  /** Discounted evidence count (credited outcomes, forgetting applied). */
  readonly evidence: number;
  /** Credited outcomes, undiscounted. */
  readonly outcomes: number;
  /** The declared prior (the rule's successProbability). */
  readonly prior: number;
  /** The Thompson draw the weight was computed from. */
  readonly draw: number;
  /** Estimated seconds one attempt takes, write to verification (absent before attempts were timed). */
  readonly seconds?: number;
  /** The mean over every rule's attempts in the situation. */
  readonly situationSeconds?: number;
  /** What the weight was multiplied by for time, (situationSeconds ÷ seconds)^timeWeight; absent when time did not count (timeWeight 0). */
  readonly timeFactor?: number;
}

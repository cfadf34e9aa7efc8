import type { ActionType, Risk } from './catalog.js';
import type { Subject } from './snapshot.js';
import type { VerifySpec } from './rules.js';
import type { GuardReason } from './execution.js';

/** One evaluated condition leaf: the raw material of "why did (not) this fire". */
export interface ConditionTrace {
  readonly fact: string;
  readonly path?: string;
  readonly operator: string;
  readonly value: unknown;
  readonly factValue: unknown;
  readonly result: boolean;
}

export interface RuleTrace {
  /** `id@version`. */
  readonly rule: string;
  readonly stage: 'analyze' | 'plan' | 'veto';
  readonly fired: boolean;
  /** Fixpoint pass in which it was evaluated (analysis), 0 for plan rules. */
  readonly pass: number;
  readonly conditions: readonly ConditionTrace[];
}

/** A concrete action, templates resolved. */
export interface ActionProposal {
  readonly type: ActionType;
  readonly target: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly cost: number;
  readonly benefit: number;
  readonly risk: Risk;
  readonly verify: VerifySpec;
  readonly cooldownMs: number;
}

export interface Candidate {
  /** `id@version` of the proposing plan rule. */
  readonly rule: string;
  readonly ruleId: string;
  readonly action: ActionProposal;
  readonly priority: number;
  readonly weight: number;
  /** priority × weight. */
  readonly effectivePriority: number;
  /** (benefit − cost) × expected success. */
  readonly utility: number;
  /** Why it lost; absent on the winner. */
  readonly rejected?: string;
  /**
   * The incident's firing alerts its rule reacts to (named, or behind the derived facts it
   * reads); the episode of its intent key comes from these. Absent: all of the incident's.
   */
  readonly reactsTo?: readonly string[];
  /** `id@version` of the veto rule that blocked it (then `rejected` says so, with the values). */
  readonly vetoedBy?: string;
}

/**
 * A chosen action that was not run in this decision's cycle because its intent key (rule,
 * target, incident, episode) already exists: a duplicate trigger, or a later cycle of the
 * same episode. Execute adds it to the decision before storing it, so that every chosen
 * action is accounted for: by an execution of its own, or by the one that holds its key.
 */
export interface DuplicateIntent {
  readonly ruleId: string;
  readonly target: string;
  readonly key: string;
  /** The execution that holds the key, and its status when this decision was made. */
  readonly executionId: string;
  readonly status: string;
  readonly cycleId: string;
}

/**
 * Cycles in which the incident's decision was identical to the last one recorded for it
 * (everything but `id`, `cycleId` and `at`), had nothing to run, and was therefore not
 * stored again (Execute, option `unchangedRefreshMs`; docs/EXECUTION.md). Carried by the
 * next decision that is recorded for the incident.
 */
export interface UnrecordedRepeats {
  /** The last decision recorded for the incident before this one, and its time. */
  readonly decisionId: string;
  readonly at: string;
  /** How many cycles after it repeated it exactly and were not stored (≥ 1). */
  readonly cycles: number;
  /** The time of the last of those cycles. */
  readonly lastAt: string;
  /**
   * True: this decision is identical to it as well (recorded because the refresh period
   * passed, or because it has an action to run); false: the plan changed with this decision.
   */
  readonly same: boolean;
  /**
   * Set when those cycles' chosen actions were refused again, by these guards with the same
   * words, as recorded under that decision: the refusals were not recorded again either.
   */
  readonly refused?: readonly GuardReason[];
}

/** The planner's output for one incident in one cycle, with its full explanation. */
export interface Decision {
  readonly id: string;
  readonly cycleId: string;
  /** ISO-8601 (the snapshot's time). */
  readonly at: string;
  readonly incidentId: string;
  readonly subject: Subject;
  /** Alert names in the incident (firing ones). */
  readonly alerts: readonly string[];
  readonly ruleSetHash: string;
  /** Facts derived by analysis rules. */
  readonly derived: Readonly<Record<string, unknown>>;
  readonly rules: readonly RuleTrace[];
  readonly candidates: readonly Candidate[];
  /** One winner per target; usually one. */
  readonly chosen: readonly Candidate[];
  /**
   * What the shadow rules (`mode: shadow`) would have done: they compete among themselves
   * (vetoes apply), never with the live rules, and nothing here is executed. Absent when no
   * shadow rule fired.
   */
  readonly shadow?: { readonly candidates: readonly Candidate[]; readonly chosen: readonly Candidate[] };
  /** Chosen actions not run again because their intent already exists (set by Execute). */
  readonly duplicates?: readonly DuplicateIntent[];
  /** Identical decisions of the cycles just before this one that were not stored (set by Execute). */
  readonly unrecordedBefore?: UnrecordedRepeats;
}

import type { ActionType, Risk } from './catalog.js';
import type { MetricFact } from './facts.js';

/** Where a loaded element came from, for `FILE:LINE:COL` messages. */
export interface SourceLocation {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

/** A condition in json-rules-engine's vocabulary. */
export type Condition = ConditionLeaf | ConditionAll | ConditionAny | ConditionNot | ConditionRef;

export interface ConditionLeaf {
  readonly fact: string;
  readonly path?: string;
  readonly operator: string;
  /** A literal, or `{ fact, path? }` to compare against another fact. */
  readonly value: unknown;
  readonly params?: Readonly<Record<string, unknown>>;
}
export interface ConditionAll {
  readonly all: readonly Condition[];
}
export interface ConditionAny {
  readonly any: readonly Condition[];
}
export interface ConditionNot {
  readonly not: Condition;
}
/** Reference to a named condition declared in the rule set's `conditions:` map. */
export interface ConditionRef {
  readonly condition: string;
}

export type Stage = 'analyze' | 'plan' | 'veto';

export interface RuleBase {
  readonly id: string;
  readonly version: number;
  readonly description: string;
  readonly stage: Stage;
  /** Integer ≥ 1; higher runs first and, for plans, wins ties. */
  readonly priority: number;
  /** Alert names this rule is about; used to index rules (empty: any incident). */
  readonly alerts: readonly string[];
  /** Subject kinds this rule applies to (empty: any). */
  readonly subjects: readonly string[];
  readonly conditions: Condition;
  readonly location: SourceLocation;
  /** `name@version` of the rule set that holds it. */
  readonly ruleSet: string;
}

/** Derives facts: `derive` maps a fact name to a value (string values may be templates). */
export interface AnalyzeRule extends RuleBase {
  readonly stage: 'analyze';
  readonly derive: Readonly<Record<string, unknown>>;
}

/** What must hold after an action, and when to look. */
export interface VerifySpec {
  readonly afterMs: number;
  readonly conditions: Condition;
}

/** Proposes one action. Strings in target and params may be `{{fact.path}}` templates. */
export interface PlanRule extends RuleBase {
  readonly stage: 'plan';
  /** `shadow`: evaluated and planned in a separate shadow plan, recorded, never executed. Absent: live. */
  readonly mode?: 'shadow';
  readonly action: {
    readonly type: ActionType;
    readonly target: string;
    readonly params: Readonly<Record<string, unknown>>;
    readonly cost: number;
    readonly benefit: number;
    readonly risk: Risk;
    /** Prior probability that the action clears the incident (0..1), default 0.5. */
    readonly successProbability: number;
    readonly verify: VerifySpec;
    readonly cooldownMs: number;
  };
}

/**
 * Which candidates a veto keeps from being chosen while its conditions hold: all of them,
 * or those matching any given field (an action type, a risk at or above the level, a rule).
 */
export type VetoBlocks =
  | { readonly all: true }
  | { readonly all?: false; readonly actions?: readonly ActionType[]; readonly risk?: Risk; readonly rules?: readonly string[] };

/** Keeps matching candidates of the incident from being chosen; it never adds an action. */
export interface VetoRule extends RuleBase {
  readonly stage: 'veto';
  readonly blocks: VetoBlocks;
}

export type Rule = AnalyzeRule | PlanRule | VetoRule;

/** Everything loaded from a rules directory: immutable, hashed, safe to swap atomically. */
export interface RuleSet {
  /** sha256 over the canonical form of every loaded file, hex. */
  readonly hash: string;
  readonly files: readonly string[];
  readonly rules: readonly Rule[];
  readonly namedConditions: Readonly<Record<string, Condition>>;
  /**
   * Metric facts rules may read as `metrics.<name>`: the built-ins (with the queries a file
   * gives them) and every declared fact. Absent (hand-built sets): the built-ins, no queries.
   */
  readonly facts?: readonly MetricFact[];
}

/** Learned multipliers of plan-rule priority; missing rule → 1. */
export type Weights = Readonly<Record<string, number>>;

/**
 * The situation a plan rule is learned in: its incident kind, the sorted firing alert names
 * (`subject-kind:metrics` when none fire). The executor stamps it on outcomes; the planner
 * computes the same from a decision's alerts.
 */
export function incidentKindOf(alerts: readonly string[], subjectKind: string): string {
  return alerts.length ? [...alerts].sort().join(',') : `${subjectKind}:metrics`;
}

/** Key of a situated weight in `Weights`: `rule-id|incident-kind` (the learner writes these). */
export function situatedKey(ruleId: string, kind: string): string {
  return `${ruleId}|${kind}`;
}

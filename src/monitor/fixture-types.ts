/**
 * A simulation fixture after loading: a timeline of monitor snapshots with expectations.
 * The YAML format is documented in docs/SIMULATION.md and schema/fixture.schema.json.
 */
import type { ActionType } from '../types/catalog.js';
import type { SourceLocation } from '../types/rules.js';
import type { Snapshot } from '../types/snapshot.js';

/** An action pattern: every field given must match; absent fields match anything. */
export interface ActionPattern {
  readonly type?: ActionType;
  readonly target?: string;
  /** Subset match on the chosen action's params. */
  readonly params?: Readonly<Record<string, unknown>>;
}

/** A plan rule that must have lost a competition, optionally with a reason substring. */
export interface RejectedPattern {
  readonly rule: string;
  readonly reason?: string;
}

/** The action rule `rule` chose at (1-based) step `step` verifies with `result` at this step. */
export interface VerifyExpect {
  readonly step: number;
  readonly rule: string;
  readonly target?: string;
  readonly result: 'succeeded' | 'failed' | 'inconclusive';
}

/** What must hold for one step's plan. All fields optional; each is checked independently. */
export interface FixtureExpect {
  /** Each pattern must match at least one chosen action. */
  readonly actions?: readonly ActionPattern[];
  /** No chosen action may match any of these patterns. */
  readonly noActions?: readonly ActionPattern[];
  /** Each pattern must match an action the shadow rules would have chosen (never executed). */
  readonly shadow?: readonly ActionPattern[];
  /** True: nothing at all may be chosen in this step. */
  readonly noActionsAtAll?: boolean;
  /** Rule ids that must fire (analysis or plan) in some incident. */
  readonly rulesFired?: readonly string[];
  /** Rule ids that must not fire in any incident. */
  readonly rulesNotFired?: readonly string[];
  /** Verification results of actions planned at earlier steps, judged on this step's snapshot. */
  readonly verified?: readonly VerifyExpect[];
  /** Veto rule ids that must have blocked at least one candidate. */
  readonly vetoed?: readonly string[];
  /** Plan rules whose proposal must have been rejected in competition. */
  readonly rejected?: readonly RejectedPattern[];
  /** Incident id → derived fact → expected value (deep equality). */
  readonly derived?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface FixtureStep {
  /** 0-based. */
  readonly index: number;
  /** As written: "+30s" or an ISO time. */
  readonly offset: string;
  readonly name?: string;
  /** The full snapshot this step stands for (carried-over parts resolved). */
  readonly snapshot: Snapshot;
  readonly expect: FixtureExpect;
  readonly location: SourceLocation;
}

export interface Fixture {
  readonly file: string;
  readonly name: string;
  readonly description: string;
  /** ISO-8601. */
  readonly start: string;
  readonly steps: readonly FixtureStep[];
}

/** The simulation report: plain, serialisable (`mapek simulate --json`). */
import type { Decision } from '../types/decision.js';
import type { StepRun } from './replay.js';
import { checkExpect } from './expect.js';
import type { RuleSet } from '../types/rules.js';
import { verifyStep, type Verification } from './verify-expect.js';

export interface IncidentSummary {
  readonly incident: string;
  readonly alerts: readonly string[];
  readonly derived: Readonly<Record<string, unknown>>;
  readonly fired: readonly string[];
  readonly planned: readonly { type: string; target: string; params: Readonly<Record<string, unknown>>; rule: string; effectivePriority: number; utility: number }[];
  readonly rejected: readonly { rule: string; type: string; target: string; reason: string }[];
}

export interface StepReport {
  readonly step: number;
  readonly at: string;
  readonly offset: string;
  readonly name?: string;
  readonly line: number;
  readonly incidents: readonly IncidentSummary[];
  readonly failures: readonly string[];
  /** Verify expectations judged at this step. */
  readonly verified?: readonly Verification[];
}

export interface FixtureReport {
  readonly fixture: string;
  readonly file: string;
  readonly ok: boolean;
  readonly steps: readonly StepReport[];
}

export function summarize(d: Decision): IncidentSummary {
  return {
    incident: d.incidentId,
    alerts: d.alerts,
    derived: d.derived,
    fired: d.rules.filter((r) => r.fired).map((r) => r.rule),
    planned: d.chosen.map((c) => ({ type: c.action.type, target: c.action.target, params: c.action.params, rule: c.rule, effectivePriority: c.effectivePriority, utility: c.utility })),
    rejected: d.candidates.filter((c) => c.rejected !== undefined).map((c) => ({ rule: c.rule, type: c.action.type, target: c.action.target, reason: c.rejected ?? '' })),
  };
}

/**
 * The report of step `index`. `runs` holds at least this step and every step its verify
 * expectations name (a streaming replay keeps only those). `ruleSet`: to judge the verify
 * expectations (absent: they are not judged).
 */
export function stepReport(runs: readonly (StepRun | undefined)[], index: number, ruleSet?: RuleSet): StepReport {
  const r = runs[index];
  if (r === undefined) throw new Error(`step ${index + 1} was not kept for its report`);
  const v = ruleSet !== undefined && r.step.expect.verified !== undefined ? verifyStep(ruleSet, runs, index) : undefined;
  const failures = r.error !== undefined ? [`planning failed: ${r.error}`] : [...checkExpect(r.step.expect, r.decisions), ...(v?.failures ?? [])];
  return {
    step: r.step.index + 1,
    at: r.step.snapshot.at,
    offset: r.step.offset,
    ...(r.step.name !== undefined ? { name: r.step.name } : {}),
    line: r.step.location.line,
    incidents: r.decisions.map(summarize),
    failures,
    ...(v !== undefined ? { verified: v.verifications } : {}),
  };
}

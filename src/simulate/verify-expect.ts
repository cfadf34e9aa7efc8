/**
 * Verify expectations of fixtures: "the action rule R planned at step N is verified RESULT at
 * this step". The verdict comes from verifyCondition, the function the service gives its
 * executor, run on this step's snapshot — so a fixture tests verify conditions the way the
 * controller will judge them (derived facts recomputed; `missing` means no longer derived).
 */
import { verifyCondition, type VerifyOutcome } from '../analyze/index.js';
import type { VerifyExpect } from '../monitor/fixture-types.js';
import type { RuleSet } from '../types/rules.js';
import type { StepRun } from './replay.js';

export interface Verification {
  /** 1-based step that planned the action. */
  readonly step: number;
  readonly rule: string;
  readonly target: string;
  readonly result: VerifyOutcome;
}

export function verifyStep(ruleSet: RuleSet, runs: readonly (StepRun | undefined)[], index: number): { verifications: Verification[]; failures: string[] } {
  const run = runs[index];
  const verifications: Verification[] = [];
  const failures: string[] = [];
  for (const e of (run?.step.expect.verified ?? []) as readonly VerifyExpect[]) {
    const planned = runs[e.step - 1];
    const found = planned?.decisions.flatMap((d) => d.chosen.filter((c) => c.ruleId === e.rule && (e.target === undefined || c.action.target === e.target)).map((c) => ({ d, c })))[0];
    if (run === undefined || found === undefined) {
      failures.push(`expected an action of rule "${e.rule}"${e.target !== undefined ? ` on ${e.target}` : ''} planned at step ${e.step} to verify; it planned none there`);
      continue;
    }
    const v = verifyCondition(ruleSet, run.step.snapshot, found.d.incidentId, found.c.action.verify.conditions);
    verifications.push({ step: e.step, rule: e.rule, target: found.c.action.target, result: v.result });
    if (v.result !== e.result) {
      const values = v.trace.map((t) => `${t.fact}${t.path === undefined ? '' : t.path.slice(1)} ${t.operator} ${JSON.stringify(t.value)} (was ${JSON.stringify(t.factValue) ?? 'missing'})`).join('; ');
      failures.push(`expected the action of rule "${e.rule}" planned at step ${e.step} to verify ${e.result}; it verified ${v.result} (${values})`);
    }
  }
  return { verifications, failures };
}

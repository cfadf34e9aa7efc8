/** Replay fixtures, check expectations, optionally collect coverage: `mapek simulate`'s core. */
import type { RuleSet, Weights } from '../types/rules.js';
import { createPlanner } from '../analyze/index.js';
import type { Fixture } from '../monitor/fixture-types.js';
import { CoverageCollector, type CoverageReport } from './coverage.js';
import { replay, type StepRun } from './replay.js';
import { fixtureReport, type FixtureReport } from './report.js';

export interface SimulationResult {
  readonly ok: boolean;
  readonly ruleSetHash: string;
  readonly fixtures: readonly { readonly report: FixtureReport; readonly runs: readonly StepRun[]; readonly fixture: Fixture }[];
  readonly coverage?: CoverageReport;
}

export async function simulate(fixtures: readonly Fixture[], ruleSet: RuleSet, weights: Weights = {}, opts: { coverage?: boolean } = {}): Promise<SimulationResult> {
  const planner = createPlanner(ruleSet);
  const collector = opts.coverage === true ? new CoverageCollector() : undefined;
  const out: { report: FixtureReport; runs: StepRun[]; fixture: Fixture }[] = [];
  for (const fixture of fixtures) {
    const runs = await replay(fixture, planner, weights);
    for (const r of runs) collector?.add(r.decisions);
    out.push({ fixture, runs, report: fixtureReport(fixture, runs, ruleSet) });
  }
  return {
    ok: out.every((f) => f.report.ok),
    ruleSetHash: ruleSet.hash,
    fixtures: out,
    ...(collector !== undefined ? { coverage: collector.report(ruleSet) } : {}),
  };
}

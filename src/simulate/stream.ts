/**
 * `mapek simulate`'s core, one step at a time: replay each fixture, check the step's
 * expectations and hand the step to a sink as soon as it is planned. Only what a later step
 * needs stays alive — the steps that a verify expectation names, and the coverage counts — so
 * a day-long recording's ~100,000 decisions are never all in memory (the report is written
 * while it is produced, never built as one string).
 */
import type { RuleSet, Weights } from '../types/rules.js';
import { createPlanner } from '../analyze/index.js';
import type { Fixture } from '../monitor/fixture-types.js';
import { CoverageCollector, type CoverageReport } from './coverage.js';
import { replaySteps, type StepRun } from './replay.js';
import { stepReport, type StepReport } from './report.js';

/** Receives the replay in order: each fixture's start, its steps, its end. */
export interface SimulationSink {
  fixtureStart?(fixture: Fixture): void;
  step(fixture: Fixture, run: StepRun, report: StepReport): void;
  fixtureEnd?(fixture: Fixture, ok: boolean): void;
}

export interface StreamedSimulation {
  readonly ok: boolean;
  readonly ruleSetHash: string;
  readonly steps: number;
  readonly failedSteps: number;
  /** Names of the fixtures with a failed step, in order. */
  readonly failedFixtures: readonly string[];
  readonly coverage?: CoverageReport;
}

/** 0-based indices of the steps that a verify expectation of this fixture names. */
function stepsNamedByVerify(fixture: Fixture): Set<number> {
  const out = new Set<number>();
  for (const s of fixture.steps) for (const v of s.expect.verified ?? []) out.add(v.step - 1);
  return out;
}

export async function simulateStream(fixtures: readonly Fixture[], ruleSet: RuleSet, weights: Weights, sink: SimulationSink, opts: { coverage?: boolean } = {}): Promise<StreamedSimulation> {
  const planner = createPlanner(ruleSet);
  const collector = opts.coverage === true ? new CoverageCollector() : undefined;
  let steps = 0;
  let failedSteps = 0;
  const failedFixtures: string[] = [];
  for (const fixture of fixtures) {
    sink.fixtureStart?.(fixture);
    const keep = stepsNamedByVerify(fixture);
    // Sparse: the current step and the steps verify expectations look back at.
    const runs: (StepRun | undefined)[] = [];
    let ok = true;
    for await (const run of replaySteps(fixture, planner, weights)) {
      const i = run.step.index;
      runs[i] = run;
      collector?.add(run.decisions);
      const report = stepReport(runs, i, ruleSet);
      if (!keep.has(i)) runs[i] = undefined;
      steps++;
      if (report.failures.length > 0) {
        failedSteps++;
        ok = false;
      }
      sink.step(fixture, run, report);
    }
    if (!ok) failedFixtures.push(fixture.name);
    sink.fixtureEnd?.(fixture, ok);
  }
  return {
    ok: failedFixtures.length === 0,
    ruleSetHash: ruleSet.hash,
    steps,
    failedSteps,
    failedFixtures,
    ...(collector !== undefined ? { coverage: collector.report(ruleSet) } : {}),
  };
}

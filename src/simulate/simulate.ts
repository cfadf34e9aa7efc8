/**
 * The whole simulation as one value (the HTML report, tests): the streaming core with a sink
 * that keeps every step. `mapek simulate` without --html streams instead (stream.ts).
 */
import type { RuleSet, Weights } from '../types/rules.js';
import type { Fixture } from '../monitor/fixture-types.js';
import type { CoverageReport } from './coverage.js';
import type { StepRun } from './replay.js';
import type { FixtureReport, StepReport } from './report.js';
import { simulateStream, type SimulationSink, type StreamedSimulation } from './stream.js';

export interface SimulationResult {
  readonly ok: boolean;
  readonly ruleSetHash: string;
  readonly fixtures: readonly { readonly report: FixtureReport; readonly runs: readonly StepRun[]; readonly fixture: Fixture }[];
  readonly coverage?: CoverageReport;
}

/** A sink that keeps every step, for a report that needs the whole run (HTML). */
export class CollectingSink implements SimulationSink {
  private readonly out: { report: FixtureReport; runs: StepRun[]; fixture: Fixture }[] = [];
  private runs: StepRun[] = [];
  private steps: StepReport[] = [];

  fixtureStart(): void {
    this.runs = [];
    this.steps = [];
  }

  step(_: Fixture, run: StepRun, report: StepReport): void {
    this.runs.push(run);
    this.steps.push(report);
  }

  fixtureEnd(fixture: Fixture, ok: boolean): void {
    this.out.push({ fixture, runs: this.runs, report: { fixture: fixture.name, file: fixture.file, ok, steps: this.steps } });
  }

  result(streamed: StreamedSimulation): SimulationResult {
    return {
      ok: streamed.ok,
      ruleSetHash: streamed.ruleSetHash,
      fixtures: this.out,
      ...(streamed.coverage !== undefined ? { coverage: streamed.coverage } : {}),
    };
  }
}

/** Every sink receives every event, in the order given. */
export function teeSinks(...sinks: readonly SimulationSink[]): SimulationSink {
  return {
    fixtureStart: (f) => sinks.forEach((s) => s.fixtureStart?.(f)),
    step: (f, run, report) => sinks.forEach((s) => s.step(f, run, report)),
    fixtureEnd: (f, ok) => sinks.forEach((s) => s.fixtureEnd?.(f, ok)),
  };
}

export async function simulate(fixtures: readonly Fixture[], ruleSet: RuleSet, weights: Weights = {}, opts: { coverage?: boolean } = {}): Promise<SimulationResult> {
  const sink = new CollectingSink();
  return sink.result(await simulateStream(fixtures, ruleSet, weights, sink, opts));
}

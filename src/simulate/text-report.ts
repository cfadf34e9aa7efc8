/** `mapek simulate`'s timeline, written step by step as the replay produces it. */
import type { Fixture } from '../monitor/fixture-types.js';
import { ChunkedWriter } from './chunked-writer.js';
import { renderCoverage } from './coverage.js';
import type { StepRun } from './replay.js';
import type { StepReport } from './report.js';
import type { SimulationSink, StreamedSimulation } from './stream.js';
import { stepTimeline, timelineHeader } from './timeline.js';

export class TextReportWriter implements SimulationSink {
  private fixtures = 0;

  private readonly out: ChunkedWriter;

  /** `write` receives whole lines (each chunk ends with a newline), about `chunk` characters at a time. */
  constructor(write: (chunk: string) => void, chunk?: number) {
    this.out = new ChunkedWriter(write, chunk);
  }

  fixtureStart(fixture: Fixture): void {
    this.fixtures++;
    this.out.add(`${timelineHeader(fixture.name, fixture.file, fixture.description)}\n`);
  }

  step(fixture: Fixture, run: StepRun, report: StepReport): void {
    this.out.add(`${stepTimeline(fixture.file, run, report).join('\n')}\n`);
  }

  /** The summary line; with --coverage, the coverage after it (its summary is the last line). */
  end(result: StreamedSimulation, coverage: boolean): void {
    const failed = result.failedFixtures.length > 0 ? ` (${result.failedFixtures.join(', ')})` : '';
    this.out.add(`simulate: ${this.fixtures} fixture(s), ${result.steps} step(s), ${result.failedSteps} failed${failed}; rule set ${result.ruleSetHash.slice(0, 12)}\n`);
    if (coverage && result.coverage !== undefined) this.out.add(`\n${renderCoverage(result.coverage)}\n`);
    this.out.flush();
  }
}

/**
 * `mapek simulate --json`, written while the replay runs: the document is opened, each step
 * goes out as one compact JSON line the moment it is planned, and the fields known only at
 * the end (`ok` of a fixture and of the run, coverage, warnings) close it. The content is
 * the same object as one `JSON.stringify` of the whole report; `ok` comes last because it is
 * known last. A day-long recording's report (~50 MiB) is never one string.
 */
import type { ValidationIssue } from '../types/errors.js';
import type { Fixture } from '../monitor/fixture-types.js';
import { ChunkedWriter } from './chunked-writer.js';
import { coverageJson } from './coverage.js';
import type { SimulationSink, StreamedSimulation } from './stream.js';

const json = (v: unknown, indent: string): string => JSON.stringify(v, null, 2).replace(/\n/g, `\n${indent}`);

export class JsonReportWriter implements SimulationSink {
  private fixtures = 0;
  /** The previous step's line: its comma is written once the next one arrives. */
  private pending: string | undefined;

  private readonly out: ChunkedWriter;

  /** `write` receives whole lines (each chunk ends with a newline), about `chunk` characters at a time. */
  constructor(write: (chunk: string) => void, ruleSetHash: string, chunk?: number) {
    this.out = new ChunkedWriter(write, chunk);
    this.out.add(`{\n  "ruleSetHash": ${JSON.stringify(ruleSetHash)},\n  "fixtures": [\n`);
  }

  fixtureStart(fixture: Fixture): void {
    this.out.add(`${this.fixtures++ > 0 ? '    },\n' : ''}    {\n      "fixture": ${JSON.stringify(fixture.name)},\n      "file": ${JSON.stringify(fixture.file)},\n      "steps": [\n`);
  }

  step(_: Fixture, __: unknown, report: unknown): void {
    if (this.pending !== undefined) this.out.add(`${this.pending},\n`);
    this.pending = `        ${JSON.stringify(report)}`;
  }

  fixtureEnd(_: Fixture, ok: boolean): void {
    this.out.add(`${this.pending !== undefined ? `${this.pending}\n` : ''}      ],\n      "ok": ${ok}\n`);
    this.pending = undefined;
  }

  /** Close the document; `coverage` only when --coverage asked for it. */
  end(result: StreamedSimulation, warnings: readonly ValidationIssue[], coverage: boolean): void {
    const parts = [`${this.fixtures > 0 ? '    }\n' : ''}  ]`];
    if (coverage && result.coverage !== undefined) parts.push(`  "coverage": ${json(coverageJson(result.coverage), '  ')}`);
    parts.push(`  "warnings": ${json(warnings, '  ')}`, `  "ok": ${result.ok}\n}\n`);
    this.out.add(parts.join(',\n'));
    this.out.flush();
  }
}

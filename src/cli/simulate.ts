/** `mapek simulate`: replay fixtures through the service's planner and check expectations. */
import { readFile, writeFile } from 'node:fs/promises';
import type { Weights } from '../types/rules.js';
import { formatIssue, type ValidationIssue } from '../types/errors.js';
import { loadRuleSet } from '../rules/load.js';
import { loadFixtures } from '../simulate/fixtures.js';
import { CollectingSink, teeSinks } from '../simulate/simulate.js';
import { simulateStream } from '../simulate/stream.js';
import { JsonReportWriter } from '../simulate/json-report.js';
import { TextReportWriter } from '../simulate/text-report.js';
import { renderHtmlReport } from '../simulate/html-report.js';
import { EXIT, parseCommandArgs, UsageError, type Command, type Io } from './command.js';

const HELP = `usage: mapek simulate [FIXTURE|DIR ...] [--rules DIR] [--json] [--coverage] [--weights FILE.json] [--html FILE]

Replays each fixture's snapshots through the same planner the service runs, prints a
timeline (step, the facts that mattered, rules fired, actions planned and why) and checks
the fixture's expectations.

  FIXTURE|DIR        fixture files (YAML, or FILE.jsonl recordings) or directories of
                     *.yaml/*.yml (default: fixtures/)
  --rules DIR        rule files or directory (default: rules/); repeatable
  --json             print a machine-readable report instead of the timeline
  --coverage         report, for every rule and condition, fired / only false / never evaluated;
                     the rules that never fired and the coverage summary are the last lines
  --weights FILE     JSON object rule id → weight (default: every weight 1)
  --html FILE        also write one self-contained HTML report (failed expectations first,
                     unchanged steps collapsed, coverage) to FILE

exit codes: 0 all expectations hold, 1 an expectation failed or a file is invalid, 2 usage,
3 the HTML report cannot be written`;

async function readWeights(file: string): Promise<Weights> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read weights "${file}": ${err instanceof Error ? err.message : String(err)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`weights "${file}" must be a JSON object of rule id → number`);
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new UsageError(`weights "${file}": weight of "${k}" must be a number ≥ 0`);
  }
  return parsed as Weights;
}

function printIssues(io: Io, json: boolean, issues: readonly ValidationIssue[], warnings: readonly ValidationIssue[] = []): number {
  if (json) io.out(JSON.stringify({ ok: false, issues, warnings }, null, 2));
  else for (const i of issues) io.err(formatIssue(i));
  return EXIT.failed;
}

export const command: Command = {
  name: 'simulate',
  summary: 'replay fixtures through the planner and check their expectations',
  async run(argv, io) {
    const args = parseCommandArgs(argv, {
      rules: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      coverage: { type: 'boolean' },
      weights: { type: 'string' },
      html: { type: 'string' },
    }, HELP, io);
    if (args === null) return EXIT.ok;
    const json = args.values['json'] === true;
    const rulePaths = (args.values['rules'] as string[] | undefined) ?? ['rules'];
    const weights = typeof args.values['weights'] === 'string' ? await readWeights(args.values['weights']) : {};
    const loaded = await loadRuleSet(rulePaths);
    if (!loaded.ok) return printIssues(io, json, loaded.issues);
    const fx = await loadFixtures(args.positionals.length > 0 ? args.positionals : ['fixtures'], loaded.ruleSet);
    if (fx.issues.length > 0) return printIssues(io, json, fx.issues, fx.warnings);
    const html = args.values['html'] as string | undefined;
    const coverage = args.values['coverage'] === true;
    if (!json) for (const w of fx.warnings) io.err(`warning: ${formatIssue(w)}`);
    // The report is written step by step while the replay runs; only --html keeps every step.
    const out = json ? new JsonReportWriter(io.out, loaded.ruleSet.hash) : new TextReportWriter(io.out);
    const kept = html !== undefined ? new CollectingSink() : undefined;
    const sink = kept !== undefined ? teeSinks(out, kept) : out;
    const result = await simulateStream(fx.fixtures, loaded.ruleSet, weights, sink, { coverage: coverage || html !== undefined });
    if (out instanceof JsonReportWriter) out.end(result, fx.warnings, coverage);
    else out.end(result, coverage);
    if (html !== undefined && kept !== undefined) {
      try {
        await writeFile(html, renderHtmlReport(kept.result(result), new Date().toISOString()));
      } catch (err) {
        io.err(`mapek simulate: cannot write the HTML report "${html}": ${(err as Error).message}`);
        return EXIT.unavailable;
      }
      io.err(`simulate: HTML report written to ${html}`);
    }
    return result.ok ? EXIT.ok : EXIT.failed;
  },
};

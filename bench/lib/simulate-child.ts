/**
 * One cold measurement of `mapek simulate --json`'s code path, in a fresh process (as the CLI
 * runs it): `node dist/bench/lib/simulate-child.js FILE` prints one JSON line with the load
 * (loadFixtures: read, parse, validate, build snapshots; YAML or JSON lines), the replay with
 * the report streamed as `--json` writes it (simulateStream + JsonReportWriter, the bytes
 * counted instead of written) and the process's peak RSS.
 */
import { loadRuleSet } from '../../src/rules/load.js';
import { loadFixtures } from '../../src/simulate/fixtures.js';
import { JsonReportWriter } from '../../src/simulate/json-report.js';
import { teeSinks } from '../../src/simulate/simulate.js';
import { simulateStream } from '../../src/simulate/stream.js';

async function main(file: string): Promise<void> {
  const rules = await loadRuleSet(['rules']);
  if (!rules.ok) throw new Error('rules/ invalid');
  const t0 = performance.now();
  const fx = await loadFixtures([file], rules.ruleSet);
  const t1 = performance.now();
  if (fx.issues.length > 0) throw new Error(`fixture invalid: ${fx.issues.slice(0, 3).map((i) => `${i.line}:${i.column} ${i.path} ${i.message}`).join('; ')}`);
  let reportBytes = 0;
  const counts = { steps: 0, decisions: 0, actions: 0, errors: 0 };
  const writer = new JsonReportWriter((s) => (reportBytes += Buffer.byteLength(s)), rules.ruleSet.hash);
  const counter = {
    step: (_: unknown, run: { decisions: readonly { chosen: readonly unknown[] }[]; error?: string }) => {
      counts.steps++;
      counts.decisions += run.decisions.length;
      counts.actions += run.decisions.reduce((n, d) => n + d.chosen.length, 0);
      if (run.error !== undefined) counts.errors++;
    },
  };
  const result = await simulateStream(fx.fixtures, rules.ruleSet, {}, teeSinks(writer, counter), {});
  writer.end(result, fx.warnings, false);
  const t2 = performance.now();
  process.stdout.write(`${JSON.stringify({
    loadMs: t1 - t0,
    replayMs: t2 - t1,
    reportBytes,
    ...counts,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  })}\n`);
}

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: node dist/bench/lib/simulate-child.js FIXTURE\n');
  process.exit(2);
}
main(file).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});

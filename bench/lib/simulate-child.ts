/**
 * One cold measurement of `mapek simulate`'s code path, in a fresh process (as the CLI runs
 * it): `node dist/bench/lib/simulate-child.js FILE` prints one JSON line with the load
 * (loadFixtures: read, parse, validate, build snapshots), the replay (simulate: planner and
 * report) and the time to render the report as `mapek simulate --json` does.
 */
import { loadRuleSet } from '../../src/rules/load.js';
import { loadFixtures } from '../../src/simulate/fixtures.js';
import { simulate } from '../../src/simulate/simulate.js';

async function main(file: string): Promise<void> {
  const rules = await loadRuleSet(['rules']);
  if (!rules.ok) throw new Error('rules/ invalid');
  const t0 = performance.now();
  const fx = await loadFixtures([file], rules.ruleSet);
  const t1 = performance.now();
  if (fx.issues.length > 0) throw new Error(`fixture invalid: ${fx.issues.slice(0, 3).map((i) => `${i.line}:${i.column} ${i.path} ${i.message}`).join('; ')}`);
  const result = await simulate(fx.fixtures, rules.ruleSet);
  const t2 = performance.now();
  const json = JSON.stringify({ ok: result.ok, ruleSetHash: result.ruleSetHash, fixtures: result.fixtures.map((f) => f.report), warnings: fx.warnings }, null, 2);
  const t3 = performance.now();
  const runs = result.fixtures[0]?.runs ?? [];
  process.stdout.write(`${JSON.stringify({
    loadMs: t1 - t0,
    replayMs: t2 - t1,
    renderMs: t3 - t2,
    reportBytes: Buffer.byteLength(json),
    steps: runs.length,
    decisions: runs.reduce((n, r) => n + r.decisions.length, 0),
    actions: runs.reduce((n, r) => n + r.decisions.reduce((m, d) => m + d.chosen.length, 0), 0),
    errors: runs.filter((r) => r.error !== undefined).length,
    heapMiB: process.memoryUsage().heapUsed / 2 ** 20,
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

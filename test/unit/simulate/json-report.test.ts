import test from 'ava';
import { command as simulate } from '../../../src/cli/simulate.js';
import { loadRuleSet } from '../../../src/rules/load.js';
import { coverageJson } from '../../../src/simulate/coverage.js';
import { loadFixtures } from '../../../src/simulate/fixtures.js';
import { simulate as simulateAll } from '../../../src/simulate/simulate.js';
import { captureIo } from '../../support/io.js';

const FIXTURES = 'test/data/simulate-stream';
const RULES = 'test/data/verify/rules';

/** The report as one object, the way `--json` built it before it was streamed. */
async function wholeReport(coverage: boolean): Promise<unknown> {
  const rules = await loadRuleSet([RULES]);
  if (!rules.ok) throw new Error('rules invalid');
  const fx = await loadFixtures([FIXTURES], rules.ruleSet);
  const result = await simulateAll(fx.fixtures, rules.ruleSet, {}, { coverage });
  return {
    ok: result.ok,
    ruleSetHash: result.ruleSetHash,
    fixtures: result.fixtures.map((f) => f.report),
    ...(coverage && result.coverage !== undefined ? { coverage: coverageJson(result.coverage) } : {}),
    warnings: fx.warnings,
  };
}

for (const coverage of [false, true]) {
  test(`--json${coverage ? ' --coverage' : ''} is streamed, valid JSON, and the same content as the whole report`, async (t) => {
    const chunks: string[] = [];
    const io = { ...captureIo(), out: (s: string) => chunks.push(s) };
    t.is(await simulate.run([FIXTURES, '--rules', RULES, '--json', ...(coverage ? ['--coverage'] : [])], io), 1);
    const text = chunks.join('');
    const parsed = JSON.parse(text) as { ok: boolean; fixtures: { ok: boolean; steps: { failures: string[] }[] }[] };
    t.deepEqual(parsed, await wholeReport(coverage));
    t.false(parsed.ok);
    t.deepEqual(parsed.fixtures.map((f) => f.ok), [false, true]);
    t.deepEqual(parsed.fixtures[0]?.steps.map((s) => s.failures.length), [0, 1, 0]);
    // Each step was written on its own, as one line, while the replay ran.
    t.true(chunks.length >= 6, `${chunks.length} chunks`);
    t.true(chunks.every((c) => c.endsWith('\n')));
    t.is(text.split('\n').filter((l) => l.startsWith('        {"step":')).length, 6);
  });
}

test('the text timeline is streamed step by step and ends with the summary', async (t) => {
  const chunks: string[] = [];
  const io = { ...captureIo(), out: (s: string) => chunks.push(s) };
  t.is(await simulate.run([FIXTURES, '--rules', RULES], io), 1);
  t.true(chunks.length >= 2 + 6 + 1);
  t.regex(chunks[0] ?? '', /^fixture failing \(test\/data\/simulate-stream\/failing\.yaml\): A wrong expectation/);
  t.regex(chunks.join(''), /FAIL test\/data\/simulate-stream\/failing\.yaml:10 step 2: expected no actions; planned: notify p-1 \(tell\), rollback_policy p-1 \(rollback\)$/m);
  t.regex(chunks.at(-1) ?? '', /^simulate: 2 fixture\(s\), 6 step\(s\), 1 failed \(failing\); rule set [0-9a-f]{12}\n$/);
});

import test from 'ava';
import { command as simulate } from '../../../src/cli/simulate.js';
import { loadRuleSet } from '../../../src/rules/load.js';
import { coverageJson } from '../../../src/simulate/coverage.js';
import { loadFixtures } from '../../../src/simulate/fixtures.js';
import { ChunkedWriter } from '../../../src/simulate/chunked-writer.js';
import { JsonReportWriter } from '../../../src/simulate/json-report.js';
import { simulate as simulateAll, teeSinks } from '../../../src/simulate/simulate.js';
import { simulateStream } from '../../../src/simulate/stream.js';
import { TextReportWriter } from '../../../src/simulate/text-report.js';
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
    t.true(chunks.every((c) => c.endsWith('\n')));
    t.is(text.split('\n').filter((l) => l.startsWith('        {"step":')).length, 6);
  });
}

test('the writers write while the replay runs, not after it', async (t) => {
  const rules = await loadRuleSet([RULES]);
  if (!rules.ok) throw new Error('rules invalid');
  const fx = await loadFixtures([FIXTURES], rules.ruleSet);
  for (const make of [(w: (s: string) => void) => new JsonReportWriter(w, rules.ruleSet.hash, 0), (w: (s: string) => void) => new TextReportWriter(w, 0)]) {
    const events: string[] = [];
    const writer = make((s) => events.push(`write ${s.length > 0 ? 'line' : 'empty'}`));
    const result = await simulateStream(fx.fixtures, rules.ruleSet, {}, teeSinks({ step: (_, run) => events.push(`step ${run.step.index + 1}`) }, writer));
    const stepsAt = events.flatMap((e, i) => (e.startsWith('step') ? [i] : []));
    t.is(stepsAt.length, 6);
    // Before the last step was replayed, the earlier steps were already out (the JSON writer
    // holds one step back for its comma): the report did not wait for the end.
    const writtenBeforeLast = events.slice(0, stepsAt.at(-1)).filter((e) => e.startsWith('write')).length;
    t.true(writtenBeforeLast >= 6, events.join(', '));
    t.true(events.slice((stepsAt[0] ?? 0) + 1, stepsAt[3]).some((e) => e.startsWith('write')), events.join(', '));
    t.false(result.ok);
  }
});

test('chunks: about `size` characters each, in order, the rest on flush', (t) => {
  const out: string[] = [];
  const w = new ChunkedWriter((s) => out.push(s), 10);
  for (const s of ['abcd\n', 'efgh\n', 'ij\n', 'klmnopqrstu\n', 'v\n']) w.add(s);
  t.deepEqual(out, ['abcd\nefgh\n', 'ij\nklmnopqrstu\n']);
  w.flush();
  w.flush();
  t.deepEqual(out, ['abcd\nefgh\n', 'ij\nklmnopqrstu\n', 'v\n']);
});

test('chunks: text outside ASCII and a line longer than the buffer come out whole and unchanged', (t) => {
  const out: string[] = [];
  const w = new ChunkedWriter((s) => out.push(s), 10);
  const long = `${'ü€😀x'.repeat(40)}\n`; // 200 code units, up to 4 bytes a character: well past the 30-byte buffer
  const lines = ['é\n', 'naïve – ok\n', long, '日本\n', '😀\n'];
  for (const s of lines) w.add(s);
  w.flush();
  t.is(out.join(''), lines.join(''));
  t.deepEqual(out, ['é\nnaïve – ok\n', long, '日本\n😀\n']);
  // After the long line (the buffer shrinks back to one chunk's size), later lines still come out whole.
  w.add('ok\n');
  w.flush();
  t.is(out.at(-1), 'ok\n');
});

test('the text timeline ends with the summary', async (t) => {
  const chunks: string[] = [];
  const io = { ...captureIo(), out: (s: string) => chunks.push(s) };
  t.is(await simulate.run([FIXTURES, '--rules', RULES], io), 1);
  t.regex(chunks[0] ?? '', /^fixture failing \(test\/data\/simulate-stream\/failing\.yaml\): A wrong expectation/);
  t.regex(chunks.join(''), /FAIL test\/data\/simulate-stream\/failing\.yaml:10 step 2: expected no actions; planned: notify p-1 \(tell\), rollback_policy p-1 \(rollback\)$/m);
  t.regex(chunks.join(''), /\nsimulate: 2 fixture\(s\), 6 step\(s\), 1 failed \(failing\); rule set [0-9a-f]{12}\n$/);
});

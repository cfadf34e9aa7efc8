import test from 'ava';
import { command as simulate } from '../../../src/cli/simulate.js';
import { captureIo } from '../../support/io.js';

const ARGS = ['test/data/rule-coverage/fixture.yaml', '--rules', 'test/data/rule-coverage/rules.yaml', '--coverage'];
const SUMMARY = 'coverage: 3 rules: 1 fired, 1 only evaluated false, 1 never evaluated; 3 condition leaves, 1 never evaluated';

test('simulate --coverage: the summary is the last line, the rules that never fired right above it', async (t) => {
  const io = captureIo();
  t.is(await simulate.run(ARGS, io), 0);
  const lines = io.stdout().trimEnd().split('\n');
  t.deepEqual(lines.slice(-3), ['never evaluated: never@1', 'only evaluated false: only-false@1', SUMMARY]);
  t.regex(lines.find((l) => l.startsWith('simulate: ')) ?? '', /^simulate: 1 fixture\(s\), 1 step\(s\), 0 failed; rule set [0-9a-f]{12}$/);
  t.true(lines.indexOf('coverage by rule and condition leaf:') > lines.findIndex((l) => l.startsWith('simulate: ')));
});

test('simulate --coverage --json: the summary is the first entry of the coverage object, then the two lists', async (t) => {
  const io = captureIo();
  t.is(await simulate.run([...ARGS, '--json'], io), 0);
  const coverage = (JSON.parse(io.stdout()) as { coverage: Record<string, unknown> }).coverage;
  t.deepEqual(Object.keys(coverage).slice(0, 3), ['summary', 'neverEvaluated', 'onlyFalse']);
  t.is(coverage['summary'], SUMMARY);
  t.deepEqual(coverage['neverEvaluated'], ['never@1']);
  t.deepEqual(coverage['onlyFalse'], ['only-false@1']);
});

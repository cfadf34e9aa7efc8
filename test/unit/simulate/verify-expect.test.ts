import test from 'ava';
import { loadRuleSet } from '../../../src/rules/load.js';
import { parseFixture } from '../../../src/monitor/fixture.js';
import { loadFixtures } from '../../../src/simulate/fixtures.js';
import { simulate } from '../../../src/simulate/simulate.js';
import { renderTimeline } from '../../../src/simulate/timeline.js';
import { formatIssue } from '../../../src/types/errors.js';
import type { RuleSet } from '../../../src/types/rules.js';

const DIR = 'test/data/verify';

async function rules(): Promise<RuleSet> {
  const r = await loadRuleSet([`${DIR}/rules`]);
  if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
  return r.ruleSet;
}

test('verify expectations: re-run analysis on the later step; "missing" succeeds once the root cause is gone', async (t) => {
  const rs = await rules();
  const fx = await loadFixtures([`${DIR}/fixtures`], rs);
  t.deepEqual(fx.issues.map(formatIssue), []);
  const result = await simulate(fx.fixtures, rs);
  t.deepEqual(result.fixtures.flatMap((f) => f.report.steps.flatMap((s) => s.failures)), []);
  const steps = result.fixtures[0]!.report.steps;
  t.deepEqual(steps[2]?.verified, [
    { step: 1, rule: 'rollback', target: 'p-1', result: 'succeeded' },
    { step: 1, rule: 'tell', target: 'p-1', result: 'inconclusive' },
  ]);
  const text = renderTimeline(result.fixtures[0]!.report, result.fixtures[0]!.runs, '');
  t.true(text.includes('    verified: rollback on p-1 (planned at step 1): succeeded\n'), text);
});

test('a verify expectation that does not hold says what the verdict was, with the values', async (t) => {
  const rs = await rules();
  const fx = await loadFixtures([`${DIR}/fixtures`], rs);
  const f = fx.fixtures[0]!;
  const wrong = { ...f, steps: f.steps.map((s, i) => (i === 1 ? { ...s, expect: { verified: [{ step: 1, rule: 'rollback', result: 'succeeded' as const }, { step: 1, rule: 'rollback', target: 'p-9', result: 'failed' as const }] } } : s)) };
  const result = await simulate([wrong], rs);
  t.deepEqual(result.fixtures[0]?.report.steps[1]?.failures, [
    'expected the action of rule "rollback" planned at step 1 to verify succeeded; it verified failed (rootCause missing true (was "bad-rollout"))',
    'expected an action of rule "rollback" on p-9 planned at step 1 to verify; it planned none there',
  ]);
});

test('verify expectations are checked at load: unknown rule, not a plan rule, a step not before this one', async (t) => {
  const rs = await rules();
  const r = parseFixture(`apiVersion: mapek/v1
kind: Fixture
name: t
start: "2026-11-26T12:00:00Z"
steps:
  - at: "+0s"
    expect:
      verified: [ { step: 1, rule: nope, result: succeeded }, { step: 2, rule: bad-rollout, result: failed }, { step: 1, rule: rollback, result: maybe } ]
`, 'f.yaml', rs);
  t.deepEqual(r.ok ? [] : r.issues.map(formatIssue), [
    'f.yaml:8:146: steps[0].expect.verified[2].result: "maybe" is not one of: succeeded, failed, inconclusive',
  ]);
  const r2 = parseFixture(`apiVersion: mapek/v1
kind: Fixture
name: t
start: "2026-11-26T12:00:00Z"
steps:
  - at: "+0s"
    expect:
      verified: [ { step: 1, rule: nope, result: succeeded }, { step: 2, rule: bad-rollout, result: failed } ]
`, 'f.yaml', rs);
  t.deepEqual(r2.ok ? [] : r2.issues.map(formatIssue), [
    'f.yaml:8:27: steps[0].expect.verified[0].step: step 1 is not before this step (1): verify an action planned earlier',
    'f.yaml:8:36: steps[0].expect.verified[0].rule: unknown rule "nope" (not in the loaded rule set)',
    'f.yaml:8:71: steps[0].expect.verified[1].step: step 2 is not before this step (1): verify an action planned earlier',
    'f.yaml:8:80: steps[0].expect.verified[1].rule: rule "bad-rollout" is an analyze rule; only plan rules\' actions are verified',
  ]);
});

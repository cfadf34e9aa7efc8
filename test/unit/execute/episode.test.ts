/**
 * Issue #10 item 1: the episode of a candidate comes from the alerts its rule reacts to, so
 * a re-fire of ValidationLatencySLA is a new intent although TargetViolatingManyPolicies,
 * in the same incident, kept firing. The real planner (own rule file under test/data) and
 * the real executor.
 */
import test from 'ava';
import { createPlanner } from '../../../src/analyze/index.js';
import { loadRuleSet } from '../../../src/rules/load.js';
import type { RuleSet } from '../../../src/types/rules.js';
import { alert, snapshot } from '../../support/execute-fakes.js';
import { harness } from './harness.js';

async function rules(): Promise<RuleSet> {
  const r = await loadRuleSet(['test/data/rules/episode']);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.ruleSet;
}

const many = alert('TargetViolatingManyPolicies', {}, { startsAt: '2026-03-01T10:00:00.000Z' });
const slow = (startsAt: string) => alert('ValidationLatencySLA', {}, { startsAt });

test('candidates say which of the incident\'s alerts their rule reacts to: named, or through a derived fact', async (t) => {
  const planner = createPlanner(await rules());
  const [d] = planner.plan(snapshot([many, slow('2026-03-01T11:00:00.000Z')]), {}, 'cycle-1');
  t.is(d?.incidentId, 'service:charter');
  t.deepEqual(d?.alerts, ['TargetViolatingManyPolicies', 'ValidationLatencySLA']);
  t.deepEqual(d?.candidates.map((c) => [c.ruleId, c.reactsTo]), [['cache-named', ['ValidationLatencySLA']], ['reload-derived', ['ValidationLatencySLA']]]);
});

test('a re-fire of the alert the rule reacts to is a new episode while another alert of the incident keeps firing', async (t) => {
  const planner = createPlanner(await rules());
  const h = harness();
  const first = snapshot([many, slow('2026-03-01T11:00:00.000Z')]);
  const run = async (s: typeof first, cycle: string) => h.executor.execute(planner.plan(s, {}, cycle), s, cycle);
  const r1 = await run(first, 'cycle-1');
  t.deepEqual(r1.map((r) => [r.ruleId, r.key]), [
    ['cache-named', 'cache-named|charter|service:charter|2026-03-01T11:00:00.000Z'],
    ['reload-derived', 'reload-derived|charter-reload|service:charter|2026-03-01T11:00:00.000Z'],
  ]);
  await h.executor.drain();
  // Fixed, then ValidationLatencySLA fires again (after the fix); TargetViolatingManyPolicies never stopped.
  h.time.advance(30 * 60_000);
  const refired = snapshot([many, slow('2026-03-01T12:30:00.000Z')]);
  const r2 = await run(refired, 'cycle-2');
  t.deepEqual(r2.map((r) => [r.ruleId, r.key]), [
    ['cache-named', 'cache-named|charter|service:charter|2026-03-01T12:30:00.000Z'],
    ['reload-derived', 'reload-derived|charter-reload|service:charter|2026-03-01T12:30:00.000Z'],
  ]);
  t.false(r2.some((r) => r.status === 'blocked'), 'run again, not held back by the first occurrence');
  // The same occurrence again is still a duplicate.
  t.deepEqual(await run(refired, 'cycle-3'), []);
});

import test from 'ava';
import { createPlanner } from '../../../src/analyze/index.js';
import { alert, analyzeRule, planRule, ruleSet, snapshot } from '../../support/engine-builders.js';

const crit = { fact: 'alertnames', operator: 'contains', value: 'CriticalViolationDetected' };

test('a chain of derivations feeds a plan rule; the decision explains it', (t) => {
  const rs = ruleSet([
    analyzeRule('cause', { all: [crit, { fact: 'metrics', path: '$.criticalViolationRate', operator: 'greaterThan', value: 0.1 }] }, { rootCause: 'bad_rollout' }, { priority: 90 }),
    analyzeRule('risk', { all: [{ fact: 'rootCause', operator: 'equal', value: 'bad_rollout' }] }, { risk: 'high' }, { priority: 80 }),
    planRule('rollback', { all: [{ fact: 'risk', operator: 'equal', value: 'high' }] }, { type: 'rollback_policy', target: '{{subject.id}}' }, { priority: 70 }),
  ]);
  const snap = snapshot([alert('CriticalViolationDetected', { policy_id: 'p-7' })], { criticalViolationRate: [{ labels: { policy_id: 'p-7' }, value: 0.5 }] });
  const [d] = createPlanner(rs).plan(snap, {}, 'c1');
  t.truthy(d);
  t.is(d?.id, 'c1:policy:p-7');
  t.deepEqual(d?.derived, { rootCause: 'bad_rollout', risk: 'high' });
  t.deepEqual(d?.chosen.map((c) => [c.action.type, c.action.target]), [['rollback_policy', 'p-7']]);
  t.deepEqual(d?.rules.map((r) => [r.rule, r.fired, r.pass]), [['cause@1', true, 1], ['risk@1', true, 1], ['rollback@1', true, 0]]);
});

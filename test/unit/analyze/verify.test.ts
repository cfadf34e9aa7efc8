import test from 'ava';
import { verifyCondition } from '../../../src/analyze/index.js';
import { alert, analyzeRule, ruleSet, snapshot } from '../../support/engine-builders.js';

const rs = ruleSet([analyzeRule('cause', { all: [{ fact: 'alertnames', operator: 'contains', value: 'CriticalViolationDetected' }] }, { rootCause: 'bad_rollout' })]);
const gone = { all: [{ fact: 'alertnames', operator: 'doesNotContain', value: 'CriticalViolationDetected' }] };

test('succeeded when the condition holds on the fresh snapshot, also after the incident is gone', (t) => {
  const r = verifyCondition(rs, snapshot([]), 'policy:p-7', gone);
  t.is(r.result, 'succeeded');
  t.deepEqual(r.trace, [{ fact: 'alertnames', operator: 'doesNotContain', value: 'CriticalViolationDetected', factValue: [], result: true }]);
});

test('failed when it does not hold; derived facts are recomputed on the snapshot', (t) => {
  const s = snapshot([alert('CriticalViolationDetected', { policy_id: 'p-7' })]);
  t.is(verifyCondition(rs, s, 'policy:p-7', gone).result, 'failed');
  t.is(verifyCondition(rs, s, 'policy:p-7', { all: [{ fact: 'rootCause', operator: 'equal', value: 'bad_rollout' }] }).result, 'succeeded');
});

test('inconclusive when a leaf reads a missing metric, whatever the result; exists is exempt', (t) => {
  const s = snapshot([]);
  const cond = { not: { fact: 'metrics', path: '$.criticalViolationRate', operator: 'greaterThan', value: 0.1 } };
  t.is(verifyCondition(rs, s, 'policy:p-7', cond).result, 'inconclusive');
  const ex = { all: [{ fact: 'rootCause', operator: 'exists', value: false }] };
  t.is(verifyCondition(rs, s, 'policy:p-7', ex).result, 'succeeded');
  const withMetric = snapshot([], { criticalViolationRate: [{ labels: { policy_id: 'p-7' }, value: 0 }] });
  t.is(verifyCondition(rs, withMetric, 'policy:p-7', cond).result, 'succeeded');
});

test('service and committee subjects resolve; a bad incident id is an error', (t) => {
  t.is(verifyCondition(rs, snapshot([], { up: [{ labels: {}, value: 1 }] }), 'service:charter', { all: [{ fact: 'metrics', path: '$.up', operator: 'equal', value: 1 }] }).result, 'succeeded');
  t.is(verifyCondition(rs, snapshot([]), 'committee:c-1', gone).result, 'succeeded');
  t.is(verifyCondition(rs, snapshot([]), 'target:n-1', gone).result, 'succeeded');
  t.throws(() => verifyCondition(rs, snapshot([]), 'nonsense', gone), { message: 'invalid incident id "nonsense": expected KIND:ID' });
});

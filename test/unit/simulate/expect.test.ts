import test from 'ava';
import { createPlanner } from '../../../src/analyze/index.js';
import { checkExpect } from '../../../src/simulate/expect.js';
import { alert, analyzeRule, planRule, ruleSet, snapshot } from '../../support/engine-builders.js';

const firing = { all: [{ fact: 'alertnames', operator: 'contains', value: 'CriticalViolationDetected' }] };
const rs = ruleSet([
  analyzeRule('cause', firing, { rootCause: 'bad_rollout' }, { alerts: ['CriticalViolationDetected'] }),
  planRule('rollback', firing, { type: 'rollback_policy', target: '{{subject.id}}' }, { priority: 80 }),
  planRule('audit', firing, { type: 'set_enforcement_mode', target: '{{subject.id}}', params: { mode: 'audit' } }, { priority: 60 }),
  planRule('never', { all: [{ fact: 'severity', operator: 'equal', value: 'info' }] }, { type: 'notify', target: 'x' }),
  planRule('unindexed-elsewhere', firing, { type: 'notify', target: 'x' }, { alerts: ['CharterDown'] }),
]);
const decisions = createPlanner(rs).plan(snapshot([alert('CriticalViolationDetected', { policy_id: 'p-1' })]), {}, 'c');

test('every kind of failed expectation says what was expected and what happened', (t) => {
  t.deepEqual(checkExpect({
    actions: [{ type: 'quarantine_target' }],
    noActions: [{ target: 'p-1', type: 'rollback_policy' }],
    noActionsAtAll: true,
    rulesFired: ['never', 'unindexed-elsewhere'],
    rulesNotFired: ['cause'],
    rejected: [{ rule: 'rollback' }, { rule: 'never' }, { rule: 'audit', reason: 'tie' }],
    derived: { 'policy:p-1': { rootCause: 'rogue_target', other: 1 }, 'policy:p-2': {} },
  }, decisions), [
    'expected action quarantine_target any target; planned: rollback_policy p-1 (rollback)',
    'unexpected action rollback_policy p-1 (rollback) (matches noActions rollback_policy p-1)',
    'expected no actions; planned: rollback_policy p-1 (rollback)',
    'expected rule "never" to fire; it evaluated false for policy:p-1',
    'expected rule "unindexed-elsewhere" to fire; it was never evaluated (no incident matched its alerts and subjects)',
    'expected rule "cause" not to fire; it fired for policy:p-1',
    'expected rule "rollback" to be rejected; it was chosen',
    'expected rule "never" to be rejected; it proposed nothing',
    'expected rule "audit" to be rejected with "tie"; reason: lower effective priority 60 < 80 (rollback)',
    'expected derived fact rootCause = "rogue_target" for policy:p-1; got "bad_rollout"',
    'expected derived fact other = 1 for policy:p-1; got nothing',
    'expected incident "policy:p-2"; incidents: policy:p-1',
  ]);
});

test('expectations that hold give no failures; params match as a subset', (t) => {
  t.deepEqual(checkExpect({
    actions: [{ type: 'rollback_policy', target: 'p-1', params: {} }],
    noActions: [{ type: 'set_enforcement_mode', params: { mode: 'audit' } }],
    rejected: [{ rule: 'audit', reason: 'lower effective priority' }],
    derived: { 'policy:p-1': { rootCause: 'bad_rollout' } },
  }, decisions), []);
});

test('an empty expectation holds whatever was planned; an empty list too', (t) => {
  t.true(decisions.some((d) => d.chosen.length > 0));
  t.deepEqual(checkExpect({}, decisions), []);
  t.deepEqual(checkExpect({ actions: [], rulesFired: [] }, decisions), []);
  t.deepEqual(checkExpect({ noActionsAtAll: true }, decisions).length, 1);
});

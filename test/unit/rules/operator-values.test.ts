import test from 'ava';
import { operatorValueProblem } from '../../../src/rules/operator-values.js';
import { paramProblems, riskProblem } from '../../../src/rules/action-params.js';

test('each operator states the value it needs', (t) => {
  t.is(operatorValueProblem('greaterThan', '5'), 'operator "greaterThan" needs a number value, got "5"');
  t.is(operatorValueProblem('in', 'a'), 'operator "in" needs a list value, got "a"');
  t.is(operatorValueProblem('between', [5, 1]), 'operator "between" needs value [min, max] with min <= max, got [5,1]');
  t.is(operatorValueProblem('exists', 'yes'), 'operator "exists" needs value true or false, got "yes"');
  t.is(operatorValueProblem('lengthAtLeast', -1), 'operator "lengthAtLeast" needs an integer value >= 0, got -1');
  t.is(operatorValueProblem('matches', 3), 'operator "matches" needs a regular expression string, got 3');
  t.is(operatorValueProblem('labelMatch', ['x']), 'operator "labelMatch" needs a map of label: value, got ["x"]');
  t.is(operatorValueProblem('labelMatch', { team: 3 }), 'operator "labelMatch" needs string label values, got 3 for "team"');
  for (const [op, v] of [['equal', { any: 1 }], ['between', [1, 2]], ['matches', '^a$'], ['labelMatch', { team: '~^po', x: 'y' }], ['containsAny', []], ['lengthAtLeast', 0], ['exists', false]] as const) {
    t.is(operatorValueProblem(op, v), undefined, op);
  }
});

test('action parameters and risk against the catalog', (t) => {
  t.deepEqual(paramProblems('enable_validation_cache', { x: 1 }), [{ param: 'x', message: 'unknown parameter "x" for action "enable_validation_cache" (it takes none)' }]);
  t.deepEqual(paramProblems('scale_committee', { delta: 17, capacity: 1.5 }), [
    { param: 'delta', message: 'parameter "delta" of action "scale_committee" must be <= 16, got 17' },
    { param: 'capacity', message: 'parameter "capacity" of action "scale_committee" must be an integer, got 1.5' },
  ]);
  t.deepEqual(paramProblems('scale_committee', { delta: 0 }), [{ param: 'delta', message: 'parameter "delta" of action "scale_committee" must be >= 1, got 0' }]);
  t.deepEqual(paramProblems('notify', { message: 5 }), [{ param: 'message', message: 'parameter "message" of action "notify" must be a string, got 5' }]);
  t.deepEqual(paramProblems('rollback_policy', { toVersion: '{{metrics.policyVersion}}' }), []);
  t.deepEqual(paramProblems('nope', { a: 1 }), []);
  t.is(riskProblem('set_enforcement_mode', 'low'), 'risk "low" is lower than the catalog\'s risk "medium" for action "set_enforcement_mode"');
  t.is(riskProblem('notify', 'high'), undefined);
});

/**
 * The traced memo changes nothing a decision says: a planner that has seen other incidents
 * (and earlier cycles) decides as a fresh one does, -0 stays apart from 0, what decisions
 * share is frozen, and fractions are not keys.
 */
import test from 'ava';
import { createPlanner } from '../../../src/analyze/index.js';
import type { Decision } from '../../../src/types/decision.js';
import { alert, analyzeRule, planRule, ruleSet, snapshot } from '../../support/engine-builders.js';

const rs = ruleSet([
  analyzeRule('cause', { all: [{ fact: 'metrics', path: '$.criticalViolationRate', operator: 'greaterThan', value: 0.1 }] }, { rootCause: 'bad_rollout' }, { priority: 90 }),
  planRule('rollback', { all: [{ fact: 'rootCause', operator: 'equal', value: 'bad_rollout' }, { fact: 'metrics', path: '$.criticalViolationRate', operator: 'lessThan', value: 1 }] }, { type: 'rollback_policy', target: '{{subject.id}}' }, { priority: 70 }),
  planRule('notify', { all: [{ fact: 'alertnames', operator: 'contains', value: 'CriticalViolationDetected' }] }, { type: 'notify', target: 'oncall', params: { channel: 'x' } }, { priority: 10 }),
]);

function snap(values: readonly number[]) {
  const alerts = values.map((_, i) => alert('CriticalViolationDetected', { policy_id: `p-${i}` }, { fingerprint: `f${i}` }));
  return snapshot(alerts, { criticalViolationRate: values.map((value, i) => ({ labels: { policy_id: `p-${i}` }, value })) });
}

test('a planner that has planned before decides as a fresh one, incident for incident', (t) => {
  const warm = createPlanner(rs);
  for (const v of [[0.5, 0.5, 0.2], [0.5, 2, 0.05], [0.5, 0.5, 0.5]]) warm.plan(snap(v), {}, 'w');
  for (const v of [[0.5, 0.5, 0.2, 2], [0.05, 0.5, 0.5], [0.5, 0.5, 0.5]]) {
    const fresh = createPlanner({ ...rs });
    t.deepEqual(warm.plan(snap(v), {}, 'c'), fresh.plan(snap(v), {}, 'c'));
    t.deepEqual(warm.plan(snap(v), { rollback: 0.5 }, 'c'), fresh.plan(snap(v), { rollback: 0.5 }, 'c'));
  }
});

test('-0 and 0 are different values in the traces, whichever came first', (t) => {
  const p = createPlanner(rs);
  const [zero, negative] = p.plan(snap([0, -0]), {}, 'c');
  const fact = (d: Decision | undefined) => d?.rules[0]?.conditions[0]?.factValue;
  t.true(Object.is(fact(zero), 0));
  t.true(Object.is(fact(negative), -0));
});

test('what decisions share is frozen; the decisions and their lists are their own', (t) => {
  const p = createPlanner(rs);
  const [a, b] = p.plan(snap([3, 3]), {}, 'c');
  if (a === undefined || b === undefined) throw new Error('two decisions expected');
  t.is(a.rules[0], b.rules[0]);
  t.true(Object.isFrozen(a.rules[0]) && Object.isFrozen(a.rules[0]?.conditions));
  t.true(Object.isFrozen(a.alerts));
  t.not(a.rules, b.rules);
  t.not(a.candidates, b.candidates);
  t.false(Object.isFrozen(a));
  t.false(Object.isFrozen(a.candidates[0]));
  // Across cycles: the same trace objects while the values are the same.
  const [again] = p.plan(snap([3, 3]), {}, 'c2');
  t.is(again?.rules[0], a.rules[0]);
});

test('a fraction (a measurement, new at every scrape) is not a memo key: equal traces, not shared ones', (t) => {
  const p = createPlanner(rs);
  const [a, b] = p.plan(snap([0.5, 0.5]), {}, 'c');
  if (a === undefined || b === undefined) throw new Error('two decisions expected');
  t.not(a.rules[0], b.rules[0]);
  t.deepEqual(a.rules[0], b.rules[0]);
  t.false(Object.isFrozen(a.rules[0]));
});

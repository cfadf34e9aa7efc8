import test from 'ava';
import { runChain } from '../../../src/analyze/chain.js';
import { compileRuleSet } from '../../../src/analyze/compiled-rules.js';
import { FixpointError } from '../../../src/analyze/errors.js';
import type { AnalyzeRule, Condition } from '../../../src/types/rules.js';
import { analyzeRule, ruleSet } from '../../support/engine-builders.js';

const eq = (fact: string, value: unknown): Condition => ({ all: [{ fact, operator: 'equal', value }] });
const chain = (rules: AnalyzeRule[], observed: Record<string, unknown>, max?: number) =>
  runChain('policy:p-1', compileRuleSet(ruleSet(rules)).analyze.all, observed, max);

test('rules in dependency order settle in one pass', (t) => {
  const r = chain([
    analyzeRule('a', eq('severity', 'critical'), { x: 1 }, { priority: 90 }),
    analyzeRule('b', eq('x', 1), { y: 2 }, { priority: 80 }),
    analyzeRule('c', eq('y', 2), { z: '{{subject.id}}' }, { priority: 70 }),
  ], { severity: 'critical', subject: { kind: 'policy', id: 'p-1' } });
  t.deepEqual(r.derived, { x: 1, y: 2, z: 'p-1' });
  t.is(r.passes, 1);
  t.deepEqual(r.traces.map((x) => [x.rule, x.fired]), [['a@1', true], ['b@1', true], ['c@1', true]]);
});

test('a chain written against priority order needs more passes and still reaches the fixpoint', (t) => {
  const r = chain([
    analyzeRule('c', eq('y', 2), { z: 3 }, { priority: 90 }),
    analyzeRule('b', eq('x', 1), { y: 2 }, { priority: 80 }),
    analyzeRule('a', eq('severity', 'critical'), { x: 1 }, { priority: 70 }),
  ], { severity: 'critical' });
  t.deepEqual(r.derived, { x: 1, y: 2, z: 3 });
  t.is(r.passes, 3);
  t.true(r.traces.every((x) => x.fired && x.pass === 3));
});

test('derived facts are recomputed each pass: a fact no rule derives any more disappears', (t) => {
  // pass 1: b reads x (not yet derived) and derives stale=1; a then derives x=1, which
  // makes b false in pass 2 — stale must not survive.
  const r = chain([
    analyzeRule('b', { all: [{ fact: 'x', operator: 'exists', value: false }] }, { stale: 1 }, { priority: 90 }),
    analyzeRule('a', eq('severity', 'critical'), { x: 1 }, { priority: 50 }),
  ], { severity: 'critical' });
  t.deepEqual(r.derived, { x: 1 });
  t.is(r.passes, 2);
});

test('the first (highest priority) rule deriving a fact wins within a pass', (t) => {
  const r = chain([
    analyzeRule('low', eq('severity', 'critical'), { rootCause: 'rogue_target' }, { priority: 10 }),
    analyzeRule('high', eq('severity', 'critical'), { rootCause: 'bad_rollout' }, { priority: 90 }),
  ], { severity: 'critical' });
  t.deepEqual(r.derived, { rootCause: 'bad_rollout' });
  t.true(r.traces.every((x) => x.fired));
});

test('an observed fact is never overwritten by a derivation', (t) => {
  const r = chain([analyzeRule('a', eq('severity', 'critical'), { severity: 'info', ok: true })], { severity: 'critical' });
  t.deepEqual(r.derived, { ok: true });
});

test('rules that keep changing each other hit the bound with an error naming them', (t) => {
  const rules = [analyzeRule('flip', { all: [{ fact: 'x', operator: 'exists', value: false }] }, { x: 1 })];
  const err = t.throws(() => chain(rules, {}, 5), { instanceOf: FixpointError });
  t.is(err?.message, 'analysis of incident "policy:p-1" did not reach a fixpoint after 5 passes; rules still changing facts: flip');
  t.false(err?.retryable);
});

test('no candidate rules: nothing derived, zero passes', (t) => {
  t.deepEqual(chain([], {}), { derived: {}, traces: [], passes: 0 });
});

test('templates render raw values, nested params and missing facts', (t) => {
  const r = chain([analyzeRule('a', { all: [] }, { n: '{{metrics.rate}}', s: 'rate {{metrics.rate}}/s', list: ['{{subject.id}}'], none: '{{nope.x}}' })],
    { metrics: { rate: 0.5 }, subject: { id: 'p-1' } });
  t.deepEqual(r.derived, { n: 0.5, s: 'rate 0.5/s', list: ['p-1'], none: undefined });
});

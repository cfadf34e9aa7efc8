import test from 'ava';
import { learn, trendOf, relearn, planRuleIds, MemoryKnowledgeStore, type LearnResult } from '../../../src/knowledge/index.js';
import { successProbability, type RemediationAction } from '../../../src/charter/remediation-table.js';
import { mulberry32 } from '../../../src/charter/rng.js';
import type { Outcome } from '../../../src/types/knowledge.js';
import { formatEvent, weightLine } from '../../../src/app/demo/events.js';
import type { FaultKind } from '../../../src/types/charter.js';

const out = (ruleId: string, result: Outcome['result'], i: number, kind = 'ValidationLatencySLA'): Outcome => ({
  key: `${ruleId}-${i}`, ruleId, incidentKind: kind, actionType: 'reload_policies', result, at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
});

/**
 * The reference Charter's fault model, drawn with its own seeded generator: the planner's
 * preference is priority × weight; a failed first choice falls back to the other candidate.
 */
function simulate(seed: number, fault: FaultKind, rules: { id: string; action: RemediationAction; priority: number }[], incidents: number) {
  const rnd = mulberry32(seed);
  let outcomes: Outcome[] = [];
  let weights: Record<string, number> = {};
  let learned: LearnResult['learned'] = {};
  const preferred: string[] = [];
  let n = 0;
  for (let i = 0; i < incidents; i += 1) {
    const order = [...rules].sort((a, b) => b.priority * (weights[b.id] ?? 1) - a.priority * (weights[a.id] ?? 1));
    preferred.push(order[0]!.id);
    for (const r of order) {
      const ok = rnd() < successProbability(fault, r.action);
      outcomes = [...outcomes, out(r.id, ok ? 'succeeded' : 'failed', (n += 1))];
      if (ok) break;
    }
    const step = learn({ outcomes, current: weights, planRules: rules.map((r) => r.id), at: 'now', learned });
    weights = { ...step.weights };
    learned = step.learned;
  }
  return { preferred, weights };
}

test('validation_slowdown: reload (priority 80, p=0.2) is preferred first; within 15 incidents the cache rule (priority 50, p=0.85) wins, for every seed', (t) => {
  const rules = [
    { id: 'reload-on-latency', action: 'reload_policies' as const, priority: 80 },
    { id: 'cache-on-latency', action: 'enable_validation_cache' as const, priority: 50 },
  ];
  let later = 0;
  for (let seed = 1; seed <= 50; seed += 1) {
    const { preferred } = simulate(seed, 'validation_slowdown', rules, 30);
    t.is(preferred[0], 'reload-on-latency');
    const firstWin = preferred.indexOf('cache-on-latency');
    t.true(firstWin >= 0 && firstWin < 15, `seed ${seed}: cache first preferred at incident ${firstWin + 1}`);
    later += preferred.slice(15).filter((p) => p === 'cache-on-latency').length;
  }
  // it keeps preferring the effective action (exploration may revisit the other now and then)
  t.true(later / (50 * 15) >= 0.95, `cache preferred in ${later} of ${50 * 15} later incidents`);
});

test('bad_rollout: set_enforcement_mode audit (p=0.5) preferred first loses to rollback_policy (p=0.95)', (t) => {
  const rules = [
    { id: 'audit-on-violations', action: 'set_enforcement_mode_audit' as const, priority: 70 },
    { id: 'rollback-on-violations', action: 'rollback_policy' as const, priority: 50 },
  ];
  // the ineffective action here still works half the time, so the evidence comes slower
  for (let seed = 1; seed <= 30; seed += 1) {
    const { preferred } = simulate(seed, 'bad_rollout', rules, 40);
    t.is(preferred[0], 'audit-on-violations');
    const firstWin = preferred.indexOf('rollback-on-violations');
    t.true(firstWin >= 0 && firstWin < 30, `seed ${seed}: rollback first preferred at incident ${firstWin + 1}`);
    t.is(preferred.at(-1), 'rollback-on-violations', `seed ${seed}`);
  }
});

test('a bounded step per update, every change with its reason; analysis rules and unknown rules untouched', (t) => {
  const outcomes = [0, 1, 2, 3, 4, 5].map((i) => out('r', 'failed', i)).concat([out('analyze-x', 'succeeded', 9)]);
  const r = learn({ outcomes, current: { r: 1 }, planRules: ['r', 'other'], at: '2026-01-01T00:00:00.000Z' });
  t.deepEqual(Object.keys(r.weights), ['r']);
  t.is(r.weights['r'], 0.75);
  t.is(r.changes.length, 1);
  t.like(r.changes[0], { ruleId: 'r', from: 1, to: 0.75, samples: 6, successRate: 0 });
  t.regex(r.changes[0]?.reason ?? '', /^0\/6 succeeded \(0%\), recency-weighted \d+%; trend predicts 0%; exploration \+0\.\d\d; target weight 0\.\d\d: lowered 1\.00 → 0\.75 \(step capped at 0\.25\)$/);
});

test('exploration: one early failure does not starve a rule', (t) => {
  const r = learn({ outcomes: [out('new', 'failed', 1), ...[2, 3, 4, 5, 6, 7, 8, 9].map((i) => out('old', 'succeeded', i))], current: {}, planRules: ['new', 'old'], at: 'now' });
  const s = r.stats.find((x) => x.ruleId === 'new');
  t.true((s?.bonus ?? 0) > 0.2);
  t.true((r.weights['new'] ?? 1) >= 0.75);
});

test('inconclusive outcomes are ignored; nothing moves without decisive outcomes', (t) => {
  const r = learn({ outcomes: [out('r', 'inconclusive', 1)], current: { r: 1.3 }, planRules: ['r'], at: 'now' });
  t.deepEqual(r.changes, []);
  t.deepEqual(r.weights, { r: 1.3 });
});

test('trendOf: needs four points, guards the degenerate case, clamps to [0, 1]', (t) => {
  t.is(trendOf([1, 0, 1], 20), undefined);
  t.is(trendOf([0, 0, 1, 1, 1, 1], 20), 1);
  t.is(trendOf([1, 1, 1, 1], 20), 1);
  t.is(trendOf([1, 1, 0, 0, 0, 0], 20), 0);
});

test('relearn reads the store, saves the changes, and currentWeights reflects them', async (t) => {
  const store = new MemoryKnowledgeStore();
  for (let i = 0; i < 5; i += 1) await store.recordOutcome(out('r', 'succeeded', i));
  const ids = planRuleIds({ rules: [{ id: 'r', stage: 'plan' }, { id: 'a', stage: 'analyze' }] as never });
  t.deepEqual(ids, ['r']);
  const changes = await relearn(store, ids, '2026-01-02T00:00:00.000Z');
  t.is(changes.length, 1);
  t.deepEqual(await store.currentWeights(), { r: 1.25 });
  t.deepEqual((await store.weightHistory(5)).map((c) => c.to), [1.25]);
});

test('relearn is idempotent: without a new outcome nothing moves, however often it is called; a new outcome moves the weight one step', async (t) => {
  const store = new MemoryKnowledgeStore();
  await store.recordOutcome(out('r', 'succeeded', 1));
  const first = await relearn(store, ['r', 'q'], '2026-01-02T00:00:00.000Z');
  t.deepEqual(first.map((c) => [c.ruleId, c.from, c.to, c.upTo]), [['r', 1, 1.25, { at: '2026-01-01T00:01:00.000Z', keys: ['r-1'] }]]);
  // the service calls relearn after every cycle with verification results
  t.deepEqual(await relearn(store, ['r', 'q'], '2026-01-02T00:01:00.000Z'), []);
  t.deepEqual(await relearn(store, ['r', 'q'], '2026-01-02T00:02:00.000Z'), []);
  t.deepEqual(await store.currentWeights(), { r: 1.25 });
  // an outcome of another rule is not an outcome of r: r stays
  await store.recordOutcome(out('q', 'failed', 2));
  t.deepEqual((await relearn(store, ['r', 'q'], '2026-01-02T00:03:00.000Z')).map((c) => c.ruleId), ['q']);
  // a new outcome of r (same time as another one: ties are told apart by key) moves it once
  await store.recordOutcome({ ...out('r', 'succeeded', 2), key: 'r-2b' });
  const next = await relearn(store, ['r', 'q'], '2026-01-02T00:04:00.000Z');
  t.deepEqual(next.map((c) => [c.ruleId, c.from, c.to, c.upTo]), [['r', 1.25, 1.5, { at: '2026-01-01T00:02:00.000Z', keys: ['r-2b'] }]]);
  await store.recordOutcome({ ...out('r', 'succeeded', 2), key: 'r-2c' });
  t.deepEqual((await relearn(store, ['r', 'q'], '2026-01-02T00:05:00.000Z')).map((c) => [c.ruleId, c.upTo?.keys]), [['r', ['r-2b', 'r-2c']]]);
  t.deepEqual(await relearn(store, ['r', 'q'], '2026-01-02T00:06:00.000Z'), []);
});

test('learn: a rule whose mark covers its outcomes does not move, even when other rules gather evidence', (t) => {
  const outcomes = [out('a', 'succeeded', 1), out('b', 'failed', 2), out('b', 'failed', 3)];
  const r = learn({ outcomes, current: { a: 1.25, b: 1 }, planRules: ['a', 'b'], at: 'now', learned: { a: { at: outcomes[0]!.at, keys: ['a-1'] } } });
  t.deepEqual(r.changes.map((c) => c.ruleId), ['b']);
  t.is(r.weights['a'], 1.25);
  t.deepEqual(r.learned['a'], { at: outcomes[0]!.at, keys: ['a-1'] });
  t.deepEqual(r.learned['b'], { at: outcomes[2]!.at, keys: ['b-3'] });
  // the same step again: nothing new
  t.deepEqual(learn({ outcomes, current: r.weights, planRules: ['a', 'b'], at: 'now', learned: r.learned }).changes, []);
});

test('the demo prints one short line per changed rule, the sample count read from the learner’s reason', (t) => {
  const outcomes = [out('r', 'failed', 1), out('r', 'failed', 2), out('r', 'succeeded', 3), out('q', 'succeeded', 4)];
  const { changes } = learn({ outcomes, current: {}, planRules: ['r', 'q'], at: 'now' });
  const e = { kind: 'weights' as const, t: 12_300, changes: changes.map((c) => ({ rule: c.ruleId, from: c.from, to: c.to, reason: c.reason })) };
  t.deepEqual(formatEvent(e).split('\n'), ['[ 12.3s] ⚖️  weight           q 1.00→1.25 (1/1 ok)', '[ 12.3s] ⚖️  weight           r 1.00→1.13 (1/3 ok)']);
  t.is(weightLine({ rule: 'x', from: 1, to: 2, reason: 'by hand' }), 'x 1.00→2.00');
});

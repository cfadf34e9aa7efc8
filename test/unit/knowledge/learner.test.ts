import test from 'ava';
import { learn, relearn, planRuleIds, planRulesOf, situationStats, changeSince, weightFor, credit, trendOf, DEFAULT_LEARNER_OPTIONS, MemoryKnowledgeStore, type PlanRuleInfo } from '../../../src/knowledge/index.js';
import type { Outcome } from '../../../src/types/knowledge.js';
import { formatEvent, weightLine } from '../../../src/app/demo/events.js';

const KIND = 'ValidationLatencySLA';
const at = (i: number): string => new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString();
const out = (ruleId: string, result: Outcome['result'], i: number, kind = KIND, extra: Partial<Outcome> = {}): Outcome => ({
  key: `${ruleId}-${i}`, ruleId, incidentKind: kind, actionType: 'reload_policies', result, at: at(i), ...extra,
});
const rule = (id: string, successProbability = 0.5): PlanRuleInfo => ({ id, successProbability, benefit: 6, cost: 1 });
const O = DEFAULT_LEARNER_OPTIONS;
const statsOf = (r: PlanRuleInfo, outcomes: Outcome[], kind = KIND) => situationStats(r, kind, credit(outcomes.filter((o) => o.incidentKind === kind)), O);

test('monotone in evidence: one more success raises the estimate, one more failure lowers it', (t) => {
  const r = rule('r');
  const base = [out('r', 'succeeded', 1), out('r', 'failed', 2)];
  const m = statsOf(r, base).estimate.mean;
  t.true(statsOf(r, [...base, out('r', 'succeeded', 3)]).estimate.mean > m);
  t.true(statsOf(r, [...base, out('r', 'failed', 3)]).estimate.mean < m);
  // and the uncertainty narrows as evidence accumulates
  const few = statsOf(r, [out('r', 'succeeded', 1)]).estimate;
  const many = statsOf(r, [1, 2, 3, 4, 5, 6].map((i) => out('r', 'succeeded', i))).estimate;
  t.true(many.sd < few.sd);
  t.true(many.evidence > few.evidence);
  // a higher draw (what more successes make likely) gives a higher weight
  t.true(weightFor(r, 0.8, 2, O) > weightFor(r, 0.6, 2, O));
});

test('the prior: the declared successProbability is the posterior without evidence; the priority\'s say fades with evidence, so double the priority can be crossed', (t) => {
  t.is(statsOf(rule('r', 0.8), []).estimate.mean, 0.8);
  // κ = 0 (no evidence): effective priority = priority × EU(draw); with evidence the priority counts ^1/(1+κ)
  const r = { ...rule('r'), priority: 100 };
  t.is(100 * weightFor(r, 0.5, 0, O), 100 * (0.5 * 6 - 1));
  t.true(Math.abs(100 * weightFor(r, 0.5, 3, O) - 100 ** 0.25 * 2) < 0.01);
  // the close call: better (p 0.7) at priority 50, worse (p 0.6) at priority 100, both declared 0.5
  // interleaved, successes spread evenly: 7 in 10 and 6 in 10
  const ok = (p: number, i: number): boolean => Math.floor((i + 1) * p) > Math.floor(i * p);
  const outcomes = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? out('good', ok(0.7, i / 2) ? 'succeeded' : 'failed', i) : out('bad', ok(0.6, (i - 1) / 2) ? 'succeeded' : 'failed', i)));
  const good = statsOf(rule('good'), outcomes);
  const bad = statsOf(rule('bad'), outcomes);
  const kappa = good.estimate.evidence + bad.estimate.evidence;
  const effGood = 50 * weightFor({ ...rule('good'), priority: 50 }, good.estimate.mean, kappa, O);
  const effBad = 100 * weightFor({ ...rule('bad'), priority: 100 }, bad.estimate.mean, kappa, O);
  t.true(effGood > effBad, `${effGood} > ${effBad}`);
  // without evidence the priority wins
  t.true(50 * weightFor({ ...rule('good'), priority: 50 }, 0.7, 0, O) < 100 * weightFor({ ...rule('bad'), priority: 100 }, 0.6, 0, O));
});

test('forgetting: old evidence counts less than new, and a rule no longer chosen drifts back to its prior', (t) => {
  const r = rule('r', 0.5);
  const old = [1, 2, 3, 4, 5].map((i) => out('r', 'succeeded', i));
  const after = [...old, ...[6, 7, 8].map((i) => out('r', 'failed', i))];
  // change detection off: this is forgetting alone (the run of three failures would also trigger it)
  const forgetful = situationStats(r, KIND, credit(after), { ...O, changeAlpha: 0 }).estimate.mean;
  const none = situationStats(r, KIND, credit(after), { ...O, changeAlpha: 0, forgetting: 1 }).estimate.mean;
  t.true(forgetful < none, 'the recent failures weigh more with forgetting');
  // other rules' outcomes in the same situation age r's evidence: it drifts back to 0.5
  const s1 = statsOf(r, old).estimate;
  const s2 = statsOf(r, [...old, ...[6, 7, 8, 9, 10, 11, 12, 13].map((i) => out('q', 'succeeded', i))]).estimate;
  t.true(s2.evidence < s1.evidence);
  t.true(Math.abs(s2.mean - 0.5) < Math.abs(s1.mean - 0.5));
  t.true(s2.sd > s1.sd, 'less certain again, so it is tried again');
});

test('deterministic under a seed: the same inputs give the same weights; another seed other draws', (t) => {
  const outcomes = [out('a', 'succeeded', 1), out('b', 'failed', 2), out('a', 'failed', 3), out('b', 'succeeded', 4)];
  const planRules = [rule('a'), rule('b')];
  const run = (seed: number) => learn({ outcomes, current: {}, planRules, at: 'now', options: { seed } }).weights;
  t.deepEqual(run(7), run(7));
  t.notDeepEqual(run(7), run(8));
  // an injected generator is used as given
  const fixed = learn({ outcomes, current: {}, planRules, at: 'now', random: () => () => 0.5 });
  t.deepEqual(fixed.weights, learn({ outcomes, current: {}, planRules, at: 'now', random: () => () => 0.5 }).weights);
});

test('learned per situation: one rule serving two kinds gets one weight per kind', (t) => {
  const outcomes = [1, 2, 3, 4].map((i) => out('r', 'succeeded', i, 'A')).concat([5, 6, 7, 8].map((i) => out('r', 'failed', i, 'B')));
  const r = learn({ outcomes, current: {}, planRules: [rule('r')], at: 'now', random: () => () => 0.5 });
  t.deepEqual(Object.keys(r.weights).sort(), ['r|A', 'r|B']);
  t.true(r.weights['r|A']! > 1);
  t.true(r.weights['r|B']! < 1);
  t.deepEqual(r.changes.map((c) => [c.rule, c.situation]), [['r', 'A'], ['r', 'B']]);
});

test('no weight change without a new outcome: learn with its own marks, and relearn called again and again', async (t) => {
  const outcomes = [out('a', 'succeeded', 1), out('b', 'failed', 2)];
  const first = learn({ outcomes, current: {}, planRules: [rule('a'), rule('b')], at: 'now' });
  t.is(first.changes.length, 2);
  t.deepEqual(learn({ outcomes, current: first.weights, planRules: [rule('a'), rule('b')], at: 'later', learned: first.learned }).changes, []);
  const store = new MemoryKnowledgeStore();
  await store.recordOutcome(out('r', 'succeeded', 1));
  const c1 = await relearn(store, [rule('r')], '2026-01-02T00:00:00.000Z');
  t.deepEqual(c1.map((c) => [c.ruleId, c.upTo]), [[`r|${KIND}`, { at: at(1), keys: ['r-1'] }]]);
  t.deepEqual(await relearn(store, [rule('r')], '2026-01-02T00:01:00.000Z'), []);
  t.deepEqual(await relearn(store, [rule('r')], '2026-01-02T00:02:00.000Z'), []);
  // an outcome in another situation does not move r's weight here
  await store.recordOutcome(out('r', 'failed', 2, 'Other'));
  t.deepEqual((await relearn(store, [rule('r')], '2026-01-02T00:03:00.000Z')).map((c) => c.ruleId), ['r|Other']);
  // a new outcome at the same time as the last one (ties told apart by key) is new
  await store.recordOutcome({ ...out('r', 'succeeded', 1), key: 'r-1b' });
  t.deepEqual((await relearn(store, [rule('r')], '2026-01-02T00:04:00.000Z')).map((c) => [c.ruleId, c.upTo?.keys]), [[`r|${KIND}`, ['r-1', 'r-1b']]]);
  t.deepEqual(await relearn(store, [rule('r')], '2026-01-02T00:05:00.000Z'), []);
});

test('a notify is never credited: its outcomes move no weight, notify rules are not learned', (t) => {
  const notify = (i: number): Outcome => ({ ...out('tell', 'succeeded', i), actionType: 'notify' });
  const r = learn({ outcomes: [notify(1), notify(2), notify(3)], current: { tell: 1.25 }, planRules: [rule('tell')], at: 'now' });
  t.deepEqual(r.changes, []);
  t.deepEqual(r.weights, { tell: 1.25 });
  const rules = planRulesOf({ rules: [{ id: 'n', stage: 'plan', priority: 10, action: { type: 'notify', successProbability: 0.5, benefit: 1, cost: 0 } }, { id: 'x', stage: 'plan', priority: 20, action: { type: 'reload_policies', successProbability: 0.7, benefit: 6, cost: 1 } }, { id: 'a', stage: 'analyze' }] as never });
  t.deepEqual(rules, [{ id: 'n', priority: 10, successProbability: 0.5, benefit: 1, cost: 0, notify: true }, { id: 'x', priority: 20, successProbability: 0.7, benefit: 6, cost: 1 }]);
  t.deepEqual(planRuleIds({ rules: rules.map((x) => ({ ...x, stage: 'plan' })) } as never), ['n', 'x']);
  // a notify rule's id among the plan rules: nothing learned even from a non-notify outcome record
  t.deepEqual(learn({ outcomes: [out('n', 'succeeded', 1)], current: {}, planRules: rules, at: 'now' }).changes, []);
});

test('two change actions overlapping on one incident share a success (1/2 each), and the reason says so; a failure is not shared', (t) => {
  const a: Outcome = out('a', 'succeeded', 5, KIND, { incidentId: 'inc-1', appliedAt: at(1) });
  const b: Outcome = out('b', 'succeeded', 6, KIND, { incidentId: 'inc-1', appliedAt: at(2) });
  const c: Outcome = out('c', 'failed', 6, KIND, { incidentId: 'inc-1', appliedAt: at(3) });
  const apart: Outcome = out('d', 'succeeded', 9, KIND, { incidentId: 'inc-1', appliedAt: at(8) });
  const cr = credit([a, b, c, apart]);
  t.deepEqual(cr.map((x) => [x.outcome.key, x.success, x.failure, x.sharedWith]), [
    ['a-5', 1 / 3, 0, ['b-6', 'c-6']],
    ['b-6', 1 / 3, 0, ['a-5', 'c-6']],
    ['c-6', 0, 1, []],
    ['d-9', 1, 0, []],
  ]);
  const r = learn({ outcomes: [a, b], current: {}, planRules: [rule('a'), rule('b')], at: 'now' });
  t.regex(r.changes[0]!.reason, /^1\/1 succeeded in ValidationLatencySLA \(1 shared with an overlapping action, 1\/k each\); prior 50%, posterior 60% ± 26% on evidence 0\.5; /);
});

test('every change carries its estimate and reason; the demo prints one short line per change', (t) => {
  const outcomes = [out('r', 'failed', 1), out('r', 'failed', 2), out('r', 'succeeded', 3)];
  const { changes } = learn({ outcomes, current: {}, planRules: [rule('r')], at: 'now' });
  const [c] = changes;
  t.like(c, { ruleId: `r|${KIND}`, rule: 'r', situation: KIND, from: 1, samples: 3 });
  t.true(c!.estimate!.evidence > 2 && c!.estimate!.evidence < 3);
  t.regex(c!.reason, /^1\/3 succeeded in ValidationLatencySLA; prior 50%, posterior \d+% ± \d+% on evidence [23]\.\d; thompson draw \d+%, expected utility \d\.\d\d, priority counts \^0\.\d\d on situation evidence [23]\.\d: weight 1\.00 → [\d.]+$/);
  const e = { kind: 'weights' as const, t: 12_300, changes: changes.map((x) => ({ rule: x.ruleId, from: x.from, to: x.to, reason: x.reason, situation: x.situation!, estimate: x.estimate! })) };
  t.regex(formatEvent(e), /^\[ 12\.3s\] ⚖️  weight {11}r in ValidationLatencySLA: 1\/3 ok, success \d+% ± \d+% \(declared 50%\); priority × [\d.]+ \(was × 1\.00\)$/);
  t.is(weightLine({ rule: 'x', from: 1, to: 2, reason: 'by hand' }), 'x priority × 2.00 (was × 1.00)');
  // a success that lowers the multiplier (the priority's share fading) says so, not "1.00→0.68" alone
  t.is(
    weightLine({ rule: 'rb|PolicyLoadFailure', situation: 'PolicyLoadFailure', from: 1, to: 0.68, reason: '1/1 succeeded in PolicyLoadFailure; …', estimate: { mean: 0.93, sd: 0.09, prior: 0.9 } }),
    'rb in PolicyLoadFailure: 1/1 ok, success 93% ± 9% (declared 90%); priority × 0.68 (was × 1.00): the priority counts less as evidence grows',
  );
});

test('trendOf: needs four points, guards the degenerate case, clamps to [0, 1]', (t) => {
  t.is(trendOf([1, 0, 1], 20), undefined);
  t.is(trendOf([0, 0, 1, 1, 1, 1], 20), 1);
  t.is(trendOf([1, 1, 1, 1], 20), 1);
  t.is(trendOf([1, 1, 0, 0, 0, 0], 20), 0);
});

test('change detection: a surprising run drops the older record (sticky), ordinary noise does not', (t) => {
  const o = { changeWindow: 3, changeAlpha: 0.02, priorStrength: 2 };
  const good = Array.from({ length: 20 }, (_, i) => (i % 7 === 3 ? 0 : 1)); // ~86 % successes, single failures
  t.is(changeSince(good, 0.5, o), 0, 'single failures in a good record are noise');
  t.is(changeSince([...good, 0, 0, 0], 0.5, o), 20, 'three failures in a row after a good record: the world changed');
  t.is(changeSince([...good, 0, 0, 0, 1, 0], 0.5, o), 20, 'sticky: a later success does not bring the old record back');
  t.is(changeSince([...good, 0, 0], 0.5, o), 0, 'two are not enough');
  t.is(changeSince([...good, 0, 0, 0], 0.5, { ...o, changeAlpha: 0 }), 0, 'off with changeAlpha 0');
  // a close call (0.6–0.7) keeps its record through three failures: (1 − 0.65)³ > 0.02
  const close = Array.from({ length: 20 }, (_, i) => (i % 3 === 0 ? 0 : 1));
  t.is(changeSince([...close, 0, 0, 0], 0.5, o), 0);
  // and it works both ways: a rule that always failed and now succeeds three times
  t.is(changeSince([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1], 0.5, o), 10);
});

test('change detection in the estimate: after a swap the old good record stops counting, and the reason says so', (t) => {
  const r = rule('r');
  const before = Array.from({ length: 15 }, (_, i) => out('r', 'succeeded', i));
  const swapped = [...before, out('r', 'failed', 20), out('r', 'failed', 21), out('r', 'failed', 22)];
  const s = statsOf(r, swapped);
  t.is(s.forgotten, 15);
  t.is(s.successes, 0);
  t.true(s.estimate.mean < 0.25, `${s.estimate.mean}`);
  const plain = situationStats(r, KIND, credit(swapped), { ...O, changeAlpha: 0 });
  t.true(plain.estimate.mean > 0.55, 'forgetting alone still trusts the old record');
  const { changes } = learn({ outcomes: swapped, current: {}, planRules: [r], at: 'now' });
  t.regex(changes[0]!.reason, /^0\/3 succeeded in ValidationLatencySLA; the world changed: 15 older outcomes dropped after a surprising run of 3; prior 50%/);
});

test('time: equally likely rules rank by how long an attempt takes; equal times or untimed outcomes change nothing; the reason says it', (t) => {
  // Attempts of `fast` take 10 s from write to verification, of `slow` 40 s; both clear 3 in 4.
  const timed = (ruleId: string, result: Outcome['result'], i: number, seconds: number): Outcome =>
    out(ruleId, result, i, KIND, { appliedAt: new Date(Date.parse(at(i)) - seconds * 1000).toISOString() });
  const seq = (sf: number, ss: number): Outcome[] => Array.from({ length: 16 }, (_, i) => timed(i % 2 === 0 ? 'fast' : 'slow', i % 8 < 6 ? 'succeeded' : 'failed', i, i % 2 === 0 ? sf : ss));
  const fast = statsOf(rule('fast'), seq(10, 40));
  const slow = statsOf(rule('slow'), seq(10, 40));
  t.true(Math.abs(fast.estimate.mean - slow.estimate.mean) < 0.01, 'as likely to clear it');
  t.truthy(fast.time && slow.time);
  t.true(fast.time!.seconds < fast.time!.situationSeconds && slow.time!.seconds > slow.time!.situationSeconds);
  t.true(fast.time!.seconds > 10 && slow.time!.seconds < 40, 'shrunk toward the situation');
  t.is(fast.time!.attempts, 8);
  const k = 8;
  const O1 = { ...O, timeWeight: 1 };
  t.is(O.timeWeight, 0, 'off by default: estimated and explained, not ranked by');
  t.is(weightFor(rule('slow'), 0.75, k, O, slow.time), weightFor(rule('slow'), 0.75, k, O));
  const wf = weightFor(rule('fast'), 0.75, k, O1, fast.time);
  const ws = weightFor(rule('slow'), 0.75, k, O1, slow.time);
  t.true(wf > 2 * ws, `${wf} > 2 × ${ws}`);
  // the product: expected utility per second (fast's EU may be lower and still win when its attempts are quick enough)
  t.true(weightFor(rule('fast'), 0.6, k, O1, fast.time) > weightFor(rule('slow'), 0.75, k, O1, slow.time));
  // equal times: the factor is 1, the weight is what it is without time
  const same = statsOf(rule('fast'), seq(20, 20));
  t.is(weightFor(rule('fast'), 0.75, k, O1, same.time), weightFor(rule('fast'), 0.75, k, O1));
  // outcomes without appliedAt (older records): no time, no factor
  t.is(statsOf(rule('fast'), [out('fast', 'succeeded', 1)]).time, undefined);
  // through learn(): the change records the estimate's seconds and the reason names them
  const { changes } = learn({ outcomes: seq(10, 40), current: {}, planRules: [rule('fast'), rule('slow')], at: at(99), options: { timeWeight: 1 } });
  const c = changes.find((x) => x.rule === 'slow')!;
  t.true(c.estimate!.seconds! > c.estimate!.situationSeconds!);
  t.true(c.estimate!.timeFactor! < 1, 'the slow rule\'s weight was scaled down, and the estimate says by how much');
  const off = learn({ outcomes: seq(10, 40), current: {}, planRules: [rule('fast'), rule('slow')], at: at(99) }).changes.find((x) => x.rule === 'slow')!;
  t.is(off.estimate!.timeFactor, undefined, 'time off: no factor recorded, the times still are');
  t.true(off.estimate!.seconds! > 0);
  t.regex(c.reason, /an attempt takes 3\ds \(8 timed; 2\ds in the situation\), time counts ×0\.\d\d/);
});

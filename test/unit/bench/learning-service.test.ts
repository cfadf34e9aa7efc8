import test from 'ava';
import { oracleRules, worldRules } from '../../../bench/lib/learning-rules.js';
import type { ServiceIncident, ServiceRun } from '../../../bench/lib/learning-service.js';
import { bestFirst, forRun, SERVICE_WORLDS, trueP } from '../../../bench/lib/learning-service-worlds.js';
import { afterOf, pool, summariseService } from '../../../bench/lib/learning-summary.js';
import { modelOptionsOf, parallelOf, planOf, worldsOf, worldTable } from '../../../bench/sections/learning.js';
import { compileRuleFiles } from '../../../src/rules/load.js';

const world = (name: string) => SERVICE_WORLDS.find((w) => w.name.startsWith(name))!;

test('learning bench: every world\'s rules and its oracle\'s compile with the real rule compiler', (t) => {
  for (const w0 of SERVICE_WORLDS) {
    const w = forRun(w0, 60);
    for (const text of [worldRules(w, '500ms'), oracleRules(w, 1, '500ms'), oracleRules(w, 60, '500ms')]) {
      const r = compileRuleFiles([{ file: 'world.yaml', text }]);
      t.true(r.ok, `${w.name}: ${r.ok ? '' : JSON.stringify(r.issues)}`);
    }
  }
});

test('learning bench: the oracle ranks the truly best action first, per kind and after the swap', (t) => {
  const swap = forRun(world('mid-run swap'), 60);
  t.is(swap.changeAt, 21);
  t.is(bestFirst(swap, 'validation_slowdown', 20)[0]?.id, 'first-good');
  t.is(bestFirst(swap, 'validation_slowdown', 21)[0]?.id, 'later-good');
  const text = oracleRules(swap, 21, '1s');
  t.true(text.indexOf('id: later-good-for-validation-slowdown\n    version: 1\n    description: reload_policies against validation_slowdown.\n    stage: plan\n    priority: 100') > 0);
  const two = world('one rule serving two kinds');
  t.is(bestFirst(two, 'bad_rollout', 1)[0]?.id, 'shared-rollback');
  t.is(bestFirst(two, 'policy_load_failure', 1)[0]?.id, 'load-only-audit');
  const shipped = world('shipped table');
  t.is(trueP(shipped, shipped.rules.find((r) => r.id === 'audit-mode-bad-rollout')!, 'bad_rollout', 1), 0.5);
  t.is(trueP(shipped, shipped.rules.find((r) => r.action === 'notify')!, 'bad_rollout', 1), 0);
});

const inc = (n: number, firstBest: boolean, o: Partial<ServiceIncident> = {}): ServiceIncident => ({ n, kind: 'validation_slowdown', firstBest, firstSuccess: firstBest, attempts: 1, remediated: true, escalated: false, ttrMs: firstBest ? 500 : 1500, ...o });
const run = (incidents: ServiceIncident[], o: Partial<ServiceRun> = {}): ServiceRun => ({ world: 'w', mode: 'learner on', seed: 1, incidents, storeEscalations: 0, notifyChanges: 0, weightChanges: 3, situations: {}, wallMs: 1, ...o });

test('learning bench: the summary judges after the first half (at most 50), counts escalations and what was not escalated', (t) => {
  t.is(afterOf(60), 30);
  t.is(afterOf(200), 50);
  t.is(afterOf(50), 25);
  const xs = [inc(1, false), inc(2, false, { remediated: false, escalated: true, ttrMs: undefined }), inc(3, true), inc(4, true)];
  const s = summariseService(world('reversed'), 'learner on', [run(xs)]);
  t.is(s.after, 2);
  t.is(s.firstAttempt, 100);
  t.is(s.ttrS, 0.5);
  t.is(s.escalations, 1);
  t.is(s.unremediated, 1);
  t.is(s.unremediatedNotEscalated, 0);
  t.regex(worldTable([s]), /\| reversed .* \| learner on \| 100 % \| 0\.50 \| — ?; 1 of 1 \| — \| 1 \(1, 0\) \| 3 \(0\) \|$/m);
});

test('learning bench: pool keeps job order and the limit; the plan is the documented default unless LEARNING_BENCH=full', async (t) => {
  let inFlight = 0;
  let most = 0;
  const jobs = [30, 10, 20].map((ms, i) => async () => {
    inFlight += 1;
    most = Math.max(most, inFlight);
    await new Promise((r) => setTimeout(r, ms));
    inFlight -= 1;
    return i;
  });
  t.deepEqual(await pool(jobs, 2), [0, 1, 2]);
  t.is(most, 2);
  t.deepEqual(planOf(undefined, false), { seeds: [1], sizes: [60], parallel: 18, model: false, service: true });
  t.deepEqual(planOf('full', false).sizes, [50, 200]);
  t.is(planOf('full', false).seeds.length, 10);
  t.throws(() => planOf('fast', false), { message: 'LEARNING_BENCH: expected "full", "model", SEEDSxINCIDENTS (e.g. "3x200") or nothing, got "fast"' });
  t.deepEqual(planOf('3x200', false), { seeds: [1, 2, 3], sizes: [200], parallel: 18, model: false, service: true });
  t.like(planOf('model', false), { sizes: [200], model: true, service: false }, 'the model alone, no service runs');
  t.is(planOf('model', false).seeds.length, 10);
  t.throws(() => planOf('0x200', false), { message: /got "0x200"/ });
  t.throws(() => planOf('3x5', false), { message: /got "3x5"/ }, 'fewer than 10 incidents is no learning run');
});

test('learning bench: LEARNING_MODEL_OPTIONS is a JSON object of numeric learner options, else a message naming it', (t) => {
  t.deepEqual(modelOptionsOf(undefined), {});
  t.deepEqual(modelOptionsOf('{"forgetting":0.95,"changeWindow":4}'), { forgetting: 0.95, changeWindow: 4 });
  t.throws(() => modelOptionsOf('{forgetting'), { message: /^LEARNING_MODEL_OPTIONS: not JSON/ });
  t.throws(() => modelOptionsOf('[1]'), { message: /^LEARNING_MODEL_OPTIONS: expected a JSON object/ });
  t.throws(() => modelOptionsOf('{"forget":0.9}'), { message: /^LEARNING_MODEL_OPTIONS: "forget" is not a numeric learner option \(forgetting, / });
  t.throws(() => modelOptionsOf('{"forgetting":"0.9"}'), { message: /"forgetting" is not a numeric learner option/ });
  t.throws(() => modelOptionsOf('{"forgetting":1.5}', 'LEARNING_LEARNER_OPTIONS'), { message: 'LEARNING_LEARNER_OPTIONS: learner option forgetting: expected more than 0 and at most 1, got 1.5' });
});

test('learning bench: LEARNING_WORLDS picks worlds by parts of their names; a part in no name is an error that lists them', (t) => {
  const all = [{ name: 'Mid-run swap' }, { name: 'one rule serving two kinds' }, { name: 'every action at 0.1' }];
  t.is(worldsOf(undefined, all), all);
  t.is(worldsOf(' , ', all), all);
  t.deepEqual(worldsOf('SWAP, two kinds', all).map((w) => w.name), ['Mid-run swap', 'one rule serving two kinds']);
  t.throws(() => worldsOf('swap,three', all), { message: 'LEARNING_WORLDS: "three" is in no world\'s name ("Mid-run swap", "one rule serving two kinds", "every action at 0.1")' });
});

test('learning bench: LEARNING_PARALLEL sets the runs at once (1-64), else the plan\'s', (t) => {
  t.is(parallelOf(undefined, 18), 18);
  t.is(parallelOf('', 18), 18);
  t.is(parallelOf('36', 18), 36);
  for (const bad of ['0', '65', '2.5', 'many']) t.throws(() => parallelOf(bad, 18), { message: `LEARNING_PARALLEL: expected a whole number of runs at once, 1–64, got "${bad}"` });
});

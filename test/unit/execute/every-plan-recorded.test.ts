/**
 * Every chosen action leaves a record that says what happened to it: an execution of its
 * own, or — when its intent key already exists — a note on the decision naming the execution
 * that holds the key. `mapek explain` shows both.
 */
import test from 'ava';
import { render } from '../../../src/cli/explain.js';
import { createExecutor } from '../../../src/execute/index.js';
import { MemoryKnowledgeStore } from '../../../src/knowledge/index.js';
import { alert, candidate, decision, FakeCharter, FakeMonitor, ids, manualTime, scriptedVerify, snapshot } from '../../support/execute-fakes.js';
import { unexplained } from '../../support/loop-fix.js';
import { harness } from './harness.js';

const overload = alert('CommitteeOverloaded', { committee_id: 'c1' });
const snap = snapshot([overload]);

test('a duplicate trigger is not applied again, and its decision names the execution that holds the key', async (t) => {
  const h = harness();
  const c = candidate();
  const first = decision('committee:c1', ['CommitteeOverloaded'], [c], [], 'cycle-1');
  const [applied] = await h.executor.execute([first], snap, 'cycle-1');
  t.is(applied?.status, 'applied');
  const second = decision('committee:c1', ['CommitteeOverloaded'], [c], [], 'cycle-2');
  t.deepEqual(await h.executor.execute([second], snap, 'cycle-2'), []);
  t.is(h.charter.writes.length, 1);
  const stored = await h.store.getDecision(second.id);
  t.deepEqual(stored?.duplicates, [
    { ruleId: 'scale-committee', target: 'c1', key: 'scale-committee|c1|committee:c1|2026-03-01T11:00:00.000Z', executionId: applied?.id ?? '', status: 'applied', cycleId: 'cycle-1' },
  ]);
  t.deepEqual(await unexplained(h.store, [first, second]), []);
  const text = render(stored, []);
  t.true(text.includes(`  not run again: scale_committee "c1" rule scale-committee — intent exists: execution ${applied?.id ?? ''} (applied, cycle cycle-1)`), text);
});

test('an intent waiting for approval: the next decision for it says it waits, nothing is written', async (t) => {
  const h = harness({ approvalRisk: 'medium' });
  const c = candidate({ risk: 'high' });
  const [waiting] = await h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [c])], snap, 'cycle-1');
  t.is(waiting?.status, 'awaiting_approval');
  const again = decision('committee:c1', ['CommitteeOverloaded'], [c], [], 'cycle-2');
  t.deepEqual(await h.executor.execute([again], snap, 'cycle-2'), []);
  t.is((await h.store.getDecision(again.id))?.duplicates?.[0]?.status, 'awaiting_approval');
  t.is(h.charter.writes.length, 0);
});

test('Charter down: each chosen action is recorded as blocked charter_unavailable (notify still goes), and no verification runs on the partial view', async (t) => {
  const h = harness();
  const [applied] = await h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [candidate()])], snap, 'cycle-1');
  t.is(applied?.status, 'applied');
  h.time.advance(60_000); // the verification is due
  const down = snapshot([overload, alert('PolicyDrift', { policy_id: 'p1' })], { sources: { charter: { ok: false, error: 'connect ECONNREFUSED' } } });
  const d = decision('policy:p1', ['PolicyDrift'], [candidate({ ruleId: 'rollback', type: 'rollback_policy', target: 'p1' })], [], 'cycle-2');
  const n = decision('committee:c9', [], [candidate({ ruleId: 'tell', type: 'notify', target: 'c9', params: { message: 'hi' } })], [], 'cycle-2');
  const out = await h.executor.execute([d, n], down, 'cycle-2');
  t.deepEqual(out.map((r) => [r.ruleId, r.status, r.guard, r.guardDetail]), [
    ['rollback', 'blocked', 'charter_unavailable', 'Charter unavailable: connect ECONNREFUSED'],
    ['tell', 'applied', undefined, undefined],
  ]);
  t.is((await h.store.getExecution(applied?.key ?? ''))?.verify, undefined, 'the due verification waits for a full view');
  t.deepEqual(await unexplained(h.store, [d, n]), []);
});

test('every line the executor logs during a cycle carries its cycle id; a next-best attempt is recorded under the cycle that ran it', async (t) => {
  const lines: Record<string, unknown>[] = [];
  const log = { info: (msg: string, f?: object) => lines.push({ msg, ...f }), warn: (msg: string, f?: object) => lines.push({ msg, ...f }), error: (msg: string, f?: object) => lines.push({ msg, ...f }) };
  const charter = new FakeCharter();
  const time = manualTime();
  const verify = scriptedVerify({ '*': ['failed'] });
  const ex = createExecutor({ charter, store: new MemoryKnowledgeStore(), monitor: new FakeMonitor(snap), verify: verify.fn, clock: time.now, sleep: time.sleep, ids: ids(), options: { hysteresis: { minCycles: 1 }, cooldownMs: 0 }, log });
  const first = candidate();
  const other = candidate({ ruleId: 'other', priority: 10 });
  await ex.execute([decision('committee:c1', ['CommitteeOverloaded'], [first], [other], 'cycle-1')], snap, 'cycle-1');
  time.advance(60_000);
  const out = await ex.execute([], snap, 'cycle-2');
  t.deepEqual(out.map((r) => [r.ruleId, r.status, r.cycleId]), [['scale-committee', 'rolled_back', 'cycle-1'], ['other', 'applied', 'cycle-2']]);
  t.true(lines.length > 0);
  t.deepEqual(lines.filter((l) => l['cycleId'] === undefined), []);
  t.like(lines.find((l) => l['msg'] === 'trying the next-best candidate'), { cycleId: 'cycle-2' });
});

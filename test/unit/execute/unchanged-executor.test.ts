/**
 * The executor does not store a decision again while it repeats, unchanged and with nothing
 * to run, the last one recorded for its incident (src/execute/decision-stage.ts): every
 * action still has a record, and the next decision stored says what was not.
 */
import test from 'ava';
import { render } from '../../../src/cli/explain.js';
import { MemoryKnowledgeStore } from '../../../src/knowledge/index.js';
import type { Candidate, Decision } from '../../../src/types/decision.js';
import type { ExtendedKnowledgeStore } from '../../../src/types/knowledge.js';
import { alert, candidate, snapshot } from '../../support/execute-fakes.js';
import { unexplained } from '../../support/loop-fix.js';
import { harness } from './harness.js';

const overload = alert('CommitteeOverloaded', { committee_id: 'c1' });
// Verification an hour away: no verdict changes the duplicate note's status during the test.
const scale = candidate({ afterMs: 3_600_000 });

/** The planner's decision for committee:c1 in cycle `n`, made at the clock's time (as the planner stamps the snapshot's). */
function planned(n: number, nowMs: number, chosen: readonly Candidate[] = [scale], over: Partial<Decision> = {}): Decision {
  return {
    id: `cycle-${n}:committee:c1`, cycleId: `cycle-${n}`, at: new Date(nowMs).toISOString(), incidentId: 'committee:c1', subject: { kind: 'committee', id: 'c1' },
    alerts: ['CommitteeOverloaded'], ruleSetHash: 'hash', derived: { cause: 'test' }, rules: [], candidates: [...chosen], chosen, ...over,
  };
}

async function storedIds(store: ExtendedKnowledgeStore): Promise<string[]> {
  return [...(await store.recentDecisions(100))].map((d) => d.id).reverse();
}

test('three identical cycles store one decision; the fourth, after the refresh period, stores one carrying the count', async (t) => {
  const h = harness({ unchangedRefreshMs: 300_000 });
  const all: Decision[] = [];
  const sameAs = new Map<string, string>();
  const run = async (n: number, d = planned(n, h.time.now())) => {
    all.push(d);
    const out = await h.executor.execute([d], snapshot([overload], { at: d.at }), d.cycleId);
    for (const [k, v] of h.executor.unrecorded()) sameAs.set(k, v);
    return out;
  };
  const [applied] = await run(1);
  t.is(applied?.status, 'applied');
  // Cycles 2, 3, 4 (30 s apart): the same plan, its action a duplicate of the intent applied in cycle 1.
  for (const n of [2, 3, 4]) {
    h.time.advance(30_000);
    t.deepEqual(await run(n), []);
  }
  t.deepEqual(await storedIds(h.store), ['cycle-1:committee:c1', 'cycle-2:committee:c1'], 'cycle 2 differs from cycle 1 (its duplicate note); 3 and 4 repeat 2');
  t.deepEqual([...h.executor.unrecorded()], [['cycle-4:committee:c1', 'cycle-2:committee:c1']]);
  t.deepEqual([...sameAs.keys()], ['cycle-3:committee:c1', 'cycle-4:committee:c1']);
  const second = await h.store.getDecision('cycle-2:committee:c1');
  t.is(second?.unrecordedBefore, undefined);
  t.deepEqual(second?.duplicates?.map((x) => [x.executionId, x.status, x.cycleId]), [[applied?.id, 'applied', 'cycle-1']]);

  // Cycle 5, 300 s after cycle 2: stored again, complete, saying two cycles repeated cycle 2 unrecorded.
  h.time.advance(240_000);
  t.deepEqual(await run(5), []);
  t.deepEqual(h.executor.unrecorded(), new Map());
  t.deepEqual(await storedIds(h.store), ['cycle-1:committee:c1', 'cycle-2:committee:c1', 'cycle-5:committee:c1']);
  const fifth = await h.store.getDecision('cycle-5:committee:c1');
  t.deepEqual(fifth?.unrecordedBefore, { decisionId: 'cycle-2:committee:c1', at: '2026-03-01T12:00:30.000Z', cycles: 2, lastAt: '2026-03-01T12:01:30.000Z', same: true });
  t.deepEqual(fifth?.duplicates, second?.duplicates);
  t.is(fifth?.cycleId, 'cycle-5');
  t.true(render(fifth, []).includes('same plan as decision cycle-2:committee:c1 (at 2026-03-01T12:00:30.000Z) for 2 more cycles, until 2026-03-01T12:01:30.000Z: not recorded again (unchanged, nothing to run)'), render(fifth, []));
  // Every chosen action of every planned decision is accounted for, the unrecorded ones by the decision they repeat.
  t.deepEqual(await unexplained(h.store, all, sameAs), []);
  t.is(h.charter.writes.length, 1);
});

test('a changed plan is stored at once and says how long the previous one held; an incident that ended and returns is stored', async (t) => {
  const h = harness();
  await h.executor.execute([planned(1, h.time.now())], snapshot([overload]), 'cycle-1');
  for (const n of [2, 3, 4]) {
    h.time.advance(30_000);
    await h.executor.execute([planned(n, h.time.now())], snapshot([overload]), `cycle-${n}`);
  }
  h.time.advance(30_000);
  const other = planned(5, h.time.now(), [scale], { derived: { cause: 'changed' } });
  await h.executor.execute([other], snapshot([overload]), 'cycle-5');
  t.deepEqual((await h.store.getDecision('cycle-5:committee:c1'))?.unrecordedBefore, { decisionId: 'cycle-2:committee:c1', at: '2026-03-01T12:00:30.000Z', cycles: 2, lastAt: '2026-03-01T12:01:30.000Z', same: false });
  t.true(render(await h.store.getDecision('cycle-5:committee:c1'), []).includes('the previous decision cycle-2:committee:c1 (at 2026-03-01T12:00:30.000Z) held unchanged for 2 more cycles, until 2026-03-01T12:01:30.000Z: not recorded again; the plan changed with this one'));
  // Cycle 6 without the incident; cycle 7 with it again, identical to cycle 5: stored (the memory forgot it).
  h.time.advance(30_000);
  await h.executor.execute([], snapshot([]), 'cycle-6');
  h.time.advance(30_000);
  await h.executor.execute([planned(7, h.time.now(), [scale], { derived: { cause: 'changed' } })], snapshot([overload]), 'cycle-7');
  t.deepEqual(await storedIds(h.store), ['cycle-1:committee:c1', 'cycle-2:committee:c1', 'cycle-5:committee:c1', 'cycle-7:committee:c1']);
  t.is((await h.store.getDecision('cycle-7:committee:c1'))?.unrecordedBefore, undefined);
});

test('a dry run records a refusal once: identical cycles refused the same way store nothing, are counted, and the refresh stores one saying so', async (t) => {
  const h = harness({ dryRun: true, unchangedRefreshMs: 300_000 });
  const all: Decision[] = [];
  const sameAs = new Map<string, string>();
  const refusedAgain: string[] = [];
  const run = async (n: number) => {
    const d = planned(n, h.time.now());
    all.push(d);
    const out = await h.executor.execute([d], snapshot([overload]), d.cycleId);
    for (const [k, v] of h.executor.unrecorded()) sameAs.set(k, v);
    refusedAgain.push(...h.executor.refusedAgain().map((r) => `${r.decisionId}→${r.sameAs} ${r.ruleId} ${r.action} ${r.guard}`));
    h.time.advance(30_000);
    return out.map((r) => [r.decisionId, r.status, r.guard]);
  };
  t.deepEqual(await run(1), [['cycle-1:committee:c1', 'blocked', 'dry_run']]);
  // Cycles 2 and 3: the same plan, refused again by dry_run with the same words: nothing written.
  t.deepEqual(await run(2), []);
  t.deepEqual(await run(3), []);
  t.deepEqual(await storedIds(h.store), ['cycle-1:committee:c1']);
  t.is((await h.store.findExecutions({})).length, 1, 'one refusal on record');
  t.deepEqual(refusedAgain, ['cycle-2:committee:c1→cycle-1:committee:c1 scale-committee scale_committee dry_run', 'cycle-3:committee:c1→cycle-1:committee:c1 scale-committee scale_committee dry_run']);
  t.deepEqual(await unexplained(h.store, all, sameAs), [], 'each unstored decision is accounted for by the recorded one and its refusal');
  // After the refresh period: stored again, with its own refusal, saying two cycles were refused again unrecorded.
  h.time.advance(300_000);
  t.deepEqual(await run(4), [['cycle-4:committee:c1', 'blocked', 'dry_run']]);
  const fourth = await h.store.getDecision('cycle-4:committee:c1');
  t.deepEqual(fourth?.unrecordedBefore, { decisionId: 'cycle-1:committee:c1', at: '2026-03-01T12:00:00.000Z', cycles: 2, lastAt: '2026-03-01T12:01:00.000Z', same: true, refused: ['dry_run'] });
  const text = render(fourth, []);
  t.true(text.includes('for 2 more cycles, until 2026-03-01T12:01:00.000Z: not recorded again (unchanged, nothing new to record, its actions refused again by dry_run as recorded under it)'), text);
});

test('a refusal whose words change (a hysteresis count) is recorded every cycle, and the cycle the guards pass runs the action', async (t) => {
  const h = harness({ hysteresis: { minCycles: 3 } });
  const seen: unknown[] = [];
  for (const n of [1, 2, 3]) {
    const out = await h.executor.execute([planned(n, h.time.now())], snapshot([overload]), `cycle-${n}`);
    seen.push(...out.map((r) => [r.decisionId, r.status, r.guardDetail]));
    h.time.advance(30_000);
  }
  t.deepEqual(seen, [
    ['cycle-1:committee:c1', 'blocked', 'seen in 1 consecutive cycle(s), needs 3'],
    ['cycle-2:committee:c1', 'blocked', 'seen in 2 consecutive cycle(s), needs 3'],
    ['cycle-3:committee:c1', 'applied', undefined],
  ]);
  t.deepEqual(await storedIds(h.store), ['cycle-1:committee:c1', 'cycle-2:committee:c1', 'cycle-3:committee:c1']);
  t.deepEqual(h.executor.refusedAgain(), []);
});

test('a refusal lifted (a maintenance window ends) runs the action in that cycle, under a stored decision that says what was not recorded', async (t) => {
  const h = harness({ maintenance: [{ start: '2026-03-01T11:00:00.000Z', end: '2026-03-01T12:01:15.000Z' }] });
  const statuses: string[] = [];
  for (const n of [1, 2, 3, 4]) {
    const out = await h.executor.execute([planned(n, h.time.now())], snapshot([overload]), `cycle-${n}`);
    statuses.push(out.map((r) => `${r.status}${r.guard ? ` ${r.guard}` : ''}`).join(',') || '-');
    h.time.advance(30_000);
  }
  t.deepEqual(statuses, ['blocked maintenance_window', '-', '-', 'applied']);
  t.deepEqual(await storedIds(h.store), ['cycle-1:committee:c1', 'cycle-4:committee:c1']);
  t.deepEqual((await h.store.getDecision('cycle-4:committee:c1'))?.unrecordedBefore, {
    decisionId: 'cycle-1:committee:c1', at: '2026-03-01T12:00:00.000Z', cycles: 2, lastAt: '2026-03-01T12:01:00.000Z', same: true, refused: ['maintenance_window'],
  });
  t.is(h.charter.writes.length, 1);
});

test('a guard that cannot be asked before storing (the store failing) stores the decision and the cycle goes on', async (t) => {
  const store = new MemoryKnowledgeStore();
  const h = harness({ dryRun: true }, { store });
  await h.executor.execute([planned(1, h.time.now())], snapshot([overload]), 'cycle-1');
  h.time.advance(30_000);
  const find = store.findExecutions.bind(store);
  store.findExecutions = async () => {
    throw new Error('disk gone');
  };
  // Cycle 2 repeats cycle 1: its guards are asked before it is stored, and they fail.
  await t.notThrowsAsync(h.executor.execute([planned(2, h.time.now())], snapshot([overload]), 'cycle-2'));
  store.findExecutions = find;
  t.deepEqual(await storedIds(h.store), ['cycle-1:committee:c1', 'cycle-2:committee:c1']);
  t.true(h.logs.includes('warn guards not asked before storing the decision; it is stored and run'), h.logs.join('\n'));
  t.true(h.logs.includes('error action failed to run'), 'the run met the same failure and logged it per action');
});

test('a decision without a chosen action is skipped while unchanged; refresh period 0 stores every decision', async (t) => {
  const lost = { ...candidate({ ruleId: 'lost' }), rejected: 'vetoed' };
  for (const [refresh, expected] of [[300_000, ['cycle-1:committee:c1']], [0, ['cycle-1:committee:c1', 'cycle-2:committee:c1', 'cycle-3:committee:c1']]] as const) {
    const h = harness({ unchangedRefreshMs: refresh });
    for (const n of [1, 2, 3]) {
      await h.executor.execute([planned(n, h.time.now(), [], { candidates: [lost] })], snapshot([overload]), `cycle-${n}`);
      h.time.advance(30_000);
    }
    t.deepEqual(await storedIds(h.store), [...expected], `refresh ${refresh}`);
  }
});

test('a shadow action not yet on record (a new episode) gets its decision stored; one already recorded does not', async (t) => {
  const h = harness();
  const shadow = candidate({ ruleId: 'shadow-scale' });
  const d = (n: number): Decision => planned(n, h.time.now(), [], { shadow: { candidates: [shadow], chosen: [shadow] } });
  const first = await h.executor.execute([d(1)], snapshot([overload]), 'cycle-1');
  t.deepEqual(first.map((r) => r.status), ['shadow']);
  h.time.advance(30_000);
  t.deepEqual(await h.executor.execute([d(2)], snapshot([overload]), 'cycle-2'), []);
  t.deepEqual([...h.executor.unrecorded()], [['cycle-2:committee:c1', 'cycle-1:committee:c1']]);
  // The alert fired anew (a later startsAt): a new episode, so a new shadow record, under a stored decision.
  h.time.advance(30_000);
  const refired = alert('CommitteeOverloaded', { committee_id: 'c1' }, { startsAt: new Date(h.time.now() - 10_000).toISOString() });
  const third = await h.executor.execute([d(3)], snapshot([refired]), 'cycle-3');
  t.deepEqual(third.map((r) => [r.status, r.decisionId]), [['shadow', 'cycle-3:committee:c1']]);
  t.deepEqual(await storedIds(h.store), ['cycle-1:committee:c1', 'cycle-3:committee:c1']);
  t.deepEqual((await h.store.getDecision('cycle-3:committee:c1'))?.unrecordedBefore?.cycles, 1);
});

test('a decision the store refused is not remembered: the next identical one is stored', async (t) => {
  const store = new MemoryKnowledgeStore();
  const h = harness({}, { store });
  await h.executor.execute([planned(1, h.time.now())], snapshot([overload]), 'cycle-1');
  h.time.advance(30_000);
  await h.executor.execute([planned(2, h.time.now())], snapshot([overload]), 'cycle-2');
  const save = store.saveDecisions.bind(store);
  store.saveDecisions = async () => {
    throw new Error('disk full');
  };
  h.time.advance(30_000);
  // Cycle 3 repeats cycle 2: not stored, so the failing store is not even asked.
  await h.executor.execute([planned(3, h.time.now())], snapshot([overload]), 'cycle-3');
  // Cycle 4 changes: the store refuses it.
  h.time.advance(30_000);
  await h.executor.execute([planned(4, h.time.now(), [scale], { derived: { cause: 'changed' } })], snapshot([overload]), 'cycle-4');
  t.true(h.logs.includes('error decisions not recorded; their actions are skipped'));
  store.saveDecisions = save;
  // Cycle 5 is identical to cycle 2 (the last one stored), but the memory forgot it at the failure.
  h.time.advance(30_000);
  await h.executor.execute([planned(5, h.time.now())], snapshot([overload]), 'cycle-5');
  t.deepEqual(await storedIds(h.store), ['cycle-1:committee:c1', 'cycle-2:committee:c1', 'cycle-5:committee:c1']);
  t.is((await h.store.getDecision('cycle-5:committee:c1'))?.unrecordedBefore, undefined);
});

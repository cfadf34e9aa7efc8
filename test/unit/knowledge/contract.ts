/**
 * The KnowledgeStore contract, as one suite every implementation runs with the same
 * expectations: store-contract-memory.test.ts and store-contract-journal.test.ts call
 * `storeContract`. A new implementation (PostgreSQL, …) adds one file:
 *
 *   storeContract('postgres', { open: async (retention) => …, reopen: …, seed: … });
 *
 * `reopen` (durable stores) opens a second store over the same data WITHOUT closing the
 * first, as a crash would leave it; `seed` opens a store over raw documents as they would
 * lie in its backend (the document shape of src/knowledge/documents.ts), to check that a bad
 * one is quarantined and never handed out.
 */
import test from 'ava';
import type { RetentionOptions } from '../../../src/knowledge/retention.js';
import type { StoredDoc } from '../../../src/knowledge/collection.js';
import { decisionDoc, type CollectionName } from '../../../src/knowledge/documents.js';
import type { Decision } from '../../../src/types/decision.js';
import type { ExtendedKnowledgeStore } from '../../../src/types/knowledge.js';
import type { ExecutionRecord, WeightChange } from '../../../src/types/execution.js';
import { candidate, decision } from '../../support/execute-fakes.js';

export type ContractStore = ExtendedKnowledgeStore & { maintain(): ReturnType<NonNullable<ExtendedKnowledgeStore['maintain']>>; retentionDue(): boolean };

export interface StoreUnderTest<S extends ContractStore = ContractStore> {
  /** A fresh, empty store. */
  open(retention?: Partial<RetentionOptions>): Promise<S>;
  /** A second store over the data of `s`, `s` left open (a crash). Omitted: not durable. */
  reopen?(s: S): Promise<ContractStore>;
  /** A store over these raw documents. */
  seed(docs: Readonly<Partial<Record<CollectionName, readonly Record<string, unknown>[]>>>): Promise<ContractStore>;
}

export function rec(key: string, over: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    key, id: `id-${key}`, decisionId: 'd1', cycleId: 'c1', ruleId: 'r1', incidentId: 'committee:c1', incidentKind: 'CommitteeOverloaded',
    action: candidate().action, status: 'pending', createdAt: `2026-01-01T00:00:0${key.length % 10}.000Z`, updatedAt: '2026-01-01T00:00:00.000Z', ...over,
  };
}

const weight = (ruleId: string, to: number, at: string): WeightChange => ({ ruleId, from: 1, to, samples: 1, successRate: 1, reason: 'because', at });

export function storeContract<S extends ContractStore>(name: string, impl: StoreUnderTest<S>): void {
  const t0 = (title: string): string => `${name}: ${title}`;

  test(t0('decisions round-trip, keys with dots and $ survive, newest first; saveDecisions replaces an existing id'), async (t) => {
    const s = await impl.open();
    const d = { ...decision('committee:c1', ['CommitteeOverloaded'], [candidate({ params: { 'a.b': 1, $x: 2 } })]), id: 'd1', at: '2026-01-01T00:00:01.000Z' };
    await s.saveDecision(d);
    t.deepEqual(await s.getDecision('d1'), d);
    t.is(await s.getDecision('nope'), undefined);
    await s.saveDecisions?.([{ ...d, derived: { again: true } }, { ...d, id: 'd2', at: '2026-01-01T00:00:02.000Z' }]);
    t.deepEqual((await s.recentDecisions(5)).map((x) => x.id), ['d2', 'd1']);
    t.deepEqual((await s.recentDecisions(1)).map((x) => x.id), ['d2']);
    t.deepEqual((await s.getDecision('d1'))?.derived, { again: true });
    await s.close();
  });

  test(t0('a decision carrying unrecordedBefore is stored and read back whole (after a reopen too); a malformed one is quarantined'), async (t) => {
    const before = { decisionId: 'd0', at: '2026-01-01T00:00:00.000Z', cycles: 9, lastAt: '2026-01-01T00:04:30.000Z', same: true };
    const d: Decision = { ...decision('committee:c1', ['CommitteeOverloaded'], [candidate()]), id: 'd1', at: '2026-01-01T00:05:00.000Z', unrecordedBefore: before };
    const s = await impl.open();
    if (s.saveDecisions) await s.saveDecisions([d]);
    else await s.saveDecision(d);
    t.deepEqual(await s.getDecision('d1'), d);
    if (impl.reopen) {
      const again = await impl.reopen(s);
      t.deepEqual(await again.getDecision('d1'), d);
      t.deepEqual(again.quarantined?.() ?? [], []);
      await again.close();
    }
    await s.close();
    const seeded = await impl.seed({ decisions: [decisionDoc(d), decisionDoc({ ...d, id: 'd2', unrecordedBefore: { ...before, cycles: 0 } })] });
    t.deepEqual((await seeded.recentDecisions(5)).map((x) => x.id), ['d1']);
    t.deepEqual((seeded.quarantined?.() ?? []).map((q) => [q.collection, q.id, q.reason]), [['decisions', 'd2', 'unrecordedBefore.cycles: must be >= 1']]);
    await seeded.close();
  });

  test(t0('the intent key is unique: a second intent under it writes nothing, and of concurrent ones exactly one wins'), async (t) => {
    const s = await impl.open();
    t.true(await s.recordIntent(rec('k1')));
    t.false(await s.recordIntent(rec('k1', { id: 'other' })));
    t.is((await s.getExecution('k1'))?.id, 'id-k1');
    const racers = await Promise.all(['a', 'b', 'c', 'd'].map((i) => s.recordIntent(rec('k2', { id: `racer-${i}` }))));
    t.deepEqual(racers.filter(Boolean).length, 1);
    t.is((await s.findExecutions({})).length, 2);
    await s.close();
  });

  test(t0('transition is compare-and-set: applies only from the listed statuses, and of concurrent ones exactly one wins'), async (t) => {
    const s = await impl.open();
    await s.recordIntent(rec('k1'));
    await s.updateExecution('k1', { status: 'applied', appliedAt: '2026-01-01T00:01:00.000Z' });
    t.like(await s.getExecution('k1'), { status: 'applied', id: 'id-k1', appliedAt: '2026-01-01T00:01:00.000Z' });
    await t.throwsAsync(s.updateExecution('nope', { status: 'failed' }), { message: 'no execution with key "nope"' });
    t.false(await s.transition('k1', ['pending'], { status: 'failed' }));
    t.false(await s.transition('missing', ['applied'], { status: 'succeeded' }));
    const verdicts = ['succeeded', 'failed', 'inconclusive', 'succeeded'] as const;
    const won = await Promise.all(verdicts.map((v) => s.transition('k1', ['applied'], { status: v, verify: v })));
    t.is(won.filter(Boolean).length, 1);
    const winner = verdicts[won.indexOf(true)];
    t.like(await s.getExecution('k1'), { status: winner, verify: winner, key: 'k1' });
    // queries by status follow the transition (an index must not keep the old value)
    t.deepEqual((await s.findExecutions({ status: ['applied'] })).map((r) => r.key), []);
    t.deepEqual((await s.findExecutions({ status: [winner ?? '?'] })).map((r) => r.key), ['k1']);
    await s.close();
  });

  test(t0('findExecutions: every filter, newest first, limit'), async (t) => {
    const s = await impl.open();
    await s.recordIntent(rec('k1', { status: 'succeeded' }));
    await s.recordIntent(rec('k22', { ruleId: 'r2', action: candidate({ target: 'c2' }).action }));
    t.deepEqual((await s.findExecutions({ target: 'c2' })).map((r) => r.key), ['k22']);
    t.deepEqual((await s.findExecutions({ status: ['succeeded'], ruleId: 'r1' })).map((r) => r.key), ['k1']);
    t.deepEqual((await s.findExecutions({ id: 'id-k22', decisionId: 'd1', incidentId: 'committee:c1' })).map((r) => r.key), ['k22']);
    t.deepEqual((await s.findExecutions({ since: '2026-01-01T00:00:03.000Z', limit: 1 })).map((r) => r.key), ['k22']);
    t.deepEqual((await s.findExecutions({})).map((r) => r.key), ['k22', 'k1']);
    // every optional field the schema knows reads back as written
    const full = rec('k333', { status: 'released', attempts: 0, guard: 'cooldown', guardDetail: 'g', prior: { spec: { a: [1] } }, verify: 'inconclusive', error: 'e', appliedAt: 'a', verifiedAt: 'v' });
    t.true(await s.recordIntent(full));
    t.deepEqual(await s.getExecution('k333'), full);
    await s.close();
  });

  test(t0('outcomes, weights and their history; approvals resolve once; controller state round-trips'), async (t) => {
    const s = await impl.open();
    await s.recordOutcome({ key: 'k1', ruleId: 'r1', incidentKind: 'x', actionType: 'scale_committee', result: 'succeeded', at: '2026-01-01T00:02:00.000Z' });
    t.deepEqual((await s.outcomes({ ruleId: 'r1', since: '2026-01-01T00:00:00.000Z', limit: 5 })).map((o) => o.key), ['k1']);
    await s.saveWeightChange(weight('r1', 1.25, '2026-01-01T00:03:00.000Z'));
    await s.saveWeightChange(weight('r1', 1.5, '2026-01-01T00:04:00.000Z'));
    await s.saveWeightChange(weight('r2', 0.5, '2026-01-01T00:04:00.000Z'));
    t.deepEqual(await s.currentWeights(), { r1: 1.5, r2: 0.5 });
    t.deepEqual((await s.weightHistory(2)).map((w) => w.to), [0.5, 1.5]);
    t.is((await s.latestWeightChanges())['r1']?.to, 1.5);
    await s.requestApproval({ id: 'a1', key: 'k9', decisionId: 'd1', ruleId: 'r1', incidentId: 'i', action: candidate().action, state: 'waiting', requestedAt: '2026-01-01T00:00:00.000Z' });
    t.deepEqual((await s.listApprovals(['waiting'])).map((a) => a.id), ['a1']);
    t.like(await s.resolveApproval('a1', 'approved', 'alice', 'ok', '2026-01-01T00:05:00.000Z'), { state: 'approved', resolvedBy: 'alice', reason: 'ok' });
    t.is(await s.resolveApproval('a1', 'rejected', 'bob'), undefined);
    t.deepEqual((await s.listApprovals(['approved'])).map((a) => a.id), ['a1']);
    t.like(await s.getApproval('a1'), { state: 'approved' });
    t.is(await s.loadControllerState('breaker'), undefined);
    await s.saveControllerState('breaker', { mode: 'open', failures: [1, 2] });
    t.deepEqual(await s.loadControllerState('breaker'), { mode: 'open', failures: [1, 2] });
    await s.close();
  });

  test(t0('retention keeps the store bounded, never drops in-flight records or a rule’s newest weight; due after N writes, run by maintain()'), async (t) => {
    const s = await impl.open({ maxExecutions: 2, maxDecisions: 1, maxOutcomes: 1, maxWeightChanges: 1, maxApprovals: 0, retainEvery: 9 });
    await s.recordIntent(rec('p', { status: 'pending', createdAt: '2026-01-01T00:00:00.000Z' }));
    for (const [i, k] of ['a', 'b', 'c'].entries()) await s.recordIntent(rec(k, { status: 'succeeded', createdAt: `2026-01-01T00:00:0${i + 1}.000Z` }));
    for (const id of ['d1', 'd2']) await s.saveDecision({ ...decision('i:x', [], []), id, at: `2026-01-01T00:00:0${id[1]}.000Z` });
    await s.saveWeightChange(weight('r1', 2, '2026-01-01T00:00:01.000Z'));
    await s.saveWeightChange(weight('r2', 3, '2026-01-01T00:00:02.000Z'));
    t.false(s.retentionDue(), '8 writes of 9');
    t.is(await s.maintain(), undefined, 'not due: nothing runs');
    t.is((await s.findExecutions({})).length, 4, 'no write ran retention');
    await s.recordOutcome({ key: 'a', ruleId: 'r1', incidentKind: 'x', actionType: 'scale_committee', result: 'succeeded', at: '2026-01-01T00:02:00.000Z' });
    t.true(s.retentionDue());
    t.deepEqual((await s.maintain())?.removed, { decisions: 1, executions: 2, outcomes: 0, weights: 0, approvals: 0 });
    t.false(s.retentionDue());
    t.deepEqual((await s.findExecutions({})).map((e) => e.key).sort(), ['c', 'p']);
    t.deepEqual(await s.currentWeights(), { r1: 2, r2: 3 });
    await s.close();
  });

  test(t0('a store whose owner never calls maintain() stays bounded by the backstop'), async (t) => {
    const s = await impl.open({ maxExecutions: 3, retainEvery: 2, backstopEvery: 6 });
    for (let i = 0; i < 6; i += 1) await s.recordIntent(rec(`k${i}`, { status: 'succeeded', createdAt: `2026-01-01T00:00:0${i}.000Z` }));
    t.is((await s.findExecutions({})).length, 3, 'the 6th write ran the backstop pass');
    await s.close();
  });

  test(t0('close() refuses later writes with a clear error; reads still answer'), async (t) => {
    const s = await impl.open();
    await s.recordIntent(rec('k1'));
    await s.close();
    await t.throwsAsync(s.recordIntent(rec('k2')), { message: 'knowledge store is closed (shutting down): executions "k2" not written', name: 'StoreClosedError' });
    t.is((await s.getExecution('k1'))?.key, 'k1');
    await s.close(); // idempotent
  });

  const durable = impl.reopen;
  (durable ? test : test.skip)(t0('durable when the promise resolves: a second store over the same data, the first never closed, has every write'), async (t) => {
    const s = await impl.open();
    await s.saveDecision({ ...decision('i:x', [], []), id: 'd1' });
    await s.recordIntent(rec('k1'));
    t.true(await s.transition('k1', ['pending'], { status: 'applied', appliedAt: '2026-01-01T00:01:00.000Z' }));
    await s.recordOutcome({ key: 'k1', ruleId: 'r1', incidentKind: 'x', actionType: 'scale_committee', result: 'succeeded', at: '2026-01-01T00:02:00.000Z' });
    await s.saveWeightChange(weight('r1', 1.5, '2026-01-01T00:03:00.000Z'));
    await s.requestApproval({ id: 'a1', key: 'k9', decisionId: 'd1', ruleId: 'r1', incidentId: 'i', action: candidate().action, state: 'waiting', requestedAt: '2026-01-01T00:00:00.000Z' });
    await s.saveControllerState('breaker', { mode: 'closed' });
    const again = await durable!(s);
    t.is((await again.getDecision('d1'))?.id, 'd1');
    t.like(await again.getExecution('k1'), { status: 'applied', appliedAt: '2026-01-01T00:01:00.000Z' });
    t.deepEqual((await again.outcomes()).map((o) => o.key), ['k1']);
    t.deepEqual(await again.currentWeights(), { r1: 1.5 });
    t.is((await again.getApproval('a1'))?.state, 'waiting');
    t.deepEqual(await again.loadControllerState('breaker'), { mode: 'closed' });
    t.false(await again.recordIntent(rec('k1')), 'the key is still taken');
    await again.close();
    await s.close();
  });

  test(t0('a document failing its schema is quarantined and never handed out; the rest still read'), async (t) => {
    const good = rec('k1');
    const s = await impl.seed({
      weights: [
        { _id: 'evil', ruleId: 5, weight: 'NaN' },
        { _id: '2026-01-01T00:00:00.000Z|000000001|r1', ruleId: 'r1', at: '2026-01-01T00:00:00.000Z', body: JSON.stringify(weight('r1', 1.5, '2026-01-01T00:00:00.000Z')) },
      ],
      executions: [
        { _id: 'k1', id: good.id, status: good.status, ruleId: good.ruleId, target: good.action.target, incidentId: good.incidentId, decisionId: good.decisionId, createdAt: good.createdAt, body: JSON.stringify(good) },
        { _id: 'k2', id: 'x', status: 'pending', ruleId: 'r1', target: 'c1', incidentId: 'i', decisionId: 'd', createdAt: '2026-01-01T00:00:00.000Z', body: JSON.stringify({ ...rec('k2'), status: 'exploded' }) },
        { _id: 'k3', id: 'id-k3', status: 'succeeded', ruleId: 'r1', target: 'c1', incidentId: 'committee:c1', decisionId: 'd1', createdAt: rec('k3').createdAt, body: JSON.stringify(rec('k3')) },
      ],
      decisions: [{ _id: 'd1', at: 'x', cycleId: 'c', incidentId: 'i', body: '{"id":' }],
    });
    t.deepEqual(await s.currentWeights(), { r1: 1.5 });
    t.deepEqual((await s.findExecutions({})).map((r) => r.key), ['k1']);
    t.is(await s.getExecution('k2'), undefined);
    t.deepEqual(await s.recentDecisions(5), []);
    t.deepEqual(
      (s.quarantined?.() ?? []).map((q) => [q.collection, q.id, q.reason]).sort(),
      [
        ['decisions', 'd1', 'body: not valid JSON'],
        ['executions', 'k2', 'status: must be equal to one of the allowed values (pending, released, applied, unchanged, succeeded, failed, inconclusive, rolling_back, rolled_back, conflict, target_not_found, error, blocked, awaiting_approval, rejected, abandoned, shadow, escalated)'],
        ['executions', 'k3', 'status: "succeeded" disagrees with the record ("pending")'],
        ['weights', 'evil', 'body: must be a string (missing)'],
      ],
    );
    t.deepEqual(s.health?.().quarantined, { decisions: 1, executions: 2, outcomes: 0, weights: 1, approvals: 0, controller: 0 });
    await s.close();
  });
}

/** The document a backend would hold for `raw` (seed helpers pass them through as they are). */
export function asStored(raw: Readonly<Record<string, unknown>>): StoredDoc {
  return raw as StoredDoc;
}

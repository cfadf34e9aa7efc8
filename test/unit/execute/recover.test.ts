import test from 'ava';
import { alert, candidate, decision, snapshot, FakeError } from '../../support/execute-fakes.js';
import { harness } from './harness.js';
import { MemoryKnowledgeStore } from '../../../src/knowledge/index.js';
import { MAX_ATTEMPTS } from '../../../src/execute/recover.js';
import type { ExecutionRecord } from '../../../src/types/execution.js';

const snap = snapshot([alert('CommitteeOverloaded', { committee_id: 'c1' })]);

function pending(key: string, over: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return { key, id: `id-${key}`, decisionId: 'd', cycleId: 'c', ruleId: 'scale-committee', incidentId: 'committee:c1', incidentKind: 'CommitteeOverloaded', action: candidate({ afterMs: 1_000 }).action, status: 'pending', createdAt: '2026-03-01T11:59:00.000Z', updatedAt: '2026-03-01T11:59:00.000Z', ...over };
}

const prior = { id: 'c1', capacity: 4, queueDepth: 10, version: 1 };
const key = (c = candidate({ afterMs: 1_000 })) => `${c.ruleId}|${c.action.target}|committee:c1|2026-03-01T11:00:00.000Z`;

test('recover: an intent interrupted before its write was sent is released; the next cycle runs it again under the same key, once', async (t) => {
  const store = new MemoryKnowledgeStore();
  const c = candidate({ afterMs: 1_000 });
  await store.recordIntent(pending(key(c)));
  const h = harness({}, { store });
  const [r] = await h.executor.recover();
  t.like(r, { status: 'released', error: 'interrupted before the write was sent; nothing changed; the next cycle may run it again' });
  t.is(h.charter.writes.length, 0);
  // the incident is still there: two overlapping triggers in one cycle, one write
  const d = () => decision('committee:c1', ['CommitteeOverloaded'], [c]);
  const out = await h.executor.execute([d(), d()], snap, 'after-restart');
  t.deepEqual(out.map((x) => [x.key, x.status, x.attempts, x.error]), [[key(c), 'applied', 2, undefined]]);
  t.deepEqual(h.charter.writes.map((w) => [w.op, w.body, w.opts?.idempotencyKey]), [['putCommittee', { capacity: 6 }, key(c)]]);
  const [v] = await h.executor.drain();
  t.like(v, { key: key(c), status: 'succeeded', verify: 'succeeded', attempts: 2 });
  t.is((await store.getExecution(key(c)))?.error, undefined);
});

test('recover: an intent interrupted before its write MAX_ATTEMPTS times is given up', async (t) => {
  const store = new MemoryKnowledgeStore();
  await store.recordIntent(pending(key(), { attempts: MAX_ATTEMPTS }));
  const h = harness({}, { store });
  const [r] = await h.executor.recover();
  t.like(r, { status: 'error', error: 'interrupted 3 times before the write was sent; given up' });
  t.deepEqual(await h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [candidate()])], snap, 'n'), []);
  t.is(h.charter.writes.length, 0);
});

test('recover: the write was sent but did not land → re-sent under the same key and body; a late first write is answered from the cache', async (t) => {
  const store = new MemoryKnowledgeStore();
  await store.recordIntent(pending('not-landed', { prior }));
  const h = harness({}, { store });
  const [r] = await h.executor.recover();
  t.like(r, { status: 'applied', attempts: 2 });
  t.deepEqual(h.charter.writes.map((w) => [w.op, w.body, w.opts]), [['putCommittee', { capacity: 6 }, { ifMatch: '"c1-v1"', idempotencyKey: 'not-landed' }]]);
  // the dead process's request arrives late: same key, same body → replayed, not applied
  await h.charter.putCommittee('c1', { capacity: 6 }, { ifMatch: '"c1-v1"', idempotencyKey: 'not-landed' });
  t.is(h.charter.writes.length, 1);
  t.is(h.charter.committees.get('c1')?.capacity, 6);
  const [v] = await h.executor.drain();
  t.like(v, { status: 'succeeded' });
});

test('recover: not landed and the target changed since → conflict, not overwritten; a conflicting re-send → conflict', async (t) => {
  const store = new MemoryKnowledgeStore();
  await store.recordIntent(pending('moved', { prior }));
  const h = harness({}, { store });
  h.charter.committees.set('c1', { ...prior, capacity: 5, version: 2 }); // a human scaled it to 5
  const [r] = await h.executor.recover();
  t.like(r, { status: 'conflict', error: '"c1" changed since the interrupted action; not overwritten' });
  t.is(h.charter.writes.length, 0);

  const store2 = new MemoryKnowledgeStore();
  await store2.recordIntent(pending('raced', { prior }));
  const h2 = harness({}, { store: store2 });
  h2.charter.failWrites = [new FakeError('etag mismatch on c1', false, 'CharterConflictError')];
  const [r2] = await h2.executor.recover();
  t.like(r2, { status: 'conflict', error: 'c1 changed concurrently; not overwritten: etag mismatch on c1' });
});

test('recover: the write landed → applied and verified, nothing written again', async (t) => {
  const store2 = new MemoryKnowledgeStore();
  await store2.recordIntent(pending('landed', { prior }));
  const h2 = harness({}, { store: store2 });
  h2.charter.committees.set('c1', { ...prior, capacity: 6, version: 2 });
  const [a] = await h2.executor.recover();
  t.like(a, { status: 'applied', attempts: 1 });
  t.deepEqual(h2.executor.pending().map((p) => p.key), ['landed']);
  const [v] = await h2.executor.drain();
  t.is(v?.status, 'succeeded');
  t.is(h2.charter.writes.length, 0);
});

test('recover: applied but unverified records are re-queued; Charter down leaves intents pending and retries next cycle', async (t) => {
  const store = new MemoryKnowledgeStore();
  await store.recordIntent(pending('applied', { status: 'applied', appliedAt: '2026-03-01T11:59:30.000Z', prior }));
  await store.recordIntent(pending('p2', { prior }));
  const h = harness({ retry: { attempts: 1 } }, { store });
  h.charter.failNext = [new FakeError('connect ECONNREFUSED', true)];
  t.deepEqual(await h.executor.recover(), []);
  t.true(h.logs.includes('warn could not reconcile an interrupted action; will retry'));
  t.deepEqual(h.executor.pending().map((p) => p.key), ['applied']);
  t.is((await store.getExecution('p2'))?.status, 'pending');
  const out = await h.executor.execute([], snap, 'next');
  t.deepEqual(out.map((r) => [r.key, r.status]), [['p2', 'applied'], ['applied', 'succeeded']]);
});

test('recover: reload_policies cannot be told from a read, so it is replayed under its idempotency key', async (t) => {
  const store = new MemoryKnowledgeStore();
  const h = harness({}, { store });
  // the first process sent the write (Charter cached the key) and died
  await h.charter.reloadPolicies({ idempotencyKey: 'reload-key' });
  await store.recordIntent(pending('reload-key', { action: candidate({ type: 'reload_policies', target: 'charter' }).action, prior: { failed: [] } }));
  const [r] = await h.executor.recover();
  t.is(r?.status, 'applied');
  t.is(h.charter.reloads, 1);
});

test('a decision that cannot be saved skips its actions (batched and one by one)', async (t) => {
  const h = harness();
  (h.store as unknown as { saveDecisions: () => Promise<void> }).saveDecisions = async () => {
    throw new Error('EACCES');
  };
  const out = await h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [candidate()])], snap, 'c');
  t.deepEqual(out, []);
  t.is(h.charter.writes.length, 0);
  t.true(h.logs.includes('error decisions not recorded; their actions are skipped'));

  const h2 = harness();
  const s2 = h2.store as unknown as { saveDecision: () => Promise<void>; saveDecisions?: unknown };
  s2.saveDecisions = undefined; // a store that cannot batch
  s2.saveDecision = async () => {
    throw new Error('EACCES');
  };
  t.deepEqual(await h2.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [candidate()])], snap, 'c'), []);
  t.is(h2.charter.writes.length, 0);
  t.true(h2.logs.includes('error decision not recorded; its actions are skipped'));
});

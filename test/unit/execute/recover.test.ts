import test from 'ava';
import { alert, candidate, decision, snapshot, FakeError } from '../../support/execute-fakes.js';
import { harness } from './harness.js';
import { MemoryKnowledgeStore } from '../../../src/knowledge/index.js';
import type { ExecutionRecord } from '../../../src/types/execution.js';

const snap = snapshot([alert('CommitteeOverloaded', { committee_id: 'c1' })]);

function pending(key: string, over: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return { key, id: `id-${key}`, decisionId: 'd', cycleId: 'c', ruleId: 'scale-committee', incidentId: 'committee:c1', incidentKind: 'CommitteeOverloaded', action: candidate({ afterMs: 1_000 }).action, status: 'pending', createdAt: '2026-03-01T11:59:00.000Z', updatedAt: '2026-03-01T11:59:00.000Z', ...over };
}

test('recover: a pending intent whose write never left is closed as error, nothing written', async (t) => {
  const store = new MemoryKnowledgeStore();
  await store.recordIntent(pending('k'));
  const h = harness({}, { store });
  const [r] = await h.executor.recover();
  t.like(r, { status: 'error', error: 'interrupted before the write was sent; nothing changed' });
  t.is(h.charter.writes.length, 0);
});

test('recover: the write did not land → error, not retried; it landed → applied and verified', async (t) => {
  const store = new MemoryKnowledgeStore();
  const prior = { id: 'c1', capacity: 4, queueDepth: 10, version: 1 };
  await store.recordIntent(pending('not-landed', { prior }));
  const h = harness({}, { store });
  const [r] = await h.executor.recover();
  t.like(r, { status: 'error', error: 'interrupted before the write landed; not retried' });

  const store2 = new MemoryKnowledgeStore();
  await store2.recordIntent(pending('landed', { prior }));
  const h2 = harness({}, { store: store2 });
  h2.charter.committees.set('c1', { ...prior, capacity: 6, version: 2 });
  const [a] = await h2.executor.recover();
  t.is(a?.status, 'applied');
  t.deepEqual(h2.executor.pending().map((p) => p.key), ['landed']);
  const [v] = await h2.executor.drain();
  t.is(v?.status, 'succeeded');
  t.is(h2.charter.writes.length, 0);
});

test('recover: applied but unverified records are re-queued; Charter down leaves intents pending and retries next cycle', async (t) => {
  const store = new MemoryKnowledgeStore();
  const prior = { id: 'c1', capacity: 4, queueDepth: 10, version: 1 };
  await store.recordIntent(pending('applied', { status: 'applied', appliedAt: '2026-03-01T11:59:30.000Z', prior }));
  await store.recordIntent(pending('p2', { prior }));
  const h = harness({ retry: { attempts: 1 } }, { store });
  h.charter.failNext = [new FakeError('connect ECONNREFUSED', true)];
  t.deepEqual(await h.executor.recover(), []);
  t.true(h.logs.includes('warn could not reconcile an interrupted action; will retry'));
  t.deepEqual(h.executor.pending().map((p) => p.key), ['applied']);
  t.is((await store.getExecution('p2'))?.status, 'pending');
  const out = await h.executor.execute([], snap, 'next');
  t.deepEqual(out.map((r) => [r.key, r.status]), [['p2', 'error'], ['applied', 'succeeded']]);
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

test('a decision that cannot be saved skips its actions', async (t) => {
  const h = harness();
  (h.store as unknown as { saveDecision: () => Promise<void> }).saveDecision = async () => {
    throw new Error('EACCES');
  };
  const out = await h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [candidate()])], snap, 'c');
  t.deepEqual(out, []);
  t.is(h.charter.writes.length, 0);
  t.true(h.logs.includes('error decision not recorded; its actions are skipped'));
});

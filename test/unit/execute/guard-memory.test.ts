/**
 * Guard rails across a failover: a second executor on the same store (the new leader) carries
 * on the rate-limit buckets and hysteresis streaks of the first, as it does the breaker's.
 */
import test from 'ava';
import { HYSTERESIS_STATE, RATE_LIMIT_STATE } from '../../../src/execute/guard-memory.js';
import { MemoryKnowledgeStore } from '../../../src/knowledge/index.js';
import type { ExecutorOptionsInput } from '../../../src/execute/options.js';
import type { ExecutionRecord } from '../../../src/types/execution.js';
import { alert, candidate, decision, snapshot } from '../../support/execute-fakes.js';
import { harness } from './harness.js';

const snap = snapshot([alert('CommitteeOverloaded', { committee_id: 'c1' }), alert('CommitteeOverloaded', { committee_id: 'c2' })]);
const on = (committee: string, cycle: string) => decision(`committee:${committee}`, ['CommitteeOverloaded'], [candidate({ target: committee })], [], cycle);
const guards = (rs: readonly ExecutionRecord[]) => rs.map((r) => r.guard ?? r.status);

/** Leader and successor on one store, each with its own Charter fake that knows both committees. */
function pair(opts: ExecutorOptionsInput) {
  const store = new MemoryKnowledgeStore();
  const [a, b] = [harness(opts, { store }), harness(opts, { store })];
  for (const h of [a, b]) h.charter.committees.set('c2', { id: 'c2', capacity: 4, queueDepth: 10, version: 1 });
  return { store, a, b };
}

test('a rate limit spent by the old leader still holds for the new one', async (t) => {
  const opts = { rateLimit: { global: { burst: 1, perMinute: 1 } } };
  const { store, a, b } = pair(opts);
  t.deepEqual(guards(await a.executor.execute([on('c1', 'a1')], snap, 'a1')), ['applied']);
  t.like(await store.loadControllerState(RATE_LIMIT_STATE), { global: { tokens: 0 } });
  t.deepEqual(guards(await b.executor.execute([on('c2', 'b1')], snap, 'b1')), ['rate_limit_global'], 'no fresh burst after the failover');
  // without the stored state the successor would have acted: the same step on a fresh store does
  const fresh = pair(opts);
  t.deepEqual(guards(await fresh.b.executor.execute([on('c2', 'b1')], snap, 'b1')), ['applied']);
});

test('a hysteresis streak counted by the old leader continues under the new one', async (t) => {
  const { store, a, b } = pair({ hysteresis: { minCycles: 2 } });
  t.deepEqual(guards(await a.executor.execute([on('c1', 'a1')], snap, 'a1')), ['hysteresis']);
  t.like(await store.loadControllerState(HYSTERESIS_STATE), { seen: { 'committee:c1': { cycles: 1 } } });
  t.deepEqual(guards(await b.executor.execute([on('c1', 'b1')], snap, 'b1')), ['applied'], 'the second consecutive cycle, whoever ran the first');
});

test('reloadState(): a standby that loaded its state at start takes over what the leader did since', async (t) => {
  const { a, b } = pair({ rateLimit: { global: { burst: 1, perMinute: 1 } }, hysteresis: { minCycles: 2 } });
  await b.executor.recover(); // the standby started (and loaded) before the leader acted
  await a.executor.execute([on('c1', 'a1')], snap, 'a1');
  await a.executor.execute([on('c1', 'a2')], snap, 'a2');
  await b.executor.reloadState();
  t.deepEqual(guards(await b.executor.execute([on('c2', 'b1')], snap, 'b1')), ['hysteresis'], 'c2 was never seen by the leader: its streak starts at 1');
  t.deepEqual(guards(await b.executor.execute([on('c2', 'b2')], snap, 'b2')), ['rate_limit_global'], 'the leader spent the burst on c1');
});

test('a stored guard state that is not understood is ignored with a warning; unchanged state is not written again', async (t) => {
  const store = new MemoryKnowledgeStore();
  await store.saveControllerState(RATE_LIMIT_STATE, { global: { tokens: 'lots' }, types: {} });
  await store.saveControllerState(HYSTERESIS_STATE, { seen: { x: { cycles: 1.5, since: 0 } } });
  const h = harness({ rateLimit: { global: { burst: 1, perMinute: 1 } } }, { store });
  await h.executor.recover();
  t.true(h.logs.includes('warn stored rate-limits state ignored: not the shape this version keeps'));
  t.true(h.logs.includes('warn stored hysteresis state ignored: not the shape this version keeps'));
  t.deepEqual(guards(await h.executor.execute([on('c1', 'c1')], snap, 'c1')), ['applied']);
  let saves = 0;
  const save = store.saveControllerState.bind(store);
  store.saveControllerState = async (name, value) => {
    saves += 1;
    return save(name, value);
  };
  await h.executor.execute([], snap, 'c2');
  await h.executor.execute([], snap, 'c3');
  t.is(saves, 1, 'the streaks emptied once (c2), then stayed empty (c3)');
});

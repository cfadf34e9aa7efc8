import test from 'ava';
import { startCharter } from '../../src/charter/index.js';
import { drawFor } from '../../src/charter/rng.js';
import { createExecutor } from '../../src/execute/index.js';
import { CharterClient } from '../../src/integration/charter-client.js';
import { MemoryKnowledgeStore, relearn } from '../../src/knowledge/index.js';
import type { CharterApi } from '../../src/types/ports.js';
import type { Decision } from '../../src/types/decision.js';
import { alert, candidate, decision, manualTime, snapshot } from '../support/execute-fakes.js';

async function setup(seed = 1) {
  const charter = await startCharter({ port: 0, seed, tickMs: 0 });
  const client = new CharterClient({ baseUrl: charter.url, retries: 0 });
  return { charter, client };
}

test('against the reference Charter over HTTP: apply with If-Match and Idempotency-Key, verify, roll back', async (t) => {
  const { charter, client } = await setup();
  t.teardown(() => charter.close());
  const store = new MemoryKnowledgeStore();
  const time = manualTime();
  const snap = snapshot([alert('CommitteeOverloaded', { committee_id: 'committee-ops' })]);
  const ex = createExecutor({ charter: client, store, monitor: { observe: async () => snap }, verify: () => ({ result: 'failed' }), clock: time.now, sleep: time.sleep, options: { hysteresis: { minCycles: 1 }, cooldownMs: 0 } });
  const before = (await client.getCommittee('committee-ops')).value.capacity;
  const d = decision('committee:committee-ops', ['CommitteeOverloaded'], [candidate({ type: 'scale_committee', target: 'committee-ops' })]);
  const [r] = await ex.execute([d], snap, 'c1');
  t.is(r?.status, 'applied');
  const [w] = charter.writes.applied('/api/v1/committees/committee-ops');
  t.is(w?.idempotencyKey, r?.key);
  t.truthy(w?.ifMatch);
  t.is((await client.getCommittee('committee-ops')).value.capacity, before + 2);
  const [v] = await ex.drain();
  t.is(v?.status, 'rolled_back');
  t.is((await client.getCommittee('committee-ops')).value.capacity, before);
  // a duplicate trigger of the same episode writes nothing more
  t.deepEqual(await ex.execute([{ ...d, id: 'again' }], snap, 'c2'), []);
  t.is(charter.writes.applied('/api/v1/committees/committee-ops').length, 2);
});

test('against the reference Charter: a human change between read and write is a conflict, not overwritten', async (t) => {
  const { charter, client } = await setup();
  t.teardown(() => charter.close());
  const human = new CharterClient({ baseUrl: charter.url, retries: 0 });
  // a Charter whose committee write is preceded by a human's change (after our read)
  const racing: CharterApi = Object.assign(Object.create(client) as CharterApi, {
    putCommittee: async (id: string, body: { capacity: number }, opts?: import('../../src/types/ports.js').WriteOptions) => {
      await human.putCommittee(id, { capacity: 20 });
      return client.putCommittee(id, body, opts);
    },
  });
  const snap = snapshot([alert('CommitteeOverloaded', { committee_id: 'committee-ops' })]);
  const ex = createExecutor({ charter: racing, store: new MemoryKnowledgeStore(), monitor: { observe: async () => snap }, verify: () => ({ result: 'succeeded' }), options: { hysteresis: { minCycles: 1 }, cooldownMs: 0 } });
  const [r] = await ex.execute([decision('committee:committee-ops', ['CommitteeOverloaded'], [candidate({ target: 'committee-ops' })])], snap, 'c');
  t.is(r?.status, 'conflict');
  t.regex(r?.error ?? '', /^committee-ops changed concurrently; not overwritten: /);
  t.is((await client.getCommittee('committee-ops')).value.capacity, 20);
});

test('learner against the reference Charter’s fault model: validation_slowdown, reload (80) first, the cache rule (50) wins within 15 incidents', async (t) => {
  const { charter, client } = await setup(3);
  t.teardown(() => charter.close());
  const store = new MemoryKnowledgeStore();
  const time = manualTime();
  const rules = [
    { ruleId: 'reload-on-latency', type: 'reload_policies' as const, priority: 80 },
    { ruleId: 'cache-on-latency', type: 'enable_validation_cache' as const, priority: 50 },
  ];
  let snap = snapshot([]);
  const ex = createExecutor({
    charter: client,
    store,
    monitor: { observe: async () => snap },
    // ground truth from the reference Charter: did the fault clear?
    verify: () => ({ result: charter.faults.active().some((f) => f.kind === 'validation_slowdown') ? 'failed' : 'succeeded' }),
    clock: time.now,
    sleep: time.sleep,
    options: { hysteresis: { minCycles: 1 }, cooldownMs: 0, rateLimit: { perType: { burst: 100, perMinute: 100 } } },
  });
  const preferred: string[] = [];
  for (let i = 0; i < 20; i += 1) {
    time.advance(60_000);
    charter.faults.inject('validation_slowdown');
    snap = snapshot([alert('ValidationLatencySLA', {}, { startsAt: new Date(time.now()).toISOString() })]);
    const weights = await store.currentWeights();
    const cands = rules
      .map((r) => {
        const c = candidate({ ruleId: r.ruleId, type: r.type, target: 'charter', priority: r.priority, afterMs: 1_000 });
        const w = weights[`${r.ruleId}|ValidationLatencySLA`] ?? 1;
        return { ...c, weight: w, effectivePriority: r.priority * w };
      })
      .sort((a, b) => b.effectivePriority - a.effectivePriority);
    preferred.push(cands[0]!.ruleId);
    const d: Decision = { ...decision('service:charter', ['ValidationLatencySLA'], [cands[0]!], [cands[1]!], `cycle-${i}`), id: `d-${i}` };
    await ex.execute([d], snap, `cycle-${i}`);
    await ex.drain();
    for (const f of charter.faults.active()) charter.faults.clear(f.id);
    if ((await client.getSettings()).value.validationCache) await client.putSettings({ validationCache: false });
    await relearn(store, rules.map((r) => ({ id: r.ruleId, successProbability: 0.5, benefit: 6, cost: 1 })), new Date(time.now()).toISOString());
  }
  t.is(preferred[0], 'reload-on-latency');
  const firstWin = preferred.indexOf('cache-on-latency');
  t.true(firstWin >= 0 && firstWin < 15, preferred.join(','));
  t.is(preferred.at(-1), 'cache-on-latency', preferred.join(','));
  const history = await store.weightHistory(100);
  t.true(history.every((c) => c.situation === 'ValidationLatencySLA' && c.estimate !== undefined && c.reason.length > 0));
});

test('against the reference Charter: alerts about targets that do not exist are target_not_found and never open the breaker (issue #9 item 7)', async (t) => {
  const { charter, client } = await setup();
  t.teardown(() => charter.close());
  const store = new MemoryKnowledgeStore();
  const time = manualTime();
  const ex = createExecutor({ charter: client, store, monitor: { observe: async () => snapshot([]) }, verify: () => ({ result: 'succeeded' }), clock: time.now, sleep: time.sleep, options: { hysteresis: { minCycles: 1 }, cooldownMs: 0, breaker: { failures: 3 }, rateLimit: { perType: { burst: 10, perMinute: 60 } } } });
  for (const ghost of ['committee-ghost-1', 'committee-ghost-2', 'committee-ghost-3']) {
    const snap = snapshot([alert('CommitteeOverloaded', { committee_id: ghost })]);
    const [r] = await ex.execute([decision(`committee:${ghost}`, ['CommitteeOverloaded'], [candidate({ target: ghost })])], snap, ghost);
    t.is(r?.status, 'target_not_found');
    t.regex(r?.error ?? '', new RegExp(`^"${ghost}" does not exist in Charter: charter GET .* answered 404 `));
  }
  t.like(ex.breaker(), { mode: 'closed', failures: 0 });
  t.deepEqual(await store.outcomes(), [], 'nothing for the learner');
  // and a real remediation still goes through
  const snap = snapshot([alert('CommitteeOverloaded', { committee_id: 'committee-ops' })]);
  const [real] = await ex.execute([decision('committee:committee-ops', ['CommitteeOverloaded'], [candidate({ target: 'committee-ops' })])], snap, 'real');
  t.is(real?.status, 'applied');
});

test('against the reference Charter: a rollback after an undone audit attempt returns to the spec before the bad rollout, not to the undone audit spec', async (t) => {
  // a seed where the audit attempt fails and the rollback (p 0.95) succeeds
  const draw = (seed: number, action: string): number => drawFor(seed, `bad_rollout|pol-network|${action}|1`);
  const seed = [...Array(1000).keys()].map((i) => i + 1).find((s) => draw(s, 'set_enforcement_mode_audit') >= 0.5 && draw(s, 'rollback_policy') < 0.95)!;
  const { charter, client } = await setup(seed);
  t.teardown(() => charter.close());
  const good = (await client.getPolicy('pol-network')).value.spec;
  const fault = charter.faults.inject('bad_rollout', 'pol-network');
  const time = manualTime();
  const snap = snapshot([alert('CriticalViolationDetected', { policy_id: 'pol-network' })]);
  const ex = createExecutor({
    charter: client,
    store: new MemoryKnowledgeStore(),
    monitor: { observe: async () => snap },
    verify: () => ({ result: charter.faults.get(fault.id)?.state === 'cleared' ? 'succeeded' : 'failed' }),
    clock: time.now,
    sleep: time.sleep,
    options: { hysteresis: { minCycles: 1 }, cooldownMs: 0 },
  });
  const audit = candidate({ ruleId: 'audit', type: 'set_enforcement_mode', target: 'pol-network', params: { mode: 'audit' }, priority: 80, afterMs: 1_000 });
  const rollback = candidate({ ruleId: 'rollback', type: 'rollback_policy', target: 'pol-network', priority: 50, afterMs: 1_000 });
  await ex.execute([decision('policy:pol-network', ['CriticalViolationDetected'], [audit], [rollback])], snap, 'c1');
  await ex.drain();
  await ex.drain();
  const rec = charter.faults.get(fault.id)!;
  t.deepEqual(rec.attempts.map((a) => [a.action, a.success]), [['set_enforcement_mode_audit', false], ['rollback_policy', true]]);
  t.is(rec.state, 'cleared');
  t.deepEqual((await client.getPolicy('pol-network')).value.spec, good);
});

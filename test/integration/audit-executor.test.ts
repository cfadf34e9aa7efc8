/**
 * The two fault-suite tools together, on the real executor: the reference Charter behind
 * the fault proxy, a lost answer, then the audit. A write whose answer was lost and that was
 * re-sent under the same Idempotency-Key is one landing, one record: the audit agrees. A
 * rollback shows up as an undo write the record accounts for.
 */
import test from 'ava';
import { createExecutor } from '../../src/execute/index.js';
import { auditKnowledge } from '../../src/execute/audit.js';
import { CharterClient } from '../../src/integration/charter-client.js';
import { readWriteLog } from '../../src/integration/charter-writes.js';
import { MemoryKnowledgeStore } from '../../src/knowledge/index.js';
import { charterForTest } from '../support/charter.js';
import { alert, candidate, decision, manualTime, snapshot } from '../support/execute-fakes.js';
import { startFaultProxy } from '../support/fault-proxy.js';

test('a lost answer re-sent under its key, then a rollback: the audit finds every write accounted for', async (t) => {
  const charter = await charterForTest(t);
  const proxy = await startFaultProxy({ upstream: charter.url });
  t.teardown(() => proxy.close());
  proxy.rule({ method: 'PUT', path: /^\/api\/v1\/committees\//, nth: 1 }, { kind: 'drop_answer', mode: 'destroy' });
  const client = new CharterClient({ baseUrl: proxy.url, retries: 1, backoffBaseMs: 1 });
  t.teardown(() => client.http.close());
  const store = new MemoryKnowledgeStore();
  const time = manualTime();
  const snap = snapshot([alert('CommitteeOverloaded', { committee_id: 'committee-ops' })]);
  const ex = createExecutor({ charter: client, store, monitor: { observe: async () => snap }, verify: () => ({ result: 'failed' }), clock: time.now, sleep: time.sleep, options: { hysteresis: { minCycles: 1 }, cooldownMs: 0 } });
  const d = decision('committee:committee-ops', ['CommitteeOverloaded'], [candidate({ type: 'scale_committee', target: 'committee-ops' })]);
  const [r] = await ex.execute([d], snap, 'c1');
  t.is(r?.status, 'applied');
  const puts = proxy.requests().filter((q) => q.method === 'PUT');
  t.deepEqual(puts.map((q) => [q.idempotencyKey, q.outcome]), [[r!.key, 'destroyed'], [r!.key, 'answered']]);
  t.deepEqual(charter.writes.list().map((w) => [w.applied, w.replayed]), [[true, false], [false, true]]);

  const audit = () => auditKnowledge({ store, charter: client, writeLog: () => readWriteLog(client.http) });
  t.like(await audit(), { history: 'write_log', records: 1, writes: 1, states: 1, disagreements: [] });
  const [v] = await ex.drain();
  t.is(v?.status, 'rolled_back');
  t.like(await audit(), { writes: 2, disagreements: [] });
  t.deepEqual(charter.writes.applied().map((w) => w.idempotencyKey), [r!.key, `${r!.key}:rollback`]);
});

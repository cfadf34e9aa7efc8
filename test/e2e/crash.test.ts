/**
 * `mapek run` SIGKILLed mid-action and restarted: the pending intent is reconciled at start,
 * nothing is applied twice (Charter's write log), and the outcome (whatever recovery decided) is recorded.
 */
import test from 'ava';
import { readExecutions, startE2e } from '../support/e2e-service.js';
import { waitUntil } from '../support/stack.js';

test('SIGKILL during the Charter write: restart reconciles the intent, no double apply', async (t) => {
  t.timeout(150_000);
  const w = await startE2e();
  t.teardown(() => w.stop());
  const { charter } = w;
  // Every policy call takes 4 s: the write is in flight long enough to kill the process.
  charter.clientFaults.set({ latencyMs: 4_000, routes: ['/api/v1/policies'] });
  const since = new Date().toISOString();
  const f = charter.faults.inject('bad_rollout', 'pol-access');
  const pending = await waitUntil(async () => (await readExecutions(w.knowledgeDir)).find((r) => r.action.type === 'rollback_policy' && r.action.target === 'pol-access' && r.status === 'pending'), 45_000, 'a pending rollback intent');
  await w.mapek.kill();
  t.log(`killed with intent ${pending.key} pending`);
  charter.clientFaults.set({ latencyMs: 0 });
  const restarted = await w.startMapek();
  const recovered = await restarted.waitForLog((l) => l['msg'] === 'recovered intent' && l['key'] === pending.key, 30_000, 'the intent reconciled at start');
  t.log(`recovered as ${String(recovered['status'])}`);
  t.true(['applied', 'succeeded', 'unchanged', 'error', 'rolled_back', 'failed'].includes(String(recovered['status'])));
  // Give the restarted loop a few cycles, then check Charter's write log.
  await new Promise((r) => setTimeout(r, 5_000));
  t.log(`fault state after restart: ${charter.faults.get(f.id)?.state ?? '?'}`);
  const recs = await readExecutions(w.knowledgeDir);
  t.not(recs.find((r) => r.key === pending.key)?.status, 'pending');
  const applied = charter.writes.list().filter((x) => x.at >= since && x.applied && x.method === 'POST' && x.path === '/api/v1/policies' && (x.body as { policyId?: string } | null)?.policyId === 'pol-access');
  const keys = applied.map((x) => x.idempotencyKey);
  t.is(new Set(keys).size, keys.length, 'no idempotency key applied twice');
  t.true(applied.length <= 1, `at most one rollback applied (got ${applied.length})`);
});

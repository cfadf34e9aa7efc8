/**
 * `mapek run` SIGKILLed mid-action and restarted: the pending intent is reconciled at start
 * (confirmed, re-sent under its Idempotency-Key, or released and run again by the next
 * cycle), and the observable outcome holds: exactly one applied remediation write in
 * Charter's write log, the fault cleared (Charter's ground truth), and the intent
 * reconciled to `succeeded` in the knowledge store.
 */
import test from 'ava';
import { readExecutions, startE2e } from '../support/e2e-service.js';
import { waitUntil } from '../support/stack.js';

test('SIGKILL during the rollback: restart reconciles the intent, the fault is cleared by exactly one applied write', async (t) => {
  t.timeout(180_000);
  const w = await startE2e();
  t.teardown(() => w.stop());
  const { charter } = w;
  // Every policy call takes 4 s: the read or the write is in flight when the process dies.
  charter.clientFaults.set({ latencyMs: 4_000, routes: ['/api/v1/policies'] });
  const since = new Date().toISOString();
  const f = charter.faults.inject('bad_rollout', 'pol-access');
  const pending = await waitUntil(async () => (await readExecutions(w.knowledgeDir)).find((r) => r.action.type === 'rollback_policy' && r.action.target === 'pol-access' && r.status === 'pending'), 45_000, 'a pending rollback intent');
  await w.mapek.kill();
  t.log(`killed with intent ${pending.key} pending (${pending.prior === undefined ? 'before' : 'after'} the prior state was recorded)`);
  charter.clientFaults.set({ latencyMs: 0 });
  const restarted = await w.startMapek();
  const recovered = await restarted.waitForLog((l) => l['msg'] === 'recovered intent' && l['key'] === pending.key, 30_000, 'the intent reconciled at start');
  t.log(`recovered as ${String(recovered['status'])}`);
  t.true(['applied', 'released'].includes(String(recovered['status'])), `recovered as ${String(recovered['status'])}`);

  // the intent ends verified, under the same key
  const done = await waitUntil(async () => {
    const r = (await readExecutions(w.knowledgeDir)).find((x) => x.key === pending.key);
    return r && !['pending', 'released', 'applied'].includes(r.status) ? r : undefined;
  }, 90_000, 'the intent verified');
  t.is(done.status, 'succeeded', `intent ended ${done.status}: ${done.error ?? ''}`);
  t.is(done.verify, 'succeeded');

  // Charter's ground truth: the fault is cleared by the rollback
  await waitUntil(() => (charter.faults.get(f.id)?.state === 'cleared' ? true : undefined), 30_000, 'bad_rollout cleared');
  t.is(charter.faults.get(f.id)?.clearedBy as string, 'rollback_policy');

  // exactly one applied remediation write for the policy, under the intent's key
  const policyWrites = charter.writes.list().filter((x) => x.at >= since && x.method === 'POST' && x.path === '/api/v1/policies' && (x.body as { policyId?: string } | null)?.policyId === 'pol-access');
  const applied = policyWrites.filter((x) => x.applied);
  t.deepEqual(applied.map((x) => x.idempotencyKey), [pending.key], `applied writes: ${JSON.stringify(policyWrites.map((x) => [x.idempotencyKey, x.status, x.applied, x.replayed]))}`);
  t.true(policyWrites.every((x) => x.idempotencyKey === pending.key || !x.applied));
  // and no second remediation of the same policy by another rule
  t.deepEqual((await readExecutions(w.knowledgeDir)).filter((r) => r.action.target === 'pol-access' && r.action.type !== 'notify' && ['applied', 'succeeded', 'failed', 'rolled_back'].includes(r.status)).map((r) => r.key), [pending.key]);
});

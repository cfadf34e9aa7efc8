/**
 * Real Prometheus + Alertmanager + reference Charter: a policy that fails to load fires
 * PolicyLoadFailure (critical, with policy_id); reloading policies through CharterClient
 * resolves it. Also: every alert the stack sends parses strictly as a version 4 webhook.
 */
import anyTest, { type TestFn } from 'ava';
import { parseWebhook, WebhookDeduplicator } from '../../src/integration/webhook.js';
import { alertIn, firingInPrometheus, startCharterStack, webhookAlerts, type CharterStack } from './stack-fixture.js';

const test = anyTest as TestFn<{ s: CharterStack }>;

test.before(async (t) => {
  t.context.s = await startCharterStack();
});
test.after.always(async (t) => {
  await t.context.s?.stop();
});

test.serial('policy_load_failure: PolicyLoadFailure fires for the policy and reaches the webhook', async (t) => {
  t.timeout(45_000);
  const { charter, listener, prometheus } = t.context.s;
  const injectedAt = Date.now();
  charter.faults.inject('policy_load_failure', 'pol-network');
  const w = await listener.waitForAlert('PolicyLoadFailure', 'firing', 30_000, { policy_id: 'pol-network' });
  t.log(`PolicyLoadFailure webhook ${w.receivedAt - injectedAt} ms after injection`);
  const a = alertIn(w, 'PolicyLoadFailure', 'firing');
  t.like(a, { severity: 'critical', name: 'PolicyLoadFailure' });
  t.like(a.labels, { team: 'policy', policy_id: 'pol-network' });
  t.is(a.annotations['runbook_url'], 'docs/MAPE_K_RUNBOOK.md#policyloadfailure');
  const failed = await prometheus.query('westworld_charter_policy_version{load_state="failed"}');
  if (failed.resultType !== 'vector') return t.fail();
  t.deepEqual(failed.result.map((r) => r.metric['policy_id']), ['pol-network']);
  await firingInPrometheus(prometheus, 'PolicyLoadFailure', { policy_id: 'pol-network' }, 5_000);
});

test.serial('policy_load_failure: reloading policies through CharterClient resolves PolicyLoadFailure', async (t) => {
  t.timeout(75_000);
  const { charter, listener, client } = t.context.s;
  const before = await client.getPolicy('pol-network');
  t.is(before.value.loadState, 'failed');
  const remediatedAt = Date.now();
  const reload = await client.reloadPolicies({ idempotencyKey: 'reload-1' });
  t.deepEqual(reload, { loaded: 5, failed: [] });
  t.is(charter.groundTruth().cleared.find((f) => f.kind === 'policy_load_failure')?.clearedBy, 'reload_policies');
  t.is((await client.getPolicy('pol-network')).value.loadState, 'loaded');
  const w = await listener.waitForAlert('PolicyLoadFailure', 'resolved', 60_000, { policy_id: 'pol-network' });
  t.log(`PolicyLoadFailure resolved webhook ${w.receivedAt - remediatedAt} ms after the reload`);
});

test.serial('every webhook the real Alertmanager sent parses strictly; the deduplicator drops only repeats', (t) => {
  const { listener } = t.context.s;
  t.true(listener.received.length >= 2);
  const dedup = new WebhookDeduplicator();
  let total = 0;
  for (const w of listener.received) {
    const r = parseWebhook(w.body);
    t.true(r.ok, JSON.stringify(r.ok ? '' : r.issues));
    const alerts = webhookAlerts(w);
    total += alerts.length;
    dedup.fresh(alerts);
  }
  const distinct = new Set(listener.received.flatMap((w) => webhookAlerts(w).map((a) => WebhookDeduplicator.key(a))));
  t.is(dedup.size, distinct.size);
  t.true(total >= distinct.size);
});

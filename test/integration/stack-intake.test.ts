/**
 * Issue #10 item 2 on the live stack: the real Alertmanager (the corpus config: the `trunc`
 * receiver has max_alerts: 2) posts to the real service. A group of 9 arrives truncated; the
 * cycle it triggers reads all 9 from the API; when the two visible alerts resolve, the
 * notification says `resolved` and still triggers a cycle, counted and logged; a new hidden
 * alert behind two visible ones seen before triggers a cycle too (it did not before the fix).
 */
import test from 'ava';
import { freePort, waitUntil } from '../support/stack.js';
import { CORPUS_TOKEN, startCorpusAlertmanager } from '../support/corpus-capture.js';
import { metricValue, serviceWorld } from '../support/service-harness.js';

test('a truncated group: every notification triggers a cycle, which sees every alert of the group', async (t) => {
  t.timeout(60_000);
  const amPort = await freePort();
  const w = await serviceWorld(t, { config: { alertmanagerUrl: `http://127.0.0.1:${amPort}`, webhookToken: CORPUS_TOKEN, intervalMs: 600_000 } });
  const am = await startCorpusAlertmanager((receiver) => (receiver === 'trunc' ? `${w.url()}/api/v1/alerts/webhook` : `${w.url()}/not-for-this-test`), amPort);
  t.teardown(() => am.stop());
  const alert = (i: number, endsAt?: string) => ({ labels: { alertname: 'CorpusTruncated', scenario: 'truncation', severity: 'critical', node_or_service: `node-${i}` }, ...(endsAt ? { endsAt } : {}) });
  const post = async (alerts: unknown[]) => t.is((await fetch(`${am.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) })).status, 200);

  await post([1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => alert(i)));
  await waitUntil(async () => ((await metricValue(w.url(), 'mapek_webhook_truncated_notifications_total')) >= 1 ? true : undefined), 20_000, 'a truncated notification');
  t.is(await metricValue(w.url(), 'mapek_webhook_truncated_alerts_total'), 7);
  await w.service.controller.idle();
  const seen = (await w.service.monitor.observe()).alerts.filter((a) => a.name === 'CorpusTruncated');
  t.is(seen.length, 9, 'the cycle reads the whole group from the API');
  const cycles = await metricValue(w.url(), 'mapek_cycles_total', { trigger: 'webhook' });
  t.true(cycles >= 1);

  const now = new Date().toISOString();
  await post([alert(1, now), alert(2, now)]);
  await waitUntil(async () => ((await metricValue(w.url(), 'mapek_webhook_truncated_notifications_total')) >= 2 ? true : undefined), 20_000, 'the resolved truncated notification');
  await w.service.controller.idle();
  t.true((await metricValue(w.url(), 'mapek_cycles_total', { trigger: 'webhook' })) > cycles, 'the resolved truncated notification triggered a cycle');
  const after = (await w.service.monitor.observe()).alerts.filter((a) => a.name === 'CorpusTruncated');
  t.deepEqual(after.map((a) => a.labels['node_or_service']).sort(), ['node-3', 'node-4', 'node-5', 'node-6', 'node-7', 'node-8', 'node-9']);
  const warned = w.log.lines.filter((l) => l['msg'] === 'webhook truncated by max_alerts; the cycle reads the whole group from alertmanager');
  t.true(warned.length >= 2);

  // A new hidden alert: node-3 and node-4 become visible (new), node-99 hidden.
  await post([alert(99)]);
  await waitUntil(async () => ((await metricValue(w.url(), 'mapek_webhook_truncated_notifications_total')) >= 3 ? true : undefined), 20_000, 'the notification hiding node-99');
  await w.service.controller.idle();
  // Another one: the notification shows node-3 and node-4 again, both seen before.
  const before = await metricValue(w.url(), 'mapek_cycles_total', { trigger: 'webhook' });
  await post([alert(999)]);
  await waitUntil(async () => ((await metricValue(w.url(), 'mapek_webhook_truncated_notifications_total')) >= 4 ? true : undefined), 20_000, 'the notification hiding node-999');
  await w.service.controller.idle();
  t.is(await metricValue(w.url(), 'mapek_webhooks_total', { result: 'duplicate' }), 0);
  t.true((await metricValue(w.url(), 'mapek_cycles_total', { trigger: 'webhook' })) > before, 'only alerts seen before visible, still a cycle');
  t.true((await w.service.monitor.observe()).alerts.some((a) => a.labels['node_or_service'] === 'node-999'));
});

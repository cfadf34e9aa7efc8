/**
 * Issue #10 item 4: with Alertmanager's API down, the alerts of recent webhook notifications
 * are the alert source (shown in /healthz and metrics) and a firing critical still gets a
 * decision; when the API answers again, it is the source again.
 */
import test from 'ava';
import { fakeServer, json } from '../integration/fake-server.js';
import { amScenario } from '../../support/corpus.js';
import { metricValue, serviceWorld } from '../../support/service-harness.js';

/** A real delivery of the corpus (posted by hand) turned into ValidationLatencySLA. */
function delivery(status: 'firing' | 'resolved'): Record<string, unknown> {
  const d = structuredClone(amScenario('posted-by-hand').deliveries[0]!.body) as Record<string, unknown> & { alerts: Record<string, unknown>[] };
  const labels = { alertname: 'ValidationLatencySLA', severity: 'critical' };
  d.alerts = d.alerts.map((a) => ({ ...a, status, labels, ...(status === 'resolved' ? { endsAt: '2026-12-02T05:20:00Z' } : {}) }));
  return { ...d, status, groupKey: '{}:{alertname="ValidationLatencySLA"}', groupLabels: { alertname: 'ValidationLatencySLA' }, commonLabels: labels };
}

test('alertmanager api down: the webhook-held alerts drive the cycle; /healthz and metrics say so; back to the api when it answers', async (t) => {
  let apiUp = false;
  const am = await fakeServer(() => (apiUp ? json(200, []) : json(500, { code: 500, message: 'down for the test' })));
  t.teardown(() => am.close());
  const w = await serviceWorld(t, { config: { alertmanagerUrl: am.url } });
  await w.service.controller.idle();
  const post = async (body: unknown) => (await fetch(`${w.url()}/api/v1/alerts/webhook`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })).status;
  t.is(await post(delivery('firing')), 202);
  await w.service.controller.idle();
  const decisions = await w.store.recentDecisions(5);
  const d = decisions.find((x) => x.incidentId === 'service:charter');
  t.truthy(d, 'a decision for the webhook-held ValidationLatencySLA');
  t.deepEqual(d?.alerts, ['ValidationLatencySLA']);
  t.deepEqual(d?.chosen.map((c) => c.action.type), ['enable_validation_cache']);
  const health = (await (await fetch(`${w.url()}/healthz`)).json()) as Record<string, unknown>;
  t.like(health, { mode: 'degraded', alerts: { source: 'webhook', heldAlerts: 1 } });
  t.is(await metricValue(w.url(), 'mapek_alerts_webhook_only'), 1);
  t.is(await metricValue(w.url(), 'mapek_webhook_held_alerts'), 1);
  t.truthy(w.log.lines.find((l) => l['msg'] === 'monitor source unavailable; running degraded' && String(l['error']).endsWith('; using 1 alert held from webhook notifications')));

  apiUp = true;
  w.service.controller.trigger('manual');
  await w.service.controller.idle();
  const back = (await (await fetch(`${w.url()}/healthz`)).json()) as Record<string, unknown>;
  t.like(back, { mode: 'normal', alerts: { source: 'alertmanager' } });
  t.is(await metricValue(w.url(), 'mapek_alerts_webhook_only'), 0);
});

test('webhook-only mode: a resolution delivered by webhook resolves the held alert', async (t) => {
  const am = await fakeServer(() => json(500, { code: 500, message: 'down for the test' }));
  t.teardown(() => am.close());
  const w = await serviceWorld(t, { config: { alertmanagerUrl: am.url } });
  await w.service.controller.idle();
  const post = (body: unknown) => fetch(`${w.url()}/api/v1/alerts/webhook`, { method: 'POST', body: JSON.stringify(body) });
  await post(delivery('firing'));
  await w.service.controller.idle();
  t.deepEqual((await w.service.monitor.observe()).alerts.map((a) => [a.name, a.state, a.source]), [['ValidationLatencySLA', 'firing', 'webhook']]);
  await post(delivery('resolved'));
  await w.service.controller.idle();
  t.deepEqual((await w.service.monitor.observe()).alerts.map((a) => [a.name, a.state, a.source, a.endsAt]), [['ValidationLatencySLA', 'resolved', 'webhook', '2026-12-02T05:20:00Z']]);
});

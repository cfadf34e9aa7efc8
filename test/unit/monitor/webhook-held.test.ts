/**
 * WebhookHeldAlerts over the real deliveries of the corpus: newest notification per group
 * wins, a truncated one only updates what it shows, groups expire, endsAt with a tolerance.
 */
import test from 'ava';
import { parseWebhook, type WebhookPayload } from '../../../src/integration/webhook.js';
import { AlertmanagerSource } from '../../../src/monitor/alertmanager-source.js';
import { CompositeMonitor } from '../../../src/monitor/composite.js';
import { alertsFromSeries } from '../../../src/monitor/prometheus-source.js';
import { WebhookHeldAlerts } from '../../../src/monitor/webhook-held.js';
import type { AlertmanagerApi } from '../../../src/types/ports.js';
import { amScenario, type AmScenarioName } from '../../support/corpus.js';

function payloads(name: AmScenarioName): WebhookPayload[] {
  return amScenario(name).deliveries.map((d) => {
    const r = parseWebhook(d.body);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    return r.payload;
  });
}
const view = (h: WebhookHeldAlerts, now: number) => h.alerts(now).map((a) => `${a.labels['node_or_service']}:${a.state}`).sort();

test('mixed group: the newest notification of the group wins', (t) => {
  let now = 1_000;
  const h = new WebhookHeldAlerts({ now: () => now });
  const [first, second] = payloads('mixed');
  h.record(first!);
  t.deepEqual(view(h, now), ['node-m1:firing', 'node-m2:firing', 'node-m3:firing']);
  now = 2_000;
  h.record(second!);
  t.deepEqual(view(h, now), ['node-m1:firing', 'node-m2:resolved', 'node-m3:firing']);
  t.true(h.alerts(now).every((a) => a.source === 'webhook' && !a.silenced && !a.inhibited));
});

test('truncated: the visible alerts are updated, the others of the group kept; the top-level status is not the group state', (t) => {
  const h = new WebhookHeldAlerts({ now: () => 0 });
  const [first, resolved] = payloads('truncation');
  t.is(resolved!.status, 'resolved');
  h.record({ ...first!, truncatedAlerts: 0, alerts: [...first!.alerts, { ...first!.alerts[0]!, fingerprint: 'ffffffffffffffff', labels: { ...first!.alerts[0]!.labels, node_or_service: 'node-9' } }] });
  h.record(resolved!);
  t.deepEqual(view(h, 0), ['node-1:resolved', 'node-2:resolved', 'node-9:firing']);
});

test("group_by ['...']: one group per alert, all held", (t) => {
  const h = new WebhookHeldAlerts({ now: () => 0 });
  for (const p of payloads('group-by-all')) h.record(p);
  t.deepEqual(view(h, 0), ['node-a:firing', 'node-b:firing', 'node-c:firing']);
  t.is(h.count(0), 3);
});

test('a group without a notification for maxAgeMs is forgotten; repeats keep it', (t) => {
  let now = 0;
  const h = new WebhookHeldAlerts({ now: () => now, maxAgeMs: 10_000 });
  const [a, b] = payloads('repeat');
  h.record(a!);
  now = 9_000;
  h.record(b!);
  t.is(h.count(18_000), 1);
  t.is(h.count(19_001), 0);
});

test('a firing alert with an endsAt resolves once it is past by more than the tolerance', (t) => {
  const endsAt = '2026-12-02T06:00:00.000Z';
  const h = new WebhookHeldAlerts({ now: () => Date.parse(endsAt) - 60_000, toleranceMs: 5_000 });
  const [p] = payloads('posted-by-hand');
  h.record({ ...p!, alerts: p!.alerts.map((x) => ({ ...x, endsAt })) });
  const at = Date.parse(endsAt);
  t.is(h.alerts(at + 4_999)[0]?.state, 'firing');
  t.like(h.alerts(at + 5_000)[0], { state: 'resolved', endsAt });
});

test('CompositeMonitor: an Alertmanager API that hangs past the timeout falls back to the held alerts; one that refuses too', async (t) => {
  const h = new WebhookHeldAlerts({ now: () => Date.parse('2026-12-02T05:20:00Z') });
  for (const p of payloads('group-by-all')) h.record(p);
  const hang = new AlertmanagerSource({ alerts: () => new Promise(() => undefined) } as unknown as AlertmanagerApi, { held: h });
  const at = new Date('2026-12-02T05:20:01Z');
  const composite = new CompositeMonitor({ sources: [hang], timeoutMs: 20, now: () => at });
  const s = await composite.observe();
  t.deepEqual(s.alerts.map((a) => a.labels['node_or_service']).sort(), ['node-a', 'node-b', 'node-c']);
  t.deepEqual(s.sources.alertmanager, { ok: false, error: 'alertmanager did not answer within 20 ms; using 3 alerts held from webhook notifications' });
  t.is(composite.alertSource(), 'webhook');
  t.is(hang.heldAlerts(), 3);
  const refused = new AlertmanagerSource({ alerts: async () => { throw new Error('GET http://127.0.0.1:9/api/v2/alerts failed: connect ECONNREFUSED 127.0.0.1:9'); } } as unknown as AlertmanagerApi, { held: h });
  const r = await new CompositeMonitor({ sources: [refused], now: () => at }).observe();
  t.is(r.alerts.length, 3);
  t.is(r.sources.alertmanager?.error, 'GET http://127.0.0.1:9/api/v2/alerts failed: connect ECONNREFUSED 127.0.0.1:9; using 3 alerts held from webhook notifications');
  const none = new AlertmanagerSource({ alerts: async () => { throw new Error('down'); } } as unknown as AlertmanagerApi, { held: new WebhookHeldAlerts() });
  const nc = new CompositeMonitor({ sources: [none], now: () => at });
  const n = await nc.observe();
  t.deepEqual([n.alerts, n.sources.alertmanager], [[], { ok: false, error: 'down' }]);
  t.deepEqual([nc.alertSource(), none.heldAlerts()], ['none', 0]);
});

test('CompositeMonitor: with Prometheus up, its live ALERTS come before the held webhook alerts', async (t) => {
  const h = new WebhookHeldAlerts({ now: () => Date.parse('2026-12-02T05:20:00Z') });
  for (const p of payloads('group-by-all')) h.record(p);
  const am = new AlertmanagerSource({ alerts: async () => { throw new Error('down'); } } as unknown as AlertmanagerApi, { held: h });
  const live = { labels: { __name__: 'ALERTS', alertname: 'CorpusAllLabels', alertstate: 'firing', node_or_service: 'node-live' }, value: 1 };
  const prom = { name: 'prometheus' as const, read: async () => ({ metrics: {}, alerts: alertsFromSeries([live], []) }) };
  const c = new CompositeMonitor({ sources: [prom, am], now: () => new Date('2026-12-02T05:20:01Z') });
  const s = await c.observe();
  t.deepEqual(s.alerts.map((a) => [a.labels['node_or_service'], a.source]), [['node-live', 'prometheus']]);
  t.is(c.alertSource(), 'prometheus');
  t.is(s.sources.alertmanager?.error, 'down; using 3 alerts held from webhook notifications');
});

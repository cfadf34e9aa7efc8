/**
 * The committed corpus of real Alertmanager 0.25 deliveries (test/data/alertmanager/,
 * scripts/capture-corpus.js) replayed through the real webhook handler: every delivery is
 * accepted; truncated notifications always trigger a cycle and are counted and logged;
 * the Authorization scheme is case-insensitive (issue #10 items 2 and 6).
 */
import test from 'ava';
import type { AddressInfo } from 'node:net';
import { createHttpServer, closeServer, listen } from '../../../src/app/http-server.js';
import { WebhookDeduplicator } from '../../../src/integration/webhook.js';
import { createLogger, createServiceMetrics } from '../../../src/observability/index.js';
import { AM_SCENARIOS, amScenario, type CorpusDelivery } from '../../support/corpus.js';

async function server(t: { teardown(f: () => Promise<void>): void }, token = 'corpus-token') {
  const metrics = createServiceMetrics({ defaultMetrics: false });
  const lines: Record<string, unknown>[] = [];
  const triggers: number[] = [];
  const s = createHttpServer({
    metrics, log: createLogger({ level: 'debug', write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) }), webhookToken: token, maxBodyBytes: 1_000_000, dedup: new WebhookDeduplicator(),
    onAlerts: (a) => void triggers.push(a.length), ready: () => ({ ready: true, reasons: [] }), health: () => ({}),
    decisions: async () => [], approvals: async () => [], decisionsLimit: 5,
  });
  const { port } = (await listen(s, '127.0.0.1', 0)) as AddressInfo;
  t.teardown(() => closeServer(s));
  const url = `http://127.0.0.1:${port}/api/v1/alerts/webhook`;
  const post = async (d: CorpusDelivery, authorization = d.authorization ?? '') => {
    const r = await fetch(url, { method: 'POST', body: JSON.stringify(d.body), headers: { authorization, 'content-type': 'application/json', 'user-agent': d.userAgent ?? '' } });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  const metric = async (name: string): Promise<string[]> => (await metrics.registry.metrics()).split('\n').filter((l) => l.startsWith(name));
  return { post, triggers, lines, metric };
}

test('every delivery of the corpus is accepted by the real handler, in capture order', async (t) => {
  const s = await server(t);
  const counts: Record<string, number> = {};
  for (const name of AM_SCENARIOS) {
    counts[name] = 0;
    for (const d of amScenario(name).deliveries) {
      const r = await s.post(d);
      t.is(r.status, 202, `${name}: ${JSON.stringify(r.body)}`);
      counts[name]++;
    }
  }
  t.true(counts['repeat']! >= 3);
  t.deepEqual({ ...counts, repeat: 3 }, { truncation: 2, 'group-by-all': 3, inhibition: 1, silence: 0, repeat: 3, 'retry-after-500': 3, mixed: 2, 'posted-by-hand': 1, 'api-all': 0 });
});

test('repeat and retry deliveries of the corpus are duplicates: one trigger each', async (t) => {
  const s = await server(t);
  for (const d of amScenario('repeat').deliveries) await s.post(d);
  for (const d of amScenario('retry-after-500').deliveries) await s.post(d);
  t.deepEqual(s.triggers, [1, 1]);
  t.deepEqual(await s.metric('mapek_webhooks_total'), ['mapek_webhooks_total{result="accepted"} 2', 'mapek_webhooks_total{result="duplicate"} 4']);
});

test('item 2: a truncated notification whose visible alerts were seen before still triggers a cycle, and is counted and logged with its group key', async (t) => {
  const s = await server(t);
  const [first, resolved] = amScenario('truncation').deliveries as [CorpusDelivery, CorpusDelivery];
  t.is(first.body['truncatedAlerts'], 7);
  t.deepEqual((await s.post(first)).body, { accepted: 2, duplicates: 0, truncated: 7 });
  t.deepEqual((await s.post(first)).body, { accepted: 0, duplicates: 2, truncated: 7 });
  // Visible alerts all resolved, top-level status "resolved": 7 hidden alerts still fire.
  t.is(resolved.body['status'], 'resolved');
  t.deepEqual((await s.post(resolved)).body, { accepted: 2, duplicates: 0, truncated: 7 });
  t.deepEqual(s.triggers, [2, 0, 2]);
  t.deepEqual(await s.metric('mapek_webhook_truncated_notifications_total'), ['mapek_webhook_truncated_notifications_total 3']);
  t.deepEqual(await s.metric('mapek_webhook_truncated_alerts_total'), ['mapek_webhook_truncated_alerts_total 21']);
  t.deepEqual(await s.metric('mapek_webhooks_total'), ['mapek_webhooks_total{result="accepted"} 3']);
  const warned = s.lines.filter((l) => l['msg'] === 'webhook truncated by max_alerts; the cycle reads the whole group from alertmanager');
  t.is(warned.length, 3);
  t.like(warned[0], { level: 'warn', groupKey: '{}/{scenario="truncation"}:{alertname="CorpusTruncated", scenario="truncation"}', visible: 2, hidden: 7 });
  t.false('status' in (warned[2] as object), 'the top-level status of a truncated notification is not reported as the group state');
});

test('item 6: the Authorization scheme is case-insensitive (RFC 7235); the token is not', async (t) => {
  const s = await server(t);
  const [d] = amScenario('posted-by-hand').deliveries as [CorpusDelivery];
  t.is(d.authorization, 'Bearer corpus-token');
  t.is((await s.post(d, 'bearer corpus-token')).status, 202);
  t.is((await s.post(d, 'BEARER corpus-token')).status, 202);
  t.is((await s.post(d, 'Bearer  corpus-token')).status, 202);
  const wrong = await s.post(d, 'bearer CORPUS-TOKEN');
  t.is(wrong.status, 401);
  t.deepEqual(wrong.body, { error: { code: 'unauthorized', message: 'missing or wrong bearer token' } });
  t.is((await s.post(d, 'Basic corpus-token')).status, 401);
});

test('inhibited and silenced alerts never reach the receiver: the corpus shows only the inhibitor', (t) => {
  const names = (n: 'inhibition' | 'silence') => amScenario(n).deliveries.flatMap((d) => (d.body['alerts'] as { labels: Record<string, string> }[]).map((a) => a.labels['alertname']));
  t.deepEqual([...new Set(names('inhibition'))], ['CorpusInhibitor']);
  t.deepEqual(names('silence'), []);
});

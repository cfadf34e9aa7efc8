/**
 * The webhook endpoint fed thousands of generated and mutated inputs (seeded, bounded in
 * count and time): no crash, no unhandled rejection; every answer is 202 or a 4xx with a
 * JSON error message.
 */
import test from 'ava';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { createHttpServer, closeServer, listen } from '../../src/app/http-server.js';
import { WebhookDeduplicator } from '../../src/integration/webhook.js';
import { createServiceMetrics, silentLogger } from '../../src/observability/index.js';
import { mutateText, mutateValue, randomValue, rng } from './mutate.js';

const CAPTURES = '/work/shared/reference/captures/alertmanager-webhooks.json';

function seeds(): unknown[] {
  try {
    const v = JSON.parse(readFileSync(CAPTURES, 'utf8')) as unknown;
    const list = Array.isArray(v) ? v : Object.values(v as object);
    const found = list.map((x) => ((x as { body?: unknown }).body ?? x)).filter((x) => typeof x === 'object' && x !== null && (x as { version?: unknown }).version === '4');
    if (found.length > 0) return found;
  } catch {
    // fall through to the built-in seed
  }
  return [{
    version: '4', groupKey: '{}:{alertname="X"}', truncatedAlerts: 0, status: 'firing', receiver: 'mapek', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://am',
    alerts: [{ status: 'firing', labels: { alertname: 'X', severity: 'critical' }, annotations: {}, startsAt: '2026-01-01T00:00:00Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://p', fingerprint: '0123456789abcdef' }],
  }];
}

test('webhook endpoint: 3000 seeded fuzz inputs, every answer 202 or a clear 4xx', async (t) => {
  t.timeout(60_000);
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown): void => void unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  let triggers = 0;
  const server = createHttpServer({
    metrics: createServiceMetrics({ defaultMetrics: false }), log: silentLogger, webhookToken: 'tok', maxBodyBytes: 64 * 1024,
    dedup: new WebhookDeduplicator(), onAlerts: () => void triggers++, ready: () => ({ ready: true, reasons: [] }), health: () => ({}),
    decisions: async () => [], approvals: async () => [], decisionsLimit: 10,
  });
  const { port } = (await listen(server, '127.0.0.1', 0)) as AddressInfo;
  const r = rng(20261126);
  const base = seeds();
  const statuses = new Map<number, number>();
  const deadline = Date.now() + 45_000;
  let n = 0;
  for (; n < 3000 && Date.now() < deadline; n++) {
    const seed = base[n % base.length];
    const kind = r();
    let body: string;
    if (kind < 0.5) body = JSON.stringify(mutateValue(seed, r));
    else if (kind < 0.8) body = mutateText(JSON.stringify(seed), r);
    else if (kind < 0.95) body = JSON.stringify(randomValue(r));
    else body = 'x'.repeat(70 * 1024);
    const auth = r() < 0.05 ? 'Bearer wrong' : 'Bearer tok';
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/alerts/webhook`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body });
    const json = (await res.json()) as { error?: { message?: unknown }; accepted?: unknown };
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (res.status === 202) {
      t.is(typeof json.accepted, 'number');
    } else {
      t.true([400, 401, 413].includes(res.status), `status ${res.status} for ${body.slice(0, 200)}`);
      t.true(typeof json.error?.message === 'string' && json.error.message.length > 0);
    }
  }
  await closeServer(server);
  process.off('unhandledRejection', onUnhandled);
  t.deepEqual(unhandled, []);
  t.log(`${n} inputs: ${JSON.stringify(Object.fromEntries(statuses))}, ${triggers} triggers`);
  t.true((statuses.get(400) ?? 0) > 0 && (statuses.get(202) ?? 0) > 0);
});

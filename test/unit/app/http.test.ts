import test from 'ava';
import type { AddressInfo } from 'node:net';
import { createHttpServer, closeServer, listen } from '../../../src/app/http-server.js';
import { RuleSetHolder } from '../../../src/app/rules-holder.js';
import { WebhookDeduplicator } from '../../../src/integration/webhook.js';
import { createLogger, createServiceMetrics, silentLogger } from '../../../src/observability/index.js';
import type { RuleSet } from '../../../src/types/rules.js';

async function server(opts: { token?: string; accepting?: boolean } = {}) {
  const metrics = createServiceMetrics({ defaultMetrics: false });
  let alerts = 0;
  const s = createHttpServer({
    metrics, log: silentLogger, webhookToken: opts.token, maxBodyBytes: 2_000, dedup: new WebhookDeduplicator(),
    onAlerts: (a) => void (alerts += a.length), accepting: () => opts.accepting !== false,
    ready: () => ({ ready: false, reasons: ['no valid rule set loaded'] }), health: () => ({ mode: 'normal' }),
    decisions: async (limit) => Array.from({ length: limit }, (_, i) => ({ id: `d${i}` }) as never), approvals: async () => [{ id: 'a1' }], decisionsLimit: 5,
  });
  const { port } = (await listen(s, '127.0.0.1', 0)) as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => closeServer(s), alerts: () => alerts, metrics };
}

test('routes: health, readiness, metrics, decisions with limit, approvals, 404 and 405', async (t) => {
  const s = await server();
  t.teardown(s.close);
  t.deepEqual(await (await fetch(`${s.url}/healthz`)).json(), { status: 'ok', mode: 'normal' });
  const ready = await fetch(`${s.url}/readyz`);
  t.is(ready.status, 503);
  t.deepEqual(await ready.json(), { ready: false, reasons: ['no valid rule set loaded'] });
  t.regex(await (await fetch(`${s.url}/metrics`)).text(), /mapek_webhooks_total/);
  t.is(((await (await fetch(`${s.url}/api/v1/decisions?limit=3`)).json()) as { decisions: unknown[] }).decisions.length, 3);
  t.is(((await (await fetch(`${s.url}/api/v1/decisions?limit=99`)).json()) as { decisions: unknown[] }).decisions.length, 5);
  const bad = await fetch(`${s.url}/api/v1/decisions?limit=x`);
  t.is(bad.status, 400);
  t.deepEqual(await bad.json(), { error: { code: 'invalid_query', message: 'limit: must be a positive integer, got "x"' } });
  t.deepEqual(await (await fetch(`${s.url}/api/v1/approvals`)).json(), { approvals: [{ id: 'a1' }] });
  t.is((await fetch(`${s.url}/nope`)).status, 404);
  const m = await fetch(`${s.url}/api/v1/alerts/webhook`);
  t.is(m.status, 405);
  t.deepEqual(await m.json(), { error: { code: 'method_not_allowed', message: 'GET not allowed on /api/v1/alerts/webhook; use POST' } });
});

test('HEAD /healthz, /readyz and /metrics answers like GET (status, type, length) without a body; other methods still 405', async (t) => {
  const s = await server();
  t.teardown(s.close);
  for (const path of ['/healthz', '/readyz', '/metrics']) {
    const get = await fetch(`${s.url}${path}`);
    const getBody = await get.text();
    const head = await fetch(`${s.url}${path}`, { method: 'HEAD' });
    t.is(head.status, get.status, path);
    t.is(head.headers.get('content-type'), get.headers.get('content-type'), path);
    if (path !== '/metrics') t.is(head.headers.get('content-length'), String(Buffer.byteLength(getBody)), path);
    t.is(await head.text(), '', path);
  }
  const del = await fetch(`${s.url}/healthz`, { method: 'DELETE' });
  t.is(del.status, 405);
  t.deepEqual(await del.json(), { error: { code: 'method_not_allowed', message: 'DELETE not allowed on /healthz; use GET' } });
  t.is((await fetch(`${s.url}/api/v1/decisions`, { method: 'HEAD' })).status, 405);
});

test('webhook: token, size limit, invalid JSON, shutting down', async (t) => {
  const s = await server({ token: 'sekrit' });
  t.teardown(s.close);
  const post = (body: string, auth?: string) => fetch(`${s.url}/api/v1/alerts/webhook`, { method: 'POST', body, headers: auth ? { authorization: auth } : {} });
  t.is((await post('{}')).status, 401);
  const big = await post('x'.repeat(5_000), 'Bearer sekrit');
  t.is(big.status, 413);
  t.deepEqual(await big.json(), { error: { code: 'too_large', message: 'body of 5000 bytes exceeds the limit of 2000 bytes' } });
  const notJson = await post('{', 'Bearer sekrit');
  t.is(notJson.status, 400);
  t.is(((await notJson.json()) as { error: { code: string } }).error.code, 'invalid_json');
  const invalid = await post('{"version":"4"}', 'Bearer sekrit');
  t.is(invalid.status, 400);
  t.regex(((await invalid.json()) as { error: { message: string } }).error.message, /^invalid webhook payload: /);
  const down = await server({ accepting: false });
  t.teardown(down.close);
  t.is((await fetch(`${down.url}/api/v1/alerts/webhook`, { method: 'POST', body: '{}' })).status, 503);
});

const rs = (hash: string): RuleSet => ({ hash, files: ['r.yaml'], rules: [], namedConditions: {} });

test('rule holder: a failed reload keeps the previous set and says where', async (t) => {
  const lines: string[] = [];
  const metrics = createServiceMetrics({ defaultMetrics: false });
  let next: 'a' | 'bad' | 'b' | 'throw' = 'a';
  const holder = new RuleSetHolder(
    ['rules'],
    async () => {
      if (next === 'throw') throw new Error('EACCES');
      return next === 'bad' ? { ok: false, issues: [{ file: 'rules/x.yaml', line: 3, column: 5, path: 'rules[0].id', message: 'required' }] } : { ok: true, ruleSet: rs(next), warnings: [] };
    },
    (r) => ({ plan: () => [], hash: r.hash }) as never,
    createLogger({ level: 'info', write: (l) => lines.push(l) }),
    metrics,
    () => 100,
  );
  t.throws(() => holder.planner(), { message: 'no rule set loaded' });
  t.deepEqual(await holder.reload(), { ok: true, hash: 'a', changed: true });
  next = 'bad';
  t.deepEqual(await holder.reload(), { ok: false, issues: ['rules/x.yaml:3:5: rules[0].id: required'] });
  t.is(holder.ruleSet()?.hash, 'a');
  const text = await metrics.registry.metrics();
  t.regex(text, /mapek_ruleset_last_reload_successful 0/);
  t.regex(text, /mapek_ruleset_info\{hash="a"\} 1/);
  t.like(JSON.parse(lines.at(-1) ?? '{}'), { level: 'error', msg: 'rule reload rejected; previous rule set stays in force', keptHash: 'a' });
  next = 'throw';
  t.deepEqual(await holder.reload(), { ok: false, issues: ['rules: EACCES'] });
  next = 'b';
  const [r1, r2] = await Promise.all([holder.reload(), holder.reload()]);
  t.deepEqual(r1, r2);
  await new Promise((r) => setTimeout(r, 20));
  t.is(holder.ruleSet()?.hash, 'b');
  t.true(holder.loaded());
});

test('with extra (console) routes, a webhook is still answered when another request listener reads its body too', async (t) => {
  const metrics = createServiceMetrics({ defaultMetrics: false });
  let alerts = 0;
  const s = createHttpServer({
    metrics, log: silentLogger, webhookToken: undefined, maxBodyBytes: 20_000, dedup: new WebhookDeduplicator(),
    onAlerts: (a) => void (alerts += a.length), accepting: () => true,
    ready: () => ({ ready: true, reasons: [] }), health: () => ({}), decisions: async () => [], approvals: async () => [], decisionsLimit: 5,
    routes: async () => false, // an async hook, as the console's is
  });
  // What a benchmark's probe does: read every request body on its own 'data' listener.
  s.prependListener('request', (req) => req.on('data', () => undefined));
  const { port } = (await listen(s, '127.0.0.1', 0)) as AddressInfo;
  t.teardown(() => closeServer(s));
  const body = { version: '4', groupKey: '{}:{a="1"}', truncatedAlerts: 0, status: 'firing', receiver: 'mapek', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://am', alerts: [{ status: 'firing', labels: { alertname: 'CommitteeOverloaded', committee_id: 'c1' }, annotations: {}, startsAt: '2026-01-01T00:00:00Z', endsAt: '0001-01-01T00:00:00Z', generatorURL: '', fingerprint: 'f1' }] };
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/alerts/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(5_000) });
  t.is(res.status, 202);
  t.is(alerts, 1);
});

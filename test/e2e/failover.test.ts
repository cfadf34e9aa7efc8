/**
 * Failure modes on the real stack with `mapek run` as a child process: duplicate and
 * out-of-order webhooks, a bounded flood, an invalid rule edit, Charter answering 5xx and
 * timing out, Alertmanager killed, Prometheus killed. Serial: later tests kill parts.
 */
import anyTest, { type TestFn } from 'ava';
import { appendFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { E2E_TOKEN, metric, readExecutions, startE2e, type E2eWorld } from '../support/e2e-service.js';
import { waitUntil } from '../support/stack.js';

const test = anyTest as TestFn<{ w: E2eWorld }>;

test.before(async (t) => {
  t.timeout(60_000);
  t.context.w = await startE2e();
});
test.after.always(async (t) => {
  await t.context.w?.stop();
});

function payload(alerts: { status: 'firing' | 'resolved'; fp: string; startsAt: string }[]): unknown {
  return {
    version: '4', groupKey: '{}:{alertname="E2eSynthetic"}', truncatedAlerts: 0, status: alerts[0]?.status ?? 'firing', receiver: 'mapek',
    groupLabels: { alertname: 'E2eSynthetic' }, commonLabels: { alertname: 'E2eSynthetic' }, commonAnnotations: {}, externalURL: 'http://am',
    alerts: alerts.map((a) => ({
      status: a.status, labels: { alertname: 'E2eSynthetic', severity: 'info' }, annotations: {}, startsAt: a.startsAt,
      endsAt: a.status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-01-01T00:01:00Z', generatorURL: 'http://prom', fingerprint: a.fp,
    })),
  };
}

async function post(url: string, body: unknown, token: string | undefined = E2E_TOKEN): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/api/v1/alerts/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test.serial('duplicate and out-of-order webhooks: deduplicated, never a double apply; bad ones get a 4xx naming the field', async (t) => {
  const { mapek, charter } = t.context.w;
  const writesBefore = charter.writes.list().length;
  const firing = payload([{ status: 'firing', fp: 'aaaa000000000001', startsAt: '2026-01-01T00:00:00Z' }]);
  t.deepEqual(await post(mapek.url, firing), { status: 202, body: { accepted: 1, duplicates: 0 } });
  t.deepEqual(await post(mapek.url, firing), { status: 202, body: { accepted: 0, duplicates: 1 } });
  // Resolution arriving before its firing notification: both are new facts, both accepted.
  const resolvedFirst = payload([{ status: 'resolved', fp: 'aaaa000000000002', startsAt: '2026-01-01T00:00:00Z' }]);
  t.is((await post(mapek.url, resolvedFirst)).body['accepted'], 1);
  t.is((await post(mapek.url, payload([{ status: 'firing', fp: 'aaaa000000000002', startsAt: '2026-01-01T00:00:00Z' }]))).body['accepted'], 1);
  t.is((await post(mapek.url, firing, 'wrong')).status, 401);
  const bad = await post(mapek.url, { ...(firing as object), version: '3' });
  t.is(bad.status, 400);
  t.is((bad.body['error'] as { code: string }).code, 'invalid_payload');
  t.true(((bad.body['error'] as { issues: string[] }).issues).includes('version: expected "4", got "3"'));
  t.is((await post(mapek.url, '{not json')).status, 400);
  t.true((await metric(mapek.url, 'mapek_webhooks_total', { result: 'duplicate' })) >= 1);
  // Level-based: synthetic alerts that are not in Alertmanager change nothing in Charter.
  await new Promise((r) => setTimeout(r, 1_500));
  t.is(charter.writes.list().slice(writesBefore).filter((w) => w.applied).length, 0);
});

test.serial('a bounded flood of webhooks is absorbed: all accepted, cycles coalesced', async (t) => {
  t.timeout(60_000);
  const { mapek } = t.context.w;
  const cyclesBefore = await metric(mapek.url, 'mapek_cycles_total', { trigger: 'webhook' });
  const N = 400;
  const deadline = Date.now() + 30_000;
  let sent = 0;
  let ok = 0;
  const worker = async (): Promise<void> => {
    while (sent < N && Date.now() < deadline) {
      const i = sent++;
      const r = await post(mapek.url, payload([{ status: 'firing', fp: `f100d${String(i).padStart(11, '0')}`, startsAt: '2026-01-01T00:00:00Z' }]));
      if (r.status === 202 && r.body['accepted'] === 1) ok++;
    }
  };
  await Promise.all(Array.from({ length: 25 }, worker));
  t.is(ok, sent);
  const cycles = (await metric(mapek.url, 'mapek_cycles_total', { trigger: 'webhook' })) - cyclesBefore;
  t.log(`${sent} webhooks → ${cycles} webhook-triggered cycles`);
  t.true(cycles < sent / 4, `cycles coalesced (${cycles} for ${sent} webhooks)`);
  t.is((await fetch(`${mapek.url}/readyz`)).status, 200);
});

test.serial('an invalid rule edit is rejected with file:line and the previous rule set stays in force', async (t) => {
  t.timeout(30_000);
  const { mapek, rulesDir } = t.context.w;
  const hashLine = async (): Promise<string | undefined> => (await (await fetch(`${mapek.url}/metrics`)).text()).split('\n').find((l) => l.startsWith('mapek_ruleset_info{'));
  const before = await hashLine();
  const broken = path.join(rulesDir, 'zz-broken.yaml');
  await writeFile(broken, 'apiVersion: mapek/v1\nname: broken\nversion: 1\nrules:\n  - id: [unclosed\n');
  const line = await mapek.waitForLog((l) => l['msg'] === 'rule reload rejected; previous rule set stays in force', 15_000, 'reload rejected log');
  const issues = line['issues'] as string[];
  t.true(issues.some((i) => i.startsWith(`${broken}:5:`) || i.startsWith(`${broken}:6:`)), issues.join('\n'));
  t.is(await metric(mapek.url, 'mapek_ruleset_last_reload_successful'), 0);
  t.is(await hashLine(), before);
  await rm(broken);
  await waitUntil(async () => ((await metric(mapek.url, 'mapek_ruleset_last_reload_successful')) === 1 ? true : undefined), 15_000, 'reload success after the fix');
  t.is(await hashLine(), before);
  void appendFile;
});

test.serial('Charter answering 5xx and timing out: plan only, nothing written; acts once Charter recovers', async (t) => {
  t.timeout(90_000);
  const { mapek, charter } = t.context.w;
  charter.clientFaults.set({ errorRate: 1, timeoutRate: 0, latencyMs: 0 });
  await waitUntil(async () => ((await metric(mapek.url, 'mapek_source_degraded', { source: 'charter' })) === 1 ? true : undefined), 15_000, 'charter degraded');
  const health = (await (await fetch(`${mapek.url}/healthz`)).json()) as { mode: string };
  t.is(health.mode, 'plan_only');
  const f = charter.faults.inject('bad_rollout', 'pol-pii');
  const writesAt = charter.writes.list().length;
  await waitUntil(async () => ((await metric(mapek.url, 'mapek_guard_stops_total', { reason: 'charter_unavailable' })) > 0 ? true : undefined), 30_000, 'planned but not executed');
  charter.clientFaults.set({ errorRate: 0, timeoutRate: 1 });
  await new Promise((r) => setTimeout(r, 3_000));
  t.is(await metric(mapek.url, 'mapek_source_degraded', { source: 'charter' }), 1);
  t.is(charter.writes.list().slice(writesAt).filter((w) => w.applied).length, 0, 'nothing written while Charter fails');
  charter.clientFaults.set({ errorRate: 0, timeoutRate: 0 });
  await waitUntil(() => (charter.faults.get(f.id)?.state === 'cleared' ? true : undefined), 45_000, 'fault remediated after recovery');
  t.is(await metric(mapek.url, 'mapek_source_degraded', { source: 'charter' }), 0);
  const recs = await readExecutions(t.context.w.knowledgeDir);
  t.true(recs.some((r) => r.action.target === 'pol-pii' && ['applied', 'succeeded'].includes(r.status)));
});

test.serial('Alertmanager killed: degraded, alerts read from Prometheus ALERTS, a fault is still remediated', async (t) => {
  t.timeout(90_000);
  const { mapek, charter, stack } = t.context.w;
  await stack.alertmanager.stop();
  await waitUntil(async () => ((await metric(mapek.url, 'mapek_source_degraded', { source: 'alertmanager' })) === 1 ? true : undefined), 15_000, 'alertmanager degraded');
  const f = charter.faults.inject('committee_overload', 'committee-ops');
  await waitUntil(() => (charter.faults.get(f.id)?.state === 'cleared' ? true : undefined), 45_000, 'committee_overload remediated without Alertmanager');
  t.is(charter.faults.get(f.id)?.clearedBy, 'scale_committee');
  const health = (await (await fetch(`${mapek.url}/healthz`)).json()) as { degraded: { source: string }[] };
  t.true(health.degraded.some((d) => d.source === 'alertmanager'));
});

test.serial('Prometheus killed too: the loop carries on from Charter (violations and its own metrics), degraded and ready', async (t) => {
  t.timeout(60_000);
  const { mapek, stack } = t.context.w;
  await stack.prometheus.stop();
  await waitUntil(async () => ((await metric(mapek.url, 'mapek_source_degraded', { source: 'prometheus' })) === 1 ? true : undefined), 15_000, 'prometheus degraded');
  const before = await metric(mapek.url, 'mapek_cycles_total');
  await new Promise((r) => setTimeout(r, 3_000));
  t.true((await metric(mapek.url, 'mapek_cycles_total')) > before, 'cycles go on');
  t.true((await metric(mapek.url, 'mapek_monitor_errors_total', { source: 'prometheus' })) > 0);
  t.is((await fetch(`${mapek.url}/readyz`)).status, 200);
  const health = (await (await fetch(`${mapek.url}/healthz`)).json()) as { mode: string };
  t.is(health.mode, 'degraded');
});

/**
 * The Service (src/app/service.ts) in-process against the reference Charter, real HTTP on
 * 127.0.0.1 port 0: start/stop, readiness, degraded health modes, rule reload success and
 * failure (metrics, logs, previous set kept), the file watcher, graceful shutdown.
 */
import test from 'ava';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StartError } from '../../../src/app/service.js';
import { freePort, waitUntil } from '../../support/stack.js';
import { metricValue, serviceWorld } from '../../support/service-harness.js';

const BROKEN = 'apiVersion: mapek/v1\nname: broken\nversion: 1\nrules:\n  - id: [unclosed\n';

test('start: rules loaded, first cycle run, /readyz 200, /healthz normal; stop: not ready, store flushed and closed once, server closed', async (t) => {
  const w = await serviceWorld(t);
  const { service, store } = w;
  await service.controller.idle();
  t.deepEqual(await (await fetch(`${w.url()}/readyz`)).json(), { ready: true, reasons: [] });
  const health = (await (await fetch(`${w.url()}/healthz`)).json()) as Record<string, unknown>;
  t.like(health, { status: 'ok', mode: 'normal', degraded: [], breaker: 'closed', pendingVerifications: 0 });
  t.regex(String(health['ruleSetHash']), /^[0-9a-f]{8,}$/);
  t.like(health['lastCycle'], { status: 'ok' });
  t.is(await metricValue(w.url(), 'mapek_ruleset_last_reload_successful'), 1);
  t.is(await metricValue(w.url(), 'mapek_cycles_total', { trigger: 'startup', result: 'ok' }), 1);
  t.truthy(w.log.find('listening'));
  const url = w.url();
  t.true(await service.stop());
  t.true(await service.stop(), 'a second stop is a no-op');
  t.is(store.closed, 1);
  t.is(store.writesAfterClose, 0);
  t.deepEqual(service.ready(), { ready: false, reasons: ['knowledge store closed', 'shutting down'] });
  await t.throwsAsync(fetch(`${url}/readyz`));
  t.truthy(w.log.find('stopped'));
});

test('before start: not ready because no rule set is loaded', async (t) => {
  const w = await serviceWorld(t, { start: false });
  t.deepEqual(w.service.ready(), { ready: false, reasons: ['no valid rule set loaded'] });
  t.throws(() => w.service.rules.planner(), { message: 'no rule set loaded' });
});

test('start with an invalid rule file: StartError naming file and line, nothing served', async (t) => {
  const w = await serviceWorld(t, { start: false, copyRules: true });
  const broken = path.join(w.rulesDir, 'zz-broken.yaml');
  await writeFile(broken, BROKEN);
  const err = await t.throwsAsync(w.service.start(), { instanceOf: StartError });
  t.is(err?.message, `rule files invalid:\n${broken}:6:1: invalid yaml: unexpected end of the stream within a flow collection`);
  t.is(w.service.address, undefined);
  t.false(w.service.ready().ready);
});

test('Prometheus unreachable: mode degraded, the source and its error in /healthz and metrics; still ready', async (t) => {
  const port = await freePort();
  const w = await serviceWorld(t, { config: { prometheusUrl: `http://127.0.0.1:${port}` } });
  await w.service.controller.idle();
  const health = (await (await fetch(`${w.url()}/healthz`)).json()) as { mode: string; degraded: { source: string; error: string }[] };
  t.is(health.mode, 'degraded');
  t.deepEqual(health.degraded.map((d) => d.source), ['prometheus']);
  t.true(health.degraded[0]!.error.length > 0);
  t.is(await metricValue(w.url(), 'mapek_source_degraded', { source: 'prometheus' }), 1);
  t.is(await metricValue(w.url(), 'mapek_source_degraded', { source: 'charter' }), 0);
  t.is(await metricValue(w.url(), 'mapek_monitor_errors_total', { source: 'prometheus' }), 1);
  t.is((await fetch(`${w.url()}/readyz`)).status, 200);
});

test('Charter failing: mode plan_only (decisions planned, nothing executed)', async (t) => {
  const w = await serviceWorld(t, { start: false });
  w.charter.clientFaults.set({ errorRate: 1 });
  await w.service.start();
  await w.service.controller.idle();
  t.like(w.service.health(), { mode: 'plan_only' });
  t.is(await metricValue(w.url(), 'mapek_source_degraded', { source: 'charter' }), 1);
  t.is(w.charter.writes.list().filter((x) => x.applied).length, 0);
});

test('reload: an invalid edit is rejected with file:line, the previous set stays; a valid edit loads and triggers a cycle', async (t) => {
  const w = await serviceWorld(t, { copyRules: true });
  await w.service.controller.idle();
  const hash = w.service.rules.ruleSet()?.hash;
  const broken = path.join(w.rulesDir, 'zz-broken.yaml');
  await writeFile(broken, BROKEN);
  await w.service.reloadRules('test');
  t.is(await metricValue(w.url(), 'mapek_ruleset_last_reload_successful'), 0);
  t.is(w.service.rules.ruleSet()?.hash, hash);
  t.is(await metricValue(w.url(), 'mapek_ruleset_info', { hash: hash! }), 1);
  const rejected = w.log.find('rule reload rejected; previous rule set stays in force');
  t.is(rejected?.['keptHash'], hash);
  t.deepEqual(rejected?.['issues'], [`${broken}:6:1: invalid yaml: unexpected end of the stream within a flow collection`]);
  t.true(w.service.ready().ready, 'still ready with the previous set');

  await rm(broken);
  const file = path.join(w.rulesDir, 'committees.yaml');
  await writeFile(file, (await readFile(file, 'utf8')).replace('priority: 90', 'priority: 91'));
  await w.service.reloadRules('test');
  const now = w.service.rules.ruleSet()?.hash;
  t.not(now, hash);
  t.is(await metricValue(w.url(), 'mapek_ruleset_last_reload_successful'), 1);
  t.is(await metricValue(w.url(), 'mapek_ruleset_info', { hash: now! }), 1);
  await waitUntil(async () => ((await metricValue(w.url(), 'mapek_cycles_total', { trigger: 'reload' })) >= 1 ? true : undefined), 10_000, 'a reload-triggered cycle');
  t.like(w.log.find('reloading rules'), { reason: 'test' });
});

test('watchRules: a file change is picked up (debounced) without a signal', async (t) => {
  const w = await serviceWorld(t, { copyRules: true, parts: { watchRules: true } });
  const broken = path.join(w.rulesDir, 'zz-broken.yaml');
  await writeFile(broken, BROKEN);
  const line = await waitUntil(() => w.log.find('rule reload rejected; previous rule set stays in force'), 10_000, 'reload after the file change', 20);
  t.true((line['issues'] as string[]).some((i) => i.startsWith(`${broken}:`)));
  t.like(w.log.find('reloading rules'), { reason: 'file change' });
});

test('graceful stop with a cycle in flight: waits shutdownGrace, says the intent stays recorded, still closes the store', async (t) => {
  const w = await serviceWorld(t, { start: false, config: { shutdownGraceMs: 100, requestTimeoutMs: 5_000 } });
  w.charter.clientFaults.set({ latencyMs: 1_500 });
  await w.service.start();
  await waitUntil(() => (w.service.controller.isRunning() ? true : undefined), 2_000, 'the first cycle in flight', 5);
  t.false(await w.service.stop());
  t.truthy(w.log.find('cycle still running at shutdown; its intent stays recorded for recovery'));
  t.is(w.store.closed, 1);
  // Triggers after stop are refused.
  t.false(w.service.controller.trigger('webhook'));
});

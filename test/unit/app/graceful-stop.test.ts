/**
 * Graceful stop with an action in flight, against the reference Charter behind a gate that
 * holds the first committee write (a slow Charter): no new action starts after stop; the
 * actions not started are recorded `released`; the store is closed only between writes and
 * refuses later ones; past the grace period the action in flight stays recorded as its intent
 * and the next start reconciles it — one applied write per committee in Charter, never two.
 */
import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildClients } from '../../../src/app/clients.js';
import { Service } from '../../../src/app/service.js';
import { startCharter, type CharterHandle } from '../../../src/charter/index.js';
import { compileConfig } from '../../../src/config/compile.js';
import { NedbKnowledgeStore } from '../../../src/knowledge/index.js';
import type { CharterApi } from '../../../src/types/ports.js';
import { firingAlert, settableAlertmanager, uncooledRules } from '../../support/loop-fix.js';
import { capturingLogger } from '../../support/service-harness.js';
import { REPO_ROOT, waitUntil } from '../../support/stack.js';

/** Holds putCommittee calls until released (while `closed`). */
function gatedCharter(api: CharterApi): CharterApi & { hits: number; release(): void; closed: boolean } {
  let open: () => void = () => undefined;
  let gate = new Promise<void>((r) => (open = r));
  const g = {
    hits: 0,
    closed: true,
    release: () => {
      g.closed = false;
      open();
    },
  };
  return new Proxy(api, {
    get(target, prop, receiver) {
      if (prop in g) return (g as Record<string | symbol, unknown>)[prop];
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      const f = (v as (...a: unknown[]) => Promise<unknown>).bind(target);
      if (prop !== 'putCommittee') return f;
      return async (...args: unknown[]) => {
        g.hits++;
        if (g.closed) await gate;
        return f(...args);
      };
    },
    set(_t, prop, value) {
      (g as Record<string | symbol, unknown>)[prop] = value;
      return true;
    },
  }) as CharterApi & typeof g;
}

async function world(t: { teardown(fn: () => Promise<void>): void }, graceMs: number) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-stop-'));
  const charter: CharterHandle = await startCharter({ port: 0, seed: 7, tickMs: 100 });
  t.teardown(async () => {
    await charter.close();
    await rm(dir, { recursive: true, force: true });
  });
  const am = settableAlertmanager();
  const startsAt = new Date(Date.now() - 1_000).toISOString();
  am.current = ['committee-safety', 'committee-ops'].map((c, i) => firingAlert('CommitteeOverloaded', { committee_id: c, severity: 'warning' }, `c00000000000000${i}`, startsAt));
  const compiled = compileConfig({
    defaults: { charterApiUrl: charter.url, listenPort: 0, intervalMs: 60_000, requestTimeoutMs: 10_000, cycleTimeoutMs: 30_000, rules: [path.join(REPO_ROOT, 'rules')], shutdownGraceMs: graceMs, knowledgeDir: path.join(dir, 'knowledge') },
  });
  if (!compiled.ok) throw new Error(compiled.errors.join('\n'));
  const config = compiled.config;
  const start = async (gated: boolean) => {
    const clients = buildClients(config);
    const api = gated ? gatedCharter(clients.charter) : clients.charter;
    const store = await NedbKnowledgeStore.open(config.knowledgeDir);
    const log = capturingLogger();
    const service = new Service({ config, log, charter: api, alertmanager: am, store, loadRules: uncooledRules(), executorOptions: { hysteresis: { minCycles: 1 }, cooldownMs: 0 }, http: false, watchRules: false });
    await service.start();
    return { service, store, log, api: api as ReturnType<typeof gatedCharter> };
  };
  const applied = (committee: string) => charter.writes.list().filter((w) => w.applied && w.path.includes(committee)).length;
  return { charter, config, start, applied };
}

test('stop while an action is in flight: it finishes; the next one is not started but recorded released; nothing is written after the flush', async (t) => {
  const w = await world(t, 20_000);
  const a = await w.start(true);
  await waitUntil(() => (a.api.hits === 1 ? true : undefined), 5_000, 'the first committee write in flight', 5);
  const stopping = a.service.stop();
  await new Promise((r) => setTimeout(r, 50));
  t.false(a.service.ready().ready);
  a.api.release();
  t.true(await stopping, 'the cycle reached its safe point within the grace period');
  t.is(a.api.hits, 1, 'no action started after stop');

  const store = await NedbKnowledgeStore.open(w.config.knowledgeDir);
  const byStatus = Object.fromEntries((await store.findExecutions({})).map((e) => [e.status, e]));
  t.deepEqual(Object.keys(byStatus).sort(), ['applied', 'released']);
  t.is(byStatus['released']?.error, 'not started: stopped: shutting down; nothing changed; the next cycle may run it');
  t.is(byStatus['released']?.attempts, 0);
  t.is(w.applied(byStatus['applied']?.action.target ?? '?'), 1);
  t.is(w.applied(byStatus['released']?.action.target ?? '?'), 0);
  t.truthy(a.log.find('action not started: cycle stopping; recorded released for the next cycle'));
  t.like(a.log.find('stopped'), { cycleFinished: true });
  t.false(a.log.lines.some((l) => String(l['error'] ?? '').includes('knowledge store is closed')), 'no write was refused: none came after close');
  await store.close();

  // The next start runs the released action (same key) and leaves the applied one alone.
  const b = await w.start(false);
  await b.service.controller.idle();
  await b.service.stop();
  const after = await NedbKnowledgeStore.open(w.config.knowledgeDir);
  const released = await after.getExecution(byStatus['released']?.key ?? '');
  t.is(released?.status, 'applied');
  t.is(released?.attempts, 1);
  t.is(w.applied(released?.action.target ?? '?'), 1);
  t.is(w.applied(byStatus['applied']?.action.target ?? '?'), 1, 'never applied twice');
  await after.close();
});

test('stop past the grace period: the store closes between writes and refuses later ones; the action stays recorded as its intent and the next start reconciles it (one write)', async (t) => {
  const w = await world(t, 100);
  const a = await w.start(true);
  await waitUntil(() => (a.api.hits === 1 ? true : undefined), 5_000, 'the first committee write in flight', 5);
  t.false(await a.service.stop(), 'the write was still in flight after the grace period');
  t.regex(String(a.log.find('cycle still running at shutdown; its intent stays recorded for recovery')?.['cycleId']), /^c-/);
  a.api.release(); // the slow write lands in Charter after the store was closed
  await a.service.controller.settled();
  const refused = a.log.lines.find((l) => l['msg'] === 'execution record not written; kept and retried until it is');
  t.regex(String(refused?.['error']), /^knowledge store is closed \(shutting down\): executions ".+" not written$/);
  t.is(a.api.hits, 1);

  const store = await NedbKnowledgeStore.open(w.config.knowledgeDir);
  const records = await store.findExecutions({});
  const inFlight = records.find((r) => r.status === 'pending');
  t.truthy(inFlight?.prior, 'the intent with its prior state was on record before the write');
  t.deepEqual(records.filter((r) => r.key !== inFlight?.key).map((r) => r.status), ['released'], 'the other action: recorded released while the first was in flight');
  t.is(w.applied(inFlight?.action.target ?? '?'), 1);
  await store.close();

  const b = await w.start(false); // recover(): the write landed → applied, not re-sent
  t.truthy(b.log.lines.find((l) => l['msg'] === 'recovered intent' && l['status'] === 'applied'));
  await b.service.controller.idle();
  await b.service.stop();
  t.is(w.applied(inFlight?.action.target ?? '?'), 1, 'never applied twice');
});

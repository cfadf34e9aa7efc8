/**
 * A run of failed cycles is not hidden behind "ok": after `unreadyAfterFailedCycles` in a
 * row /readyz answers 503 with the error and /healthz says degraded with the last error;
 * mapek_cycles_failed_consecutive counts them; one good cycle clears it all.
 */
import test from 'ava';
import { MemoryKnowledgeStore } from '../../../src/knowledge/index.js';
import type { Weights } from '../../../src/types/rules.js';
import { metricValue, serviceWorld } from '../../support/service-harness.js';

class BrokenWeights extends MemoryKnowledgeStore {
  broken = true;
  override async currentWeights(): Promise<Weights> {
    if (this.broken) throw new Error('"undefined" is not valid JSON');
    return super.currentWeights();
  }
}

test('three failed cycles in a row: not ready, degraded with the last error, counted; a good cycle clears it', async (t) => {
  const store = new BrokenWeights();
  const w = await serviceWorld(t, { config: { unreadyAfterFailedCycles: 3 }, parts: { store } });
  const cycle = async (): Promise<void> => {
    w.service.controller.trigger('manual');
    await w.service.controller.idle();
  };
  await w.service.controller.idle(); // the startup cycle: 1 failure
  await cycle(); // 2
  t.is((await fetch(`${w.url()}/readyz`)).status, 200, 'two failures: still ready');
  t.like(await (await fetch(`${w.url()}/healthz`)).json(), { status: 'ok' });
  await cycle(); // 3
  const ready = await fetch(`${w.url()}/readyz`);
  t.is(ready.status, 503);
  t.deepEqual(await ready.json(), { ready: false, reasons: ['3 consecutive cycles failed; last: "undefined" is not valid JSON'] });
  const health = (await (await fetch(`${w.url()}/healthz`)).json()) as Record<string, unknown>;
  t.like(health, { status: 'degraded', failedCycles: { consecutive: 3, threshold: 3, last: { error: '"undefined" is not valid JSON' } } });
  t.is(await metricValue(w.url(), 'mapek_cycles_failed_consecutive'), 3);

  store.broken = false;
  await cycle();
  t.is((await fetch(`${w.url()}/readyz`)).status, 200);
  const healed = (await (await fetch(`${w.url()}/healthz`)).json()) as Record<string, unknown>;
  t.is(healed['status'], 'ok');
  t.false('failedCycles' in healed);
  t.is(await metricValue(w.url(), 'mapek_cycles_failed_consecutive'), 0);
});

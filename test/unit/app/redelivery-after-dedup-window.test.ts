/**
 * The webhook deduplicator remembers the newest 10,000 alerts: a re-delivery that arrives
 * after 10,000 newer ones is not recognised there and triggers a cycle again. That is
 * harmless because the intent key (rule, target, incident, episode) stops a second action —
 * proven here with cooldowns off, so that nothing but the key stands in the way.
 */
import test from 'ava';
import { firingAlert, settableAlertmanager, uncooledRules } from '../../support/loop-fix.js';
import { metricValue, serviceWorld } from '../../support/service-harness.js';

interface Delivered { fp: string; labels: Record<string, string>; startsAt: string }

function body(alerts: readonly Delivered[]): string {
  return JSON.stringify({
    version: '4', groupKey: '{}:{}', truncatedAlerts: 0, status: 'firing', receiver: 'mapek', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://am',
    alerts: alerts.map((a) => ({ status: 'firing', labels: a.labels, annotations: {}, startsAt: a.startsAt, endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://prom', fingerprint: a.fp })),
  });
}

test('a duplicate delivered after 10,000 newer alerts triggers a cycle again but is never applied twice', async (t) => {
  t.timeout(60_000);
  const am = settableAlertmanager();
  const startsAt = new Date(Date.now() - 1_000).toISOString();
  const labels = { alertname: 'CommitteeOverloaded', committee_id: 'committee-ops', severity: 'warning' };
  const w = await serviceWorld(t, { start: false, config: { webhookToken: 'tok' }, parts: { alertmanager: am, loadRules: uncooledRules(), executorOptions: { hysteresis: { minCycles: 1 }, cooldownMs: 0 } } });
  await w.service.start();
  await w.service.controller.idle(); // the start-up cycle: nothing firing yet
  const post = async (alerts: readonly Delivered[]): Promise<Record<string, unknown>> => {
    const res = await fetch(`${w.url()}/api/v1/alerts/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer tok' }, body: body(alerts) });
    t.is(res.status, 202);
    return (await res.json()) as Record<string, unknown>;
  };
  const a: Delivered = { fp: 'a000000000000001', labels, startsAt };
  am.current = [firingAlert('CommitteeOverloaded', labels, a.fp, startsAt)];
  t.deepEqual(await post([a]), { accepted: 1, duplicates: 0 });
  await w.service.controller.idle();
  const writes = () => w.charter.writes.list().filter((x) => x.applied && x.path.includes('committee-ops')).length;
  t.is(writes(), 1);
  t.deepEqual(await post([a]), { accepted: 0, duplicates: 1 }, 'inside the window: recognised');

  // 10,000 newer alerts push it out of the deduplicator's window.
  for (let batch = 0; batch < 10; batch++) {
    const flood = Array.from({ length: 1_000 }, (_, i) => ({ fp: `f${String(batch * 1_000 + i).padStart(15, '0')}`, labels: { alertname: 'Synthetic', severity: 'info', n: String(batch * 1_000 + i) }, startsAt }));
    t.is((await post(flood))['accepted'], 1_000);
  }
  await w.service.controller.idle();
  const cyclesBefore = await metricValue(w.url(), 'mapek_cycles_total', { trigger: 'webhook' });
  t.deepEqual(await post([a]), { accepted: 1, duplicates: 0 }, 'past the window: taken as new');
  await w.service.controller.idle();
  t.true((await metricValue(w.url(), 'mapek_cycles_total', { trigger: 'webhook' })) > cyclesBefore, 'it triggered a cycle');

  t.is(writes(), 1, 'never applied twice');
  const intents = (await w.store.findExecutions({})).filter((e) => e.action.target === 'committee-ops' && e.status !== 'blocked');
  t.deepEqual(intents.map((e) => e.status), ['applied']);
  const latest = (await w.store.recentDecisions(1))[0];
  t.deepEqual(latest?.duplicates?.map((x) => [x.key, x.executionId]), [[intents[0]?.key, intents[0]?.id]], 'the last decision names the execution that holds the key');
});

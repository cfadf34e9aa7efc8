/** AlertIntake: the skew gauge and its warning (once per crossing of the threshold). */
import test from 'ava';
import { AlertIntake, SKEW_WARN_SECONDS } from '../../../src/app/alert-intake.js';
import { createServiceMetrics } from '../../../src/observability/index.js';
import type { Alert } from '../../../src/types/alert.js';
import type { AlertmanagerApi } from '../../../src/types/ports.js';
import { capturingLogger } from '../../support/service-harness.js';

const T = Date.parse('2026-12-02T05:00:00.000Z');
const alert = (updatedAt: string): Alert => ({ fingerprint: 'f', name: 'X', severity: 'critical', state: 'firing', labels: { alertname: 'X' }, annotations: {}, startsAt: updatedAt, updatedAt, silenced: false, inhibited: false, source: 'alertmanager' });

test('skew above the threshold: gauge set, one warning until it drops back', async (t) => {
  let updatedAt = new Date(T + 4_000).toISOString();
  const api = { alerts: async () => [alert(updatedAt)] } as unknown as AlertmanagerApi;
  const metrics = createServiceMetrics({ defaultMetrics: false });
  const log = capturingLogger();
  const intake = new AlertIntake(api, metrics, log);
  const gauge = async () => (await metrics.alertmanagerSkew.get()).values[0]?.value;
  await intake.source.read(new Date(T));
  await intake.source.read(new Date(T));
  t.is(await gauge(), 4);
  t.is(SKEW_WARN_SECONDS, 2);
  const warns = () => log.lines.filter((l) => l['msg'] === 'alertmanager clock ahead of the local clock; check ntp on both hosts');
  t.deepEqual(warns().map((l) => l['seconds']), [4]);
  updatedAt = new Date(T - 1_000).toISOString();
  await intake.source.read(new Date(T));
  t.is(await gauge(), 0);
  t.like(intake.health('alertmanager'), { source: 'alertmanager', heldAlerts: 0, skewSeconds: 0 });
  updatedAt = new Date(T + 3_000).toISOString();
  await intake.source.read(new Date(T));
  t.deepEqual(warns().map((l) => l['seconds']), [4, 3]);
});

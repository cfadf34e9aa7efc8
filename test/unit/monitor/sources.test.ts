import type { MetricFact } from '../../../src/types/facts.js';
import test from 'ava';
import { CompositeMonitor } from '../../../src/monitor/composite.js';
import { PrometheusSource, alertsFromSeries } from '../../../src/monitor/prometheus-source.js';
import { AlertmanagerSource } from '../../../src/monitor/alertmanager-source.js';
import { CharterSource } from '../../../src/monitor/charter-source.js';
import { labelsFingerprint } from '../../../src/monitor/fingerprint.js';
import { parseExposition } from '../../../src/monitor/exposition.js';
import type { MonitorSource } from '../../../src/monitor/source.js';
import type { Alert } from '../../../src/types/alert.js';
import type { AlertmanagerApi, CharterApi, PrometheusApi, PromQueryResult } from '../../../src/types/ports.js';
import type { Violation } from '../../../src/types/charter.js';

const now = new Date('2026-01-01T00:00:10.000Z');

test('fingerprint matches Alertmanager (FNV-1a 64 over sorted labels)', (t) => {
  // Empty label set hashes to the FNV offset basis.
  t.is(labelsFingerprint({}), 'cbf29ce484222325');
  t.is(labelsFingerprint({ b: '2', a: '1' }), labelsFingerprint({ a: '1', b: '2' }));
  t.not(labelsFingerprint({ a: '1' }), labelsFingerprint({ a: '2' }));
});

test('exposition parser reads labels, escapes, special values and skips junk', (t) => {
  const s = parseExposition('# HELP x\nx{a="1",b="q\\"z"} 3\ny +Inf\nz -Inf 123\nw NaN\nbad line here\nv notanumber\n');
  t.deepEqual(s, [
    { name: 'x', labels: { a: '1', b: 'q"z' }, value: 3 },
    { name: 'y', labels: {}, value: Infinity },
    { name: 'z', labels: {}, value: -Infinity },
    { name: 'w', labels: {}, value: NaN },
  ]);
});

const vector = (items: { metric: Record<string, string>; v: number }[]): PromQueryResult => ({ resultType: 'vector', result: items.map((i) => ({ metric: i.metric, value: [0, i.v] as const })) });

function fakeProm(answer: (q: string) => PromQueryResult): PrometheusApi {
  return {
    query: async (q) => answer(q),
    queryRange: async () => ({ resultType: 'matrix', result: [] }),
    series: async () => [],
  };
}

const FACTS: readonly MetricFact[] = [
  { name: 'criticalViolationRate', description: 'c', subject: 'policy', by: 'policy_id', promql: 'sum by (policy_id) (rate(critical_total[1m]))' },
  { name: 'complianceRatio', description: 'c', subject: 'service', promql: 'min(compliance)' },
  { name: 'policyVersion', description: 'no query: the deriver serves it', subject: 'policy', by: 'policy_id' },
];

test('PrometheusSource runs every fact with a query and reads firing ALERTS with activeAt', async (t) => {
  const alertLabels = { alertname: 'CriticalViolationDetected', policy_id: 'p1', severity: 'critical', team: 'policy' };
  const src = new PrometheusSource(
    fakeProm((q) => {
      if (q.startsWith('ALERTS{')) return vector([{ metric: { __name__: 'ALERTS', alertstate: 'firing', ...alertLabels }, v: 1 }]);
      if (q === 'ALERTS_FOR_STATE') return vector([{ metric: { __name__: 'ALERTS_FOR_STATE', ...alertLabels }, v: 1767225600 }]);
      if (q.includes('compliance')) return { resultType: 'scalar', result: [0, 0.95] };
      return vector([{ metric: { policy_id: 'p1' }, v: 2 }]);
    }),
    () => FACTS,
  );
  const r = await src.read(now);
  t.deepEqual(r.metrics?.['complianceRatio'], [{ labels: {}, value: 0.95 }]);
  t.deepEqual(r.metrics?.['criticalViolationRate'], [{ labels: { policy_id: 'p1' }, value: 2 }]);
  t.deepEqual(Object.keys(r.metrics ?? {}), ['criticalViolationRate', 'complianceRatio']);
  t.is(r.ranges, undefined);
  const a = r.alerts?.[0];
  t.is(a?.name, 'CriticalViolationDetected');
  t.is(a?.fingerprint, labelsFingerprint(alertLabels));
  t.is(a?.startsAt, '2026-01-01T00:00:00.000Z');
  t.is(a?.source, 'prometheus');
});

test('PrometheusSource reads a range fact through query_range over its window and step, at most N queries at once', async (t) => {
  const asked: { q: string; start: number; end: number; step: number }[] = [];
  let inFlight = 0;
  let most = 0;
  const facts: MetricFact[] = Array.from({ length: 5 }, (_, i) => ({
    name: `slope${i}`, description: 'd', subject: 'policy', by: 'policy_id', promql: `sum by (policy_id) (rate(v${i}[1m]))`,
    range: { windowMs: 900_000, stepMs: 30_000, reduce: 'slope' },
  }));
  const api: PrometheusApi = {
    query: async () => ({ resultType: 'vector', result: [] }),
    queryRange: async (q, start, end, step) => {
      asked.push({ q, start: start.getTime(), end: end.getTime(), step });
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return { resultType: 'matrix', result: [{ metric: { policy_id: 'p1' }, values: [[1, 0.5], [31, 0.75]] }] };
    },
    series: async () => [],
  };
  const r = await new PrometheusSource(api, () => facts, 2).read(now);
  t.is(asked.length, 5);
  t.deepEqual(asked[0], { q: 'sum by (policy_id) (rate(v0[1m]))', start: now.getTime() - 900_000, end: now.getTime(), step: 30 });
  t.is(most, 2);
  t.deepEqual(r.ranges?.['slope3'], [{ labels: { policy_id: 'p1' }, points: [[1, 0.5], [31, 0.75]] }]);
  t.deepEqual(r.metrics, {});
});

test('alertsFromSeries defaults an unknown severity to warning and a missing activeAt to epoch', (t) => {
  const [a] = alertsFromSeries([{ labels: { alertname: 'X', severity: 'page' }, value: 1 }], []);
  t.is(a?.severity, 'warning');
  t.is(a?.startsAt, '1970-01-01T00:00:00.000Z');
});

test('PrometheusSource fails as a whole when a query fails', async (t) => {
  const src = new PrometheusSource(fakeProm(() => { throw new Error('connect ECONNREFUSED 127.0.0.1:9090'); }), () => FACTS);
  await t.throwsAsync(src.read(now), { message: 'named query "alerts" (ALERTS{alertstate="firing"}) failed: connect ECONNREFUSED 127.0.0.1:9090' });
});

const alert = (over: Partial<Alert> = {}): Alert => ({
  fingerprint: 'f1', name: 'CriticalViolationDetected', severity: 'critical', state: 'firing', labels: { alertname: 'CriticalViolationDetected', policy_id: 'p1' },
  annotations: {}, startsAt: '2026-01-01T00:00:00.000Z', silenced: false, inhibited: false, source: 'alertmanager', ...over,
});

test('AlertmanagerSource asks for active, silenced and inhibited alerts', async (t) => {
  let asked: unknown;
  const api = { alerts: async (o: unknown) => { asked = o; return [alert({ silenced: true })]; } } as unknown as AlertmanagerApi;
  const r = await new AlertmanagerSource(api).read(now);
  t.deepEqual(asked, { active: true, silenced: true, inhibited: true });
  t.true(r.alerts?.[0]?.silenced);
});

const violation: Violation = { id: 'v1', policyId: 'p1', policyName: 'P1', severity: 'critical', nodeOrService: 'n1', message: 'm', timestamp: '2026-01-01T00:00:09.000Z' };

test('CharterSource reads violations since the lookback', async (t) => {
  let q: unknown;
  const api = { listViolations: async (x: unknown) => { q = x; return [violation]; } } as unknown as CharterApi;
  const r = await new CharterSource(api, { lookbackMs: 5_000 }).read(now);
  t.deepEqual(q, { since: '2026-01-01T00:00:05.000Z' });
  t.deepEqual(r, { violations: [violation], windows: { violationsMs: 5_000 } });
});

const stub = (name: MonitorSource['name'], read: MonitorSource['read']): MonitorSource => ({ name, read });

test('CompositeMonitor prefers Alertmanager alerts and Prometheus metrics', async (t) => {
  const m = new CompositeMonitor({
    now: () => now,
    sources: [
      stub('prometheus', async () => ({ metrics: { up: [{ labels: {}, value: 1 }] }, alerts: [alert({ source: 'prometheus' })] })),
      stub('alertmanager', async () => ({ alerts: [alert({ silenced: true })] })),
      stub('charter', async () => ({ violations: [violation], metrics: { up: [{ labels: {}, value: 0 }] } })),
    ],
  });
  const s = await m.observe();
  t.is(s.at, now.toISOString());
  t.is(s.alerts[0]?.source, 'alertmanager');
  t.deepEqual(s.metrics, { up: [{ labels: {}, value: 1 }] });
  t.deepEqual(s.violations, [violation]);
  t.deepEqual(s.sources, { prometheus: { ok: true }, alertmanager: { ok: true }, charter: { ok: true } });
});

test('CompositeMonitor degrades: Alertmanager down → Prometheus ALERTS; Prometheus down → Charter metrics', async (t) => {
  const down = async (): Promise<never> => { throw new Error('connect ECONNREFUSED'); };
  const s1 = await new CompositeMonitor({
    now: () => now,
    sources: [
      stub('prometheus', async () => ({ metrics: {}, alerts: [alert({ source: 'prometheus' })] })),
      stub('alertmanager', down),
      stub('charter', async () => ({ violations: [] })),
    ],
  }).observe();
  t.is(s1.alerts[0]?.source, 'prometheus');
  t.deepEqual(s1.sources.alertmanager, { ok: false, error: 'connect ECONNREFUSED' });

  const s2 = await new CompositeMonitor({
    now: () => now,
    sources: [stub('prometheus', down), stub('alertmanager', async () => ({ alerts: [alert()] })), stub('charter', async () => ({ violations: [], metrics: { up: [{ labels: {}, value: 1 }] } }))],
  }).observe();
  t.deepEqual(s2.metrics, { up: [{ labels: {}, value: 1 }] });
  t.is(s2.alerts.length, 1);
  t.false(s2.sources.prometheus?.ok);
});

test('CompositeMonitor: a hanging source times out and everything down still yields a snapshot', async (t) => {
  const s = await new CompositeMonitor({
    now: () => now,
    timeoutMs: 20,
    sources: [stub('charter', () => new Promise(() => undefined)), stub('prometheus', async () => { throw 'weird'; })],
  }).observe();
  t.deepEqual(s.sources, { charter: { ok: false, error: 'charter did not answer within 20 ms' }, prometheus: { ok: false, error: 'weird' } });
  t.deepEqual([s.alerts, s.violations, s.metrics], [[], [], {}]);
});

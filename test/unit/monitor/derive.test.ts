import test from 'ava';
import { CharterMetricsDeriver } from '../../../src/monitor/derive.js';
import { AlertEvaluator, evaluateConditions } from '../../../src/monitor/alert-evaluator.js';
import { CharterSource } from '../../../src/monitor/charter-source.js';
import { CompositeMonitor } from '../../../src/monitor/composite.js';
import { parseExposition } from '../../../src/monitor/exposition.js';
import type { CharterApi } from '../../../src/types/ports.js';

function text(o: { crit: number; other: number; loadFail?: boolean; queue?: number; p99?: number; viol?: number; enf?: number; compliance?: number; quarantined?: number; api5xx?: number; api200?: number }): string {
  return [
    `westworld_charter_policy_violations_total{severity="critical",policy_id="p1",policy_name="P1"} ${o.crit}`,
    `westworld_charter_policy_violations_total{severity="low",policy_id="p1",policy_name="P1"} ${o.other}`,
    `westworld_charter_policy_version{policy_id="p1",load_state="${o.loadFail === true ? 'failed' : 'loaded'}"} 3`,
    `westworld_charter_policy_load_failures_total{policy_id="p1"} 0`,
    `westworld_charter_committee_queue_depth{committee_id="c1"} ${o.queue ?? 0}`,
    `westworld_charter_committee_capacity{committee_id="c1"} 4`,
    `westworld_charter_committee_decision_duration_seconds{committee_id="c1",quantile="0.99"} 0.2`,
    `westworld_charter_validation_latency_seconds{validation_type="schema",quantile="0.99"} ${o.p99 ?? 0.1}`,
    `westworld_charter_validation_latency_seconds{validation_type="schema",quantile="0.5"} NaN`,
    `westworld_charter_validation_requests_total{validation_type="schema",result="ok"} 100`,
    `westworld_charter_validation_requests_total{validation_type="schema",result="error"} 0`,
    `westworld_charter_enforcement_failures_total{action_type="block",node_or_service="n1"} ${o.enf ?? 0}`,
    `westworld_charter_targets{state="active"} ${10 - (o.quarantined ?? 0)}`,
    `westworld_charter_targets{state="quarantined"} ${o.quarantined ?? 0}`,
    `westworld_charter_compliance_ratio ${o.compliance ?? 0.99}`,
    `westworld_charter_api_requests_total{method="GET",route="/x",code="200"} ${o.api200 ?? 0}`,
    `westworld_charter_api_requests_total{method="GET",route="/x",code="503"} ${o.api5xx ?? 0}`,
    `westworld_charter_target_violated_policies{node_or_service="n1"} ${o.viol ?? 0}`,
  ].join('\n');
}

test('first scrape gives zero rates; the next ones rate counters over the window', (t) => {
  const d = new CharterMetricsDeriver(10_000);
  const first = d.derive(parseExposition(text({ crit: 50, other: 10 })), 0);
  t.deepEqual(first.metrics['criticalViolationRate'], [{ labels: { policy_id: 'p1' }, value: 0 }]);
  t.deepEqual(first.increases.criticalViolations, { p1: 0 });
  const second = d.derive(parseExposition(text({ crit: 60, other: 20 })), 2_000);
  t.deepEqual(second.metrics['criticalViolationRate'], [{ labels: { policy_id: 'p1' }, value: 5 }]);
  t.deepEqual(second.metrics['violationRate'], [{ labels: { policy_id: 'p1' }, value: 10 }]);
  t.deepEqual(second.increases.criticalViolations, { p1: 10 });
  t.deepEqual(second.metrics['policyVersion'], [{ labels: { policy_id: 'p1' }, value: 3 }]);
  t.deepEqual(second.metrics['policyLoadFailed'], [{ labels: { policy_id: 'p1' }, value: 0 }]);
  t.deepEqual(second.metrics['validationLatencyP99'], [{ labels: {}, value: 0.1 }]);
  t.deepEqual(second.metrics['validationErrorRatio'], [{ labels: {}, value: 0 }]);
  t.deepEqual(second.metrics['quarantinedShare'], [{ labels: {}, value: 0 }]);
  t.deepEqual(second.metrics['up'], [{ labels: {}, value: 1 }]);
  // Past the window, the old baseline is dropped: no new violations → rate 0.
  d.derive(parseExposition(text({ crit: 60, other: 20 })), 13_000);
  const later = d.derive(parseExposition(text({ crit: 60, other: 20 })), 14_000);
  t.deepEqual(later.increases.criticalViolations, { p1: 0 });
  // A counter reset counts the new value as the increase.
  const reset = d.derive(parseExposition(text({ crit: 2, other: 0 })), 15_000);
  t.deepEqual(reset.increases.criticalViolations, { p1: 2 });
});

test('the eleven conditions: each fires on its symptom', (t) => {
  const d = new CharterMetricsDeriver(10_000);
  d.derive(parseExposition(text({ crit: 0, other: 0 })), 0);
  const healthy = d.derive(parseExposition(text({ crit: 0, other: 1, api200: 10 })), 1_000);
  t.deepEqual(evaluateConditions(healthy), []);
  const sick = d.derive(parseExposition(text({ crit: 5, other: 10, loadFail: true, queue: 9, p99: 2.5, viol: 5, enf: 4, compliance: 0.5, quarantined: 3, api5xx: 5, api200: 10 })), 2_000);
  t.deepEqual(evaluateConditions(sick).map((h) => `${h.name}${JSON.stringify(h.labels)}`), [
    'CriticalViolationDetected{"policy_id":"p1"}',
    'PolicyLoadFailure{"policy_id":"p1"}',
    'ValidationLatencySLA{}',
    'CommitteeOverloaded{"committee_id":"c1"}',
    'ViolationRateHigh{"policy_id":"p1"}',
    'TargetViolatingManyPolicies{"node_or_service":"n1"}',
    'EnforcementFailures{"node_or_service":"n1"}',
    'ComplianceRatioLow{}',
    'QuarantineSaturation{}',
    'CharterAPIErrors{}',
  ]);
  t.deepEqual(evaluateConditions(undefined).map((h) => h.name), ['CharterDown']);
});

test('the evaluator honours `for` (scaled) and keeps startsAt while the condition holds', (t) => {
  const d = new CharterMetricsDeriver(10_000);
  const e = new AlertEvaluator(0.1); // ComplianceRatioLow for 15 s → 1.5 s
  d.derive(parseExposition(text({ crit: 0, other: 0 })), 0);
  const low = () => d.derive(parseExposition(text({ crit: 0, other: 0, compliance: 0.5 })), 1_000);
  t.deepEqual(e.evaluate(low(), new Date(1_000)), []);
  const fired = e.evaluate(low(), new Date(3_000));
  t.is(fired.length, 1);
  t.like(fired[0], { name: 'ComplianceRatioLow', severity: 'warning', state: 'firing', startsAt: new Date(1_000).toISOString(), labels: { alertname: 'ComplianceRatioLow', severity: 'warning', team: 'policy' } });
  const healthy = d.derive(parseExposition(text({ crit: 0, other: 0 })), 4_000);
  t.deepEqual(e.evaluate(healthy, new Date(4_000)), []);
  // After clearing, a new episode starts fresh.
  t.deepEqual(e.evaluate(low(), new Date(5_000)), []);
});

test('CharterSource with scraping derives metrics and alerts; when Charter is down it still reports CharterDown', async (t) => {
  let up = true;
  let crit = 0;
  const api = { listViolations: async () => { if (!up) throw new Error('connect ECONNREFUSED 127.0.0.1:8000'); return []; } } as unknown as CharterApi;
  const src = new CharterSource(api, { lookbackMs: 5_000, rateWindowMs: 5_000, evaluateAlerts: true, forScale: 0, scrapeMetrics: async () => text({ crit, other: 0 }) });
  let clock = 0;
  const m = new CompositeMonitor({ sources: [src], now: () => new Date(clock) });
  await m.observe();
  crit = 7;
  clock = 1_000;
  const s = await m.observe();
  t.deepEqual(s.alerts.map((a) => a.name), ['CriticalViolationDetected', 'ViolationRateHigh']);
  t.deepEqual(s.metrics['criticalViolationRate'], [{ labels: { policy_id: 'p1' }, value: 7 }]);
  up = false;
  clock = 2_000;
  const down = await m.observe();
  t.deepEqual(down.sources, { charter: { ok: false, error: 'connect ECONNREFUSED 127.0.0.1:8000' } });
  t.deepEqual(down.alerts.map((a) => a.name), ['CharterDown']);
});

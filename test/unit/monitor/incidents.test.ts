import test from 'ava';
import { groupIncidents, subjectOf } from '../../../src/monitor/incidents.js';
import { incidentAlerts } from '../../../src/execute/guards/alerts.js';
import * as shared from '../../../src/types/subject.js';
import { globalFacts, metricValue, observedFacts, violationSummary } from '../../../src/analyze/facts.js';
import { alert, snapshot, violation } from '../../support/engine-builders.js';

test('alerts group by subject label precedence, deterministic order', (t) => {
  const s = snapshot([
    alert('CharterDown'),
    alert('CommitteeOverloaded', { committee_id: 'c-1' }),
    alert('TargetViolatingManyPolicies', { node_or_service: 'node-2' }),
    alert('CriticalViolationDetected', { policy_id: 'p-9', node_or_service: 'node-2' }),
    alert('PolicyLoadFailure', { policy_id: 'p-1' }, { state: 'resolved' }),
  ]);
  t.deepEqual(groupIncidents(s).map((i) => i.id), ['policy:p-1', 'policy:p-9', 'target:node-2', 'committee:c-1', 'service:charter']);
  t.deepEqual(subjectOf(alert('X', { committee_id: 'c', node_or_service: 'n' })), { kind: 'target', id: 'n' });
});

test('Monitor and Execute share one alert → incident mapping (src/types/subject.ts)', (t) => {
  t.is(subjectOf, shared.subjectOf);
  const alerts = [
    alert('CharterDown'),
    alert('CommitteeOverloaded', { committee_id: 'c-1' }),
    alert('TargetViolatingManyPolicies', { node_or_service: 'node-2' }),
    alert('CriticalViolationDetected', { policy_id: 'p-9', node_or_service: 'node-2' }),
  ];
  t.deepEqual(alerts.map(shared.incidentOfAlert), ['service:charter', 'committee:c-1', 'target:node-2', 'policy:p-9']);
  // every incident Monitor groups is the set of alerts Execute's guards attribute to it
  const s = snapshot(alerts);
  for (const inc of groupIncidents(s)) {
    const d = { incidentId: inc.id, alerts: inc.alerts.map((a) => a.name) } as unknown as Parameters<typeof incidentAlerts>[0];
    t.deepEqual(incidentAlerts(d, s).map((a) => a.fingerprint), inc.alerts.map((a) => a.fingerprint), inc.id);
  }
  t.false(shared.isActive(alert('A', {}, { state: 'resolved' })));
  t.true(shared.isActive(alert('A')));
});

test('violations and metric samples join their subject; the service sees every violation and the global queries', (t) => {
  const s = snapshot(
    [alert('A', { policy_id: 'p-1' }), alert('B', { node_or_service: 'n-1' }), alert('C')],
    { violationRate: [{ labels: { policy_id: 'p-1' }, value: 2 }, { labels: { policy_id: 'p-2' }, value: 9 }], up: [{ labels: {}, value: 1 }], violatedPolicies: [{ labels: { node_or_service: 'n-1' }, value: 4 }] },
    [violation('v1', 'p-1', 'n-1'), violation('v2', 'p-2', 'n-1'), violation('v3', 'p-1', 'n-2', 'low')],
  );
  const [p, tg, svc] = groupIncidents(s);
  t.deepEqual(p?.violations.map((v) => v.id), ['v1', 'v3']);
  t.deepEqual(tg?.violations.map((v) => v.id), ['v1', 'v2']);
  t.is(svc?.violations.length, 3);
  t.deepEqual(p?.metrics['violationRate'], [{ labels: { policy_id: 'p-1' }, value: 2 }]);
  t.deepEqual(p?.metrics['policyVersion'], []);
  t.is(p?.metrics['up'], undefined);
  t.deepEqual(svc?.metrics['up'], [{ labels: {}, value: 1 }]);
  t.deepEqual(tg?.metrics['violatedPolicies'], [{ labels: { node_or_service: 'n-1' }, value: 4 }]);
});

test('observed facts: active alert names only, highest severity, common labels, null for missing metrics, NaN for all-NaN ones', (t) => {
  const s = snapshot(
    [
      alert('CriticalViolationDetected', { policy_id: 'p-1', team: 'policy' }),
      alert('ViolationRateHigh', { policy_id: 'p-1', team: 'policy' }, { severity: 'warning' }),
      alert('PolicyLoadFailure', { policy_id: 'p-1' }, { silenced: true }),
      alert('Other', { policy_id: 'p-2' }, { state: 'resolved' }),
    ],
    { violationRate: [{ labels: { policy_id: 'p-1' }, value: Number.NaN }] },
    [violation('v1', 'p-1', 'n-1'), violation('v2', 'p-1', 'n-2'), violation('v3', 'p-1', 'n-2', 'medium')],
  );
  const incidents = groupIncidents(s);
  const g = globalFacts(s, incidents);
  t.like(g, { alertCount: 2, incidentCount: 1, firingAlertnames: ['CriticalViolationDetected', 'ViolationRateHigh'], sources: { prometheus: true, alertmanager: true, charter: true } });
  t.is(g.metrics['up'], null);
  const f = observedFacts(incidents[0]!, g);
  t.deepEqual(f['alertnames'], ['CriticalViolationDetected', 'ViolationRateHigh']);
  t.is(f['severity'], 'critical');
  t.deepEqual(f['labels'], { policy_id: 'p-1', team: 'policy' });
  t.true(Number.isNaN((f['metrics'] as Record<string, unknown>)['violationRate']));
  t.is((f['alerts'] as unknown[]).length, 3);
  t.deepEqual(f['violations'], { total: 3, critical: 2, high: 0, medium: 1, low: 0, policies: 1, targets: 2, topPolicy: 'p-1', topTarget: 'n-2' });
  const resolvedOnly = observedFacts(incidents[1]!, g);
  t.is(resolvedOnly['severity'], 'none');
  t.deepEqual(resolvedOnly['alertnames'], []);
});

test('metric values: largest sample, NaN skipped, only NaN → NaN, none → null; empty summary', (t) => {
  t.is(metricValue([{ labels: {}, value: 1 }, { labels: {}, value: 3 }]), 3);
  t.is(metricValue([{ labels: {}, value: Number.NaN }, { labels: {}, value: 2 }]), 2);
  t.true(Number.isNaN(metricValue([{ labels: {}, value: Number.NaN }])));
  t.is(metricValue([{ labels: {}, value: Number.POSITIVE_INFINITY }, { labels: {}, value: 2 }]), Number.POSITIVE_INFINITY);
  t.is(metricValue([]), null);
  t.is(metricValue(undefined), null);
  t.deepEqual(violationSummary([]), { total: 0, critical: 0, high: 0, medium: 0, low: 0, policies: 0, targets: 0, topPolicy: null, topTarget: null });
  const tie = violationSummary([violation('a', 'p-b', 'n'), violation('b', 'p-a', 'n')]);
  t.is(tie.topPolicy, 'p-a');
});

test('sources down or absent are false', (t) => {
  const s = { ...snapshot([]), sources: { prometheus: { ok: false, error: 'x' } } };
  t.deepEqual(globalFacts(s, []).sources, { prometheus: false, alertmanager: false, charter: false });
});

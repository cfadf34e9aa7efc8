/**
 * The demo's output pieces: timeline lines (formatEvent), the /metrics excerpt, which alerts
 * count as symptoms, and the timeline observer turning cycle reports into events.
 */
import test from 'ava';
import { formatEvent, type DemoEvent } from '../../../src/app/demo/events.js';
import { incidentOf, subjectFor } from '../../../src/app/demo/faults.js';
import { formatMetricLines, metricLines } from '../../../src/app/demo/metrics.js';
import { DemoTimeline, isSymptom } from '../../../src/app/demo/timeline.js';
import { MemoryKnowledgeStore } from '../../../src/knowledge/index.js';
import type { Alert } from '../../../src/types/alert.js';
import type { CycleReport } from '../../../src/loop/cycle.js';

const EXPOSITION = `# HELP mapek_actions_total Actions by type and result.
# TYPE mapek_actions_total counter
mapek_actions_total{type="scale_committee",result="succeeded"} 1
mapek_actions_total{type="notify",result="applied"} 2
mapek_actions_totally_other 5
mapek_webhooks_total{result="accepted"} 7
mapek_time_to_remediate_seconds_bucket{le="1",type="notify"} 0
mapek_time_to_remediate_seconds_count{type="notify"} 2
process_cpu_seconds_total 0.5
`;

test('metricLines: only the summary families, comments and other metrics dropped, sorted', (t) => {
  t.deepEqual(metricLines(EXPOSITION), [
    'mapek_actions_total{type="notify",result="applied"} 2',
    'mapek_actions_total{type="scale_committee",result="succeeded"} 1',
    'mapek_time_to_remediate_seconds_count{type="notify"} 2',
    'mapek_webhooks_total{result="accepted"} 7',
  ]);
  t.deepEqual(metricLines(EXPOSITION, ['process_cpu_seconds_total']), ['process_cpu_seconds_total 0.5']);
});

test('formatMetricLines: a titled, indented block; "(none)" when empty', (t) => {
  t.is(formatMetricLines(['a 1', 'b 2']), "the service's /metrics before it stopped (actions by type and result, verifications, webhooks):\n  a 1\n  b 2");
  t.is(formatMetricLines([]).split('\n')[1], '  (none)');
});

test('formatEvent: one exact line per timeline event', (t) => {
  const cases: [DemoEvent, string][] = [
    [{ kind: 'fault_injected', t: 1500, fault: 'bad_rollout', subject: 'pol-access', incident: 'policy:pol-access' }, '[  1.5s] ⚡ fault injected   bad_rollout on pol-access'],
    [{ kind: 'detected', t: 2000, incident: 'policy:pol-access', alerts: ['A', 'B'], afterMs: 500 }, '[  2.0s] 🔎 detected         policy:pol-access: A, B (0.5s after injection)'],
    [{ kind: 'action', t: 2100, action: 'rollback_policy', target: 'pol-access', status: 'blocked', detail: 'guard cooldown' }, '[  2.1s] 🔧 action           rollback_policy → pol-access: blocked (guard cooldown)'],
    [{ kind: 'verification', t: 12_000, action: 'notify', target: 'x', result: 'succeeded' }, '[ 12.0s] ✅ verification     notify → x: succeeded'],
    [{ kind: 'outcome', t: 3000, fault: 'rogue_target', subject: 'node-b', remediated: false }, '[  3.0s] ❌ outcome          rogue_target on node-b NOT remediated in time\n'],
  ];
  for (const [e, line] of cases) t.is(formatEvent(e), line);
  const summary = formatEvent({ kind: 'summary', t: 9000, summary: { incidents: [{ fault: 'bad_rollout', subject: 'pol-access', detected: true, remediated: true, by: 'rollback_policy', detectMs: 1200, remediateMs: 1800, actions: 1 }], remediated: 1, successRate: 1, meanDetectMs: 1200, meanRemediateMs: 1800, cycles: 12, durationMs: 9000 } });
  t.is(summary.split('\n')[2], '  incidents 1, remediated 1 (success rate 100%), mean time to detect 1.2s, mean time to remediate 1.8s, 12 cycles in 9.0s');
});

test('subjectFor / incidentOf: each fault kind hits a seeded subject and names the incident its alerts group into', (t) => {
  t.is(incidentOf('bad_rollout', subjectFor('bad_rollout', 0)!), 'policy:pol-access');
  t.is(incidentOf('committee_overload', subjectFor('committee_overload', 0)!), 'committee:committee-safety');
  t.is(subjectFor('validation_slowdown', 0), undefined);
  t.is(incidentOf('validation_slowdown', 'charter'), 'service:charter');
  t.not(subjectFor('rogue_target', 0), subjectFor('rogue_target', 1));
  t.is(incidentOf('rogue_target', 'node-b'), 'target:node-b');
});

const alert = (name: string, labels: Record<string, string>, state: Alert['state'] = 'firing'): Alert =>
  ({ name, state, severity: 'critical', labels: { alertname: name, ...labels }, annotations: {}, startsAt: '2026-01-01T00:00:00Z', fingerprint: name, source: 'alertmanager' }) as unknown as Alert;

test("isSymptom: mapek's own notification alerts and resolved alerts are not symptoms", (t) => {
  t.true(isSymptom(alert('CommitteeOverloaded', { committee_id: 'c' })));
  t.false(isSymptom(alert('MapekNotification', { service: 'mapek', target: 'charter' })));
  t.false(isSymptom(alert('CommitteeOverloaded', { committee_id: 'c' }, 'resolved')));
});

test('DemoTimeline: detection of the watched fault is told once, with the time since injection; notifications do not count', (t) => {
  const events: DemoEvent[] = [];
  let now = 1_000;
  const tl = new DemoTimeline((e) => events.push(e), () => now, new MemoryKnowledgeStore());
  tl.current = { incident: 'service:charter', injectedAt: 400 };
  const report = (alerts: Alert[]): CycleReport => ({ cycleId: 'c1', triggers: ['timer'], status: 'ok', snapshot: { at: '2026-01-01T00:00:00Z', alerts, violations: [], metrics: {}, sources: {} } as never, decisions: [], executions: [], executionSkipped: false, durationsMs: {} });
  tl.onCycle(report([alert('MapekNotification', { service: 'mapek' })]));
  t.deepEqual(events, []);
  now = 1_600;
  tl.onCycle(report([alert('ValidationLatencySLA', { validation_type: 'full' })]));
  now = 2_000;
  tl.onCycle(report([alert('ValidationLatencySLA', { validation_type: 'full' })]));
  t.deepEqual(events, [{ kind: 'detected', t: 1_600, incident: 'service:charter', alerts: ['ValidationLatencySLA'], afterMs: 1_200 }]);
  t.is(tl.current.detectedAt, 1_600);
  t.is(tl.actionsFor('service:charter'), 0);
});

const candidate = (ruleId: string, type: string, target: string, priority: number, rejected?: string) => ({
  rule: `${ruleId}@1`, ruleId, priority, weight: 1, effectivePriority: priority, utility: 1,
  action: { type, target, params: {}, cost: 1, benefit: 2, risk: 'low', verify: { afterMs: 0, conditions: { all: [] } }, cooldownMs: 0 },
  ...(rejected !== undefined ? { rejected } : {}),
});

test('waiting for confirmation is shown as waiting, not as blocked: the exact line', (t) => {
  t.is(
    formatEvent({ kind: 'waiting', t: 1_400, action: 'enable_validation_cache', target: 'charter', needs: 2, seen: 1 }),
    '[  1.4s] ⏳ confirming       enable_validation_cache → charter: waiting for a second sighting (hysteresis 2 cycles)',
  );
  t.is(formatEvent({ kind: 'waiting', t: 0, action: 'notify', target: 'x', needs: 3, seen: 1 }), '[  0.0s] ⏳ confirming       notify → x: waiting for 2 more sightings (hysteresis 3 cycles)');
  t.is(formatEvent({ kind: 'waiting', t: 0, action: 'notify', target: 'x', needs: 3, seen: 2 }), '[  0.0s] ⏳ confirming       notify → x: waiting for a third sighting (hysteresis 3 cycles)');
  t.is(formatEvent({ kind: 'waiting', t: 0, action: 'notify', target: 'x', needs: 2 }), '[  0.0s] ⏳ confirming       notify → x: waiting for the incident to be seen again (hysteresis 2 cycles)');
});

test('DemoTimeline: a hysteresis hold becomes a waiting event; a notify plan line carries no other rule\'s comparison', (t) => {
  const events: DemoEvent[] = [];
  const tl = new DemoTimeline((e) => events.push(e), () => 1_400, new MemoryKnowledgeStore(), 2);
  const notify = candidate('notify-policy-high-risk', 'notify', 'pol-access', 50);
  const rollback = candidate('rollback-bad-rollout', 'rollback_policy', 'pol-access', 80);
  const audit = candidate('audit-mode-bad-rollout', 'set_enforcement_mode', 'pol-access', 60, 'lower effective priority 60 < 80 (rollback-bad-rollout)');
  const decision = { id: 'd1', incidentId: 'policy:pol-access', derived: {}, chosen: [notify, rollback], candidates: [notify, rollback, audit] };
  const held = (c: typeof notify) => ({ key: `k-${c.ruleId}`, ruleId: c.ruleId, incidentId: 'policy:pol-access', action: c.action, status: 'blocked', guard: 'hysteresis', guardDetail: 'seen in 1 consecutive cycle(s), needs 2' });
  const report = { cycleId: 'c1', triggers: ['timer'], status: 'ok', decisions: [decision], executions: [held(notify), held(rollback), { ...held(notify), key: 'k2', status: 'blocked', guard: 'cooldown', guardDetail: 'cooldown 1s' }], executionSkipped: false, durationsMs: {} } as unknown as CycleReport;
  tl.onCycle(report);
  const lines = events.map(formatEvent);
  t.deepEqual(lines, [
    '[  1.4s] 📋 plan             notify → pol-access (rule notify-policy-high-risk@1; priority 50 × weight 1.00 = 50.0, utility 1.00)',
    '[  1.4s] 📋 plan             rollback_policy → pol-access (rule rollback-bad-rollout@1; priority 80 × weight 1.00 = 80.0, utility 1.00); beat audit-mode-bad-rollout (lower effective priority 60 < 80 (rollback-bad-rollout))',
    '[  1.4s] ⏳ confirming       notify → pol-access: waiting for a second sighting (hysteresis 2 cycles)',
    '[  1.4s] ⏳ confirming       rollback_policy → pol-access: waiting for a second sighting (hysteresis 2 cycles)',
    '[  1.4s] 🔧 action           notify → pol-access: blocked (guard cooldown: cooldown 1s)',
  ]);
  t.false(lines.some((l) => l.includes('blocked (guard hysteresis')));
});

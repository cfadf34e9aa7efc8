import test from 'ava';
import { runCycle, type CycleDeps } from '../../../src/loop/cycle.js';
import { createServiceMetrics, createLogger } from '../../../src/observability/index.js';
import type { Decision, Candidate } from '../../../src/types/decision.js';
import type { ExecutionRecord } from '../../../src/types/execution.js';
import type { Executor } from '../../../src/types/executor.js';
import type { KnowledgeStore } from '../../../src/types/ports.js';
import type { Snapshot } from '../../../src/types/snapshot.js';

const candidate: Candidate = {
  rule: 'rollback-bad-rollout@1', ruleId: 'rollback-bad-rollout', priority: 10, weight: 1.2, effectivePriority: 12, utility: 3,
  action: { type: 'rollback_policy', target: 'p1', params: {}, cost: 1, benefit: 5, risk: 'medium', verify: { afterMs: 100, conditions: { all: [] } }, cooldownMs: 0 },
};
const decision: Decision = {
  id: 'd1', cycleId: 'c1', at: '2026-01-01T00:00:10.000Z', incidentId: 'policy:p1', subject: { kind: 'policy', id: 'p1' }, alerts: ['CriticalViolationDetected'],
  ruleSetHash: 'h', derived: {}, rules: [{ rule: 'rollback-bad-rollout@1', stage: 'plan', fired: true, pass: 0, conditions: [] }, { rule: 'other@1', stage: 'analyze', fired: false, pass: 1, conditions: [] }],
  candidates: [candidate], chosen: [candidate],
};
const snapshot = (charterOk = true): Snapshot => ({
  at: '2026-01-01T00:00:10.000Z',
  alerts: [{ fingerprint: 'f', name: 'CriticalViolationDetected', severity: 'critical', state: 'firing', labels: { policy_id: 'p1' }, annotations: {}, startsAt: '2026-01-01T00:00:00.000Z', silenced: false, inhibited: false, source: 'alertmanager' }],
  metrics: {}, violations: [],
  sources: { charter: charterOk ? { ok: true } : { ok: false, error: 'connect ECONNREFUSED' }, prometheus: { ok: false, error: 'down' } },
});
const record: ExecutionRecord = {
  key: 'k1', id: 'e1', decisionId: 'd1', cycleId: 'c1', ruleId: 'rollback-bad-rollout', incidentId: 'policy:p1', incidentKind: 'CriticalViolationDetected',
  action: candidate.action, status: 'succeeded', verify: 'succeeded', createdAt: '2026-01-01T00:00:10.000Z', updatedAt: '2026-01-01T00:00:12.000Z', verifiedAt: '2026-01-01T00:00:12.000Z',
};

function deps(charterOk: boolean, calls: string[]) {
  const metrics = createServiceMetrics({ defaultMetrics: false });
  const logs: string[] = [];
  let tick = 0;
  const executor = {
    execute: async (ds: readonly Decision[], s: Snapshot, id: string) => { calls.push(`execute ${ds.length} ${s.at} ${id}`); return [record]; },
    unrecorded: () => new Map<string, string>(),
    refusedAgain: () => [],
  } as unknown as Executor;
  const store = {
    currentWeights: async () => { calls.push('weights'); return { 'rollback-bad-rollout': 1.2 }; },
    saveDecision: async (d: Decision) => { calls.push(`save ${d.id}`); },
  } as unknown as KnowledgeStore;
  const d: CycleDeps = {
    monitor: { observe: async () => { calls.push('observe'); return snapshot(charterOk); } },
    planner: () => ({ plan: (s, w, id) => { calls.push(`plan ${JSON.stringify(w)} ${id}`); return [decision]; } }),
    executor, store, metrics, clock: () => (tick += 5),
    log: createLogger({ level: 'info', write: (l) => logs.push(l) }),
    afterRecord: async (rs) => { calls.push(`after ${rs.length}`); },
  };
  return { d, metrics, logs };
}

test('a cycle reads weights, observes, plans, executes, then records — in that order', async (t) => {
  const calls: string[] = [];
  const { d, metrics, logs } = deps(true, calls);
  const r = await runCycle(d, 'c1', ['webhook']);
  t.deepEqual(calls, ['weights', 'observe', 'plan {"rollback-bad-rollout":1.2} c1', 'execute 1 2026-01-01T00:00:10.000Z c1', 'after 1']);
  t.is(r.status, 'ok');
  t.false(r.executionSkipped);
  t.deepEqual(Object.keys(r.durationsMs), ['monitor', 'plan', 'execute', 'record']);
  const text = await metrics.registry.metrics();
  t.regex(text, /mapek_rules_fired_total\{rule="rollback-bad-rollout",stage="plan"\} 1/);
  t.notRegex(text, /rule="other"/);
  t.regex(text, /mapek_time_to_remediate_seconds_sum\{type="rollback_policy"\} 12/);
  t.regex(text, /mapek_source_degraded\{source="prometheus"\} 1/);
  t.regex(text, /mapek_monitor_errors_total\{source="prometheus"\} 1/);
  t.regex(text, /mapek_rule_weight\{rule="rollback-bad-rollout"\} 1.2/);
  t.regex(text, /mapek_phase_duration_seconds_count\{phase="execute"\} 1/);
  const lines = logs.map((l) => JSON.parse(l) as Record<string, unknown>);
  t.true(lines.every((l) => l['cycleId'] === 'c1'));
  t.true(lines.some((l) => l['msg'] === 'execution' && l['status'] === 'succeeded'));
});

test('with Charter down the cycle plans, and the executor records each chosen action (no planned action goes unrecorded)', async (t) => {
  const calls: string[] = [];
  const { d, metrics, logs } = deps(false, calls);
  const blocked: ExecutionRecord = { ...record, status: 'blocked', guard: 'charter_unavailable', guardDetail: 'Charter unavailable: connect ECONNREFUSED', verify: undefined, verifiedAt: undefined };
  d.executor.execute = async (ds, s, id) => { calls.push(`execute ${ds.length} ${String(s.sources.charter?.ok)} ${id}`); return [blocked]; };
  const r = await runCycle(d, 'c2', ['timer']);
  t.true(r.executionSkipped);
  t.true(calls.includes('execute 1 false c2'));
  t.false(calls.some((c) => c.startsWith('save')), 'the executor stores the decision');
  t.deepEqual(r.executions.map((e) => [e.status, e.guard]), [['blocked', 'charter_unavailable']]);
  t.regex(await metrics.registry.metrics(), /mapek_guard_stops_total\{reason="charter_unavailable"\} 1/);
  t.true(logs.some((l) => JSON.parse(l).msg === 'charter unavailable: planned, not executed; retrying next cycle'));
});

test('an aborted cycle starts no new phase', async (t) => {
  const calls: string[] = [];
  const { d } = deps(true, calls);
  const ac = new AbortController();
  ac.abort();
  await t.throwsAsync(runCycle(d, 'c3', ['timer'], ac.signal), { name: 'CycleAbortedError', message: 'cycle c3 timed out before monitor' });
  t.deepEqual(calls, ['weights']);
});

test("time to remediate counts from the incident's own oldest alert, not from another incident's alert of the same name", async (t) => {
  const calls: string[] = [];
  const { d, metrics } = deps(true, calls);
  const s = snapshot();
  // p2's CriticalViolationDetected has fired for an hour; p1's (the remediated one) for 10 s.
  const other = { ...s.alerts[0]!, fingerprint: 'g', labels: { policy_id: 'p2' }, startsAt: '2025-12-31T23:00:00.000Z' };
  const both: Snapshot = { ...s, alerts: [other, ...s.alerts] };
  const observed: CycleDeps = { ...d, monitor: { observe: async () => both } };
  await runCycle(observed, 'c1', ['webhook']);
  const text = await metrics.registry.metrics();
  // verified at 00:00:12, p1's alert started at 00:00:00: 12 s, in the ≤ 20 s bucket (not ≥ 3,600 s).
  t.regex(text, /mapek_time_to_remediate_seconds_bucket\{le="20",type="rollback_policy"\} 1/);
  t.regex(text, /mapek_time_to_remediate_seconds_sum\{type="rollback_policy"\} 12\b/);
});

test('a decision the executor did not store is still counted as planned, counted as unrecorded, and its log line names the recorded one', async (t) => {
  const calls: string[] = [];
  const { d, metrics, logs } = deps(true, calls);
  const unrecorded = new Map([['d1', 'd0']]);
  const observed: CycleDeps = { ...d, executor: { ...d.executor, execute: async () => [], unrecorded: () => unrecorded } };
  const r = await runCycle(observed, 'c4', ['timer']);
  t.is(r.unrecorded, unrecorded);
  const text = await metrics.registry.metrics();
  t.regex(text, /mapek_decisions_total 1\b/);
  t.regex(text, /mapek_decisions_unrecorded_total 1\b/);
  const planned = logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === 'planned');
  t.like(planned, [{ decisionId: 'd1', notRecordedSameAs: 'd0', incidentId: 'policy:p1' }]);
  // Nothing unrecorded: no field on the report, the counter stays 0.
  const { d: d2, metrics: m2 } = deps(true, []);
  t.false('unrecorded' in (await runCycle(d2, 'c5', ['timer'])));
  t.regex(await m2.registry.metrics(), /mapek_decisions_unrecorded_total 0\b/);
});

test('a refusal repeated and not recorded again still counts as a blocked action and a guard stop', async (t) => {
  const { d, metrics } = deps(true, []);
  const again = [{ decisionId: 'd1', sameAs: 'd0', ruleId: 'rollback-bad-rollout', action: 'rollback_policy' as const, guard: 'dry_run' as const }];
  await runCycle({ ...d, executor: { ...d.executor, execute: async () => [], unrecorded: () => new Map([['d1', 'd0']]), refusedAgain: () => again } }, 'c6', ['timer']);
  const text = await metrics.registry.metrics();
  t.regex(text, /mapek_guard_stops_total\{reason="dry_run"\} 1\b/);
  t.regex(text, /mapek_actions_total\{type="rollback_policy",result="blocked"\} 1\b/);
});

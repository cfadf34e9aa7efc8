import test from 'ava';
import { CHARTER_METRICS } from '../../../src/types/metrics.js';
import { call, charterForTest } from '../../support/charter.js';
import { sample } from './metrics-text.js';

const V = CHARTER_METRICS;

test('/metrics exposes all fifteen metrics, summaries with quantiles 0.5, 0.9 and 0.99', async (t) => {
  const c = await charterForTest(t);
  c.tick(2);
  const r = await call(c, 'GET', '/metrics');
  t.is(r.status, 200);
  t.regex(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = r.body as string;
  for (const m of Object.values(V)) t.true(text.includes(`# TYPE ${m.name} ${m.type}`), m.name);
  for (const q of ['0.5', '0.9', '0.99']) t.not(sample(text, V.validationLatency.name, { quantile: q, validation_type: 'admission' }), undefined);
  t.is(sample(text, `${V.validationLatency.name}_count`, { validation_type: 'admission' }), 8);
  t.is(sample(text, V.buildInfo.name, { version: '0.1.0' }), 1);
  t.is(sample(text, V.targets.name, { state: 'active' }), 8);
  t.is(sample(text, V.targets.name, { state: 'quarantined' }), 0);
  // Zero series exist before the first increment, so increase() sees it.
  t.is(sample(text, V.violations.name, { severity: 'critical', policy_id: 'pol-pii', policy_name: 'PII handling' }), 0);
  t.is(sample(text, V.apiRequests.name, { method: 'GET', route: '/metrics', code: '200' }), undefined);
  const again = (await call(c, 'GET', '/metrics')).body as string;
  t.is(sample(again, V.apiRequests.name, { method: 'GET', route: '/metrics', code: '200' }), 1);
});

test('healthy baseline: no alert condition holds', async (t) => {
  const c = await charterForTest(t);
  c.tick(40);
  const m = await c.metrics();
  t.true(sample(m, V.complianceRatio.name)! > 0.95);
  for (const type of ['admission', 'policy_check']) t.true(sample(m, V.validationLatency.name, { quantile: '0.99', validation_type: type })! < 1);
  for (const id of ['committee-safety', 'committee-ops']) {
    t.true(sample(m, V.committeeQueueDepth.name, { committee_id: id })! <= sample(m, V.committeeCapacity.name, { committee_id: id })!);
    t.true(sample(m, V.committeeDecision.name, { quantile: '0.99', committee_id: id })! < 2);
  }
  for (const target of c.world.listTargets()) t.true(c.world.targetViolatedPolicies(target.id) <= 1);
  t.is(c.world.violations({ severity: 'critical' }).length, 0);
  t.is(c.world.violations({ severity: 'high' }).length, 0);
  t.true(c.world.violations().length < 10);
});

test('bad_rollout: a new bad version, critical violations on every target each tick, compliance drops', async (t) => {
  const c = await charterForTest(t);
  const f = c.faults.inject('bad_rollout', 'pol-pii');
  t.deepEqual([f.id, f.kind, f.subject, f.state, f.origin], ['fault-1', 'bad_rollout', 'pol-pii', 'active', 'code']);
  const p = c.world.getPolicy('pol-pii');
  t.is(p.version, 2);
  t.deepEqual(p.spec, { name: 'PII handling', revision: '2026-01-01.1+bad', enforcementMode: 'enforce', rules: ['encrypt-pii-at-rest', 'mask-pii-in-logs', 'deny-all-unlabelled'] });
  t.is(p.history[1]!.appliedBy, 'fault-injector');
  c.tick(4);
  const m = await c.metrics();
  t.is(sample(m, V.violations.name, { severity: 'critical', policy_id: 'pol-pii' }), 32);
  t.is(sample(m, V.enforcementActions.name, { action_type: 'block', node_or_service: 'node-a' })! >= 4, true);
  // 8 critical failures out of 40 checks per tick, plus the odd background violation.
  const ratio = sample(m, V.complianceRatio.name)!;
  t.true(ratio <= 0.8 && ratio > 0.75, String(ratio));
  t.is(sample(m, V.policyVersion.name, { policy_id: 'pol-pii', load_state: 'loaded' }), 2);
  const v = c.world.violations({ policyId: 'pol-pii', severity: 'critical' });
  t.is(v.length, 32);
  t.is(v[0]!.message, 'node-a violated rule "deny-all-unlabelled" of PII handling (pol-pii)');
});

test('rogue_target: one target violates a new policy each tick, enforcement fails on it', async (t) => {
  const c = await charterForTest(t);
  c.faults.inject('rogue_target', 'svc-auth');
  c.tick(1);
  t.is(c.world.targetViolatedPolicies('svc-auth') >= 1, true);
  c.tick(4);
  const m = await c.metrics();
  t.is(sample(m, V.targetViolatedPolicies.name, { node_or_service: 'svc-auth' }), 5);
  t.true(sample(m, V.enforcementFailures.name, { action_type: 'block', node_or_service: 'svc-auth' })! >= 1);
  t.is(c.world.violations({ nodeOrService: 'svc-auth', severity: 'high' }).length, 5);
  // Each policy gets at most one rogue violation per 5 ticks: far below the per-policy rate alert.
  t.is(new Set(c.world.violations({ severity: 'high' }).map((v) => v.policyId)).size, 5);
});

test('committee_overload: the queue grows past capacity and the decision p99 rises', async (t) => {
  const c = await charterForTest(t);
  c.faults.inject('committee_overload', 'committee-safety');
  c.tick(6);
  const m = await c.metrics();
  t.is(sample(m, V.committeeQueueDepth.name, { committee_id: 'committee-safety' }), 18);
  t.is(sample(m, V.committeeCapacity.name, { committee_id: 'committee-safety' }), 4);
  t.true(sample(m, V.committeeDecision.name, { quantile: '0.99', committee_id: 'committee-safety' })! > 5);
  t.is(sample(m, V.committeeQueueDepth.name, { committee_id: 'committee-ops' }), 0);
  t.is(c.world.getCommittee('committee-safety').queueDepth, 18);
});

test('validation_slowdown: p99 above 1 s and some validation errors', async (t) => {
  const c = await charterForTest(t);
  const f = c.faults.inject('validation_slowdown');
  t.is(f.subject, 'charter');
  c.tick(20);
  const m = await c.metrics();
  for (const type of ['admission', 'policy_check']) {
    t.true(sample(m, V.validationLatency.name, { quantile: '0.99', validation_type: type })! > 1);
    t.true(sample(m, V.validationLatency.name, { quantile: '0.5', validation_type: type })! > 1);
  }
  const errors = sample(m, V.validationRequests.name, { validation_type: 'admission', result: 'error' })! + sample(m, V.validationRequests.name, { validation_type: 'policy_check', result: 'error' })!;
  t.true(errors > 0);
});

test('policy_load_failure: a broken version, load_state failed, failures counted every tick, no violations of it', async (t) => {
  const c = await charterForTest(t);
  c.faults.inject('policy_load_failure', 'pol-network');
  const p = c.world.getPolicy('pol-network');
  t.deepEqual([p.version, p.loadState, p.spec.revision], [2, 'failed', '2026-01-01.1+broken']);
  c.tick(3);
  const m = await c.metrics();
  t.is(sample(m, V.policyLoadFailures.name, { policy_id: 'pol-network' }), 4);
  t.is(sample(m, V.policyVersion.name, { policy_id: 'pol-network', load_state: 'failed' }), 2);
  t.is(sample(m, V.policyVersion.name, { policy_id: 'pol-network', load_state: 'loaded' }), undefined);
  const list = await call(c, 'GET', '/api/v1/policies/pol-network');
  t.is(list.body.loadState, 'failed');
});

test('injecting the same fault twice is refused; unknown subjects are refused with the field', async (t) => {
    const c = await charterForTest(t);
    c.faults.inject('rogue_target', 'node-a');
    t.throws(() => c.faults.inject('rogue_target', 'node-a'), { name: 'FaultAlreadyActiveError', message: 'fault rogue_target on "node-a" is already active (fault-1)' });
    t.throws(() => c.faults.inject('rogue_target', 'node-z'), { message: 'subject: unknown subject "node-z"; fault rogue_target needs a target id' });
    t.throws(() => c.faults.inject('bad_rollout'), { message: 'subject: no subject; fault bad_rollout needs a policy id' });
    t.throws(() => c.faults.inject('committee_overload', 'x'), { message: 'subject: unknown subject "x"; fault committee_overload needs a committee id' });
    t.throws(() => c.faults.inject('validation_slowdown', 'node-a'), { message: 'subject: unknown subject "node-a"; fault validation_slowdown needs "charter" or no subject' });
});

test('startCharter injects faults given as options', async (t) => {
  const c = await charterForTest(t, { faults: [{ kind: 'validation_slowdown' }, { kind: 'rogue_target', subject: 'node-f' }] });
  t.deepEqual(c.faults.active().map((f) => `${f.kind}:${f.subject}`), ['validation_slowdown:charter', 'rogue_target:node-f']);
});

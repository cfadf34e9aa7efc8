import test from 'ava';
import { alert, candidate, decision, snapshot, FakeCharter } from '../../support/execute-fakes.js';
import { harness } from './harness.js';
import { ACTIONS, actionModule } from '../../../src/execute/index.js';
import { parseParams } from '../../../src/execute/actions/params.js';
import { rollbackVersion } from '../../../src/execute/actions/rollback-policy.js';
import { ACTION_TYPES } from '../../../src/types/catalog.js';

const policySnap = snapshot([alert('CriticalViolationDetected', { policy_id: 'p1' })]);
const onPolicy = (type: 'rollback_policy' | 'set_enforcement_mode', params: Record<string, unknown>) =>
  decision('policy:p1', ['CriticalViolationDetected'], [candidate({ ruleId: type, type, target: 'p1', params })]);

test('every catalog type has a module', (t) => {
  t.deepEqual(Object.keys(ACTIONS).sort(), [...ACTION_TYPES].sort());
});

test('rollback_policy re-applies the previous version’s spec (or toVersion); rollback restores', async (t) => {
  const h = harness({}, { verify: { '*': ['failed'] } });
  const [r] = await h.executor.execute([onPolicy('rollback_policy', {})], policySnap, 'c');
  t.is(r?.status, 'applied');
  t.deepEqual(h.charter.writes[0]?.body, { name: 'p', revision: 'v1', enforcementMode: 'enforce', rules: ['r1'] });
  const [v] = await h.executor.drain();
  t.is(v?.status, 'rolled_back');
  t.is(h.charter.policies.get('p1')?.spec.revision, 'v2');
  const bad = harness();
  const [e] = await bad.executor.execute([onPolicy('rollback_policy', { toVersion: 7 })], policySnap, 'c');
  t.is(e?.error, 'read failed: action "rollback_policy": policy "p1" has no version 7 in its history');
});

test('set_enforcement_mode writes the same spec with the new mode; unchanged when already so', async (t) => {
  const h = harness();
  await h.executor.execute([onPolicy('set_enforcement_mode', { mode: 'audit' })], policySnap, 'c');
  t.deepEqual(h.charter.writes[0]?.body, { name: 'p', revision: 'v2', enforcementMode: 'audit', rules: ['r1'] });
  const u = harness();
  t.is((await u.executor.execute([onPolicy('set_enforcement_mode', { mode: 'enforce' })], policySnap, 'c'))[0]?.status, 'unchanged');
});

test('enable_validation_cache turns the cache on; rollback turns it off', async (t) => {
  const h = harness({}, { verify: { '*': ['failed'] } });
  const d = decision('service:charter', ['ValidationLatencySLA'], [candidate({ ruleId: 'cache', type: 'enable_validation_cache', target: 'charter' })]);
  await h.executor.execute([d], snapshot([alert('ValidationLatencySLA')]), 'c');
  t.true(h.charter.settings.validationCache);
  await h.executor.drain();
  t.false(h.charter.settings.validationCache);
  t.deepEqual(h.charter.writes.map((w) => w.body), [{ validationCache: true }, { validationCache: false }]);
});

test('quarantine_target quarantines with the reason; rollback releases', async (t) => {
  const h = harness({ approvalRisk: 'none' }, { verify: { '*': ['failed'] } });
  const d = decision('target:node-1', ['TargetViolatingManyPolicies'], [candidate({ ruleId: 'q', type: 'quarantine_target', target: 'node-1', params: { reason: 'rogue' } })]);
  await h.executor.execute([d], snapshot([alert('TargetViolatingManyPolicies', { node_or_service: 'node-1' })]), 'c');
  t.deepEqual(h.charter.writes[0]?.body, { quarantined: true, reason: 'rogue' });
  await h.executor.drain();
  t.false(h.charter.targets.get('node-1')?.quarantined);
});

test('notify posts MapekNotification to Alertmanager when configured and is verified at once', async (t) => {
  const h = harness({}, { alertmanager: true });
  const d = decision('committee:c1', ['CommitteeOverloaded'], [candidate({ ruleId: 'n', type: 'notify', target: 'oncall', params: { message: 'c1 overloaded', team: 'ops' }, afterMs: 0 })]);
  await h.executor.execute([d], snapshot([alert('CommitteeOverloaded', { committee_id: 'c1' })]), 'c');
  t.deepEqual(h.am.posted[0]?.labels, { alertname: 'MapekNotification', severity: 'info', service: 'mapek', target: 'oncall', team: 'ops' });
  t.is(h.am.posted[0]?.annotations?.['summary'], 'c1 overloaded');
  const [v] = await h.executor.drain();
  t.is(v?.status, 'succeeded');
  t.is(h.verify.calls.length, 0);
});

test('scale_committee: delta, absolute capacity, cap at 64, never lowers', (t) => {
  const m = actionModule('scale_committee');
  const c = { id: 'c1', capacity: 63, queueDepth: 0, version: 1 };
  t.is((m.desired(c, {}, 'c1') as typeof c).capacity, 64);
  t.is((m.desired(c, { delta: 1 }, 'c1') as typeof c).capacity, 64);
  t.true(m.same(c, m.desired(c, { capacity: 10 }, 'c1')));
});

test('parseParams: required, unknown, types, enums and bounds, with exact messages', (t) => {
  t.throws(() => parseParams('notify', {}), { message: 'action "notify": param "message": required' });
  t.throws(() => parseParams('notify', { message: 'x', colour: 'red' }), { message: 'action "notify": param "colour": unknown parameter' });
  t.throws(() => parseParams('notify', { message: 3 }), { message: 'action "notify": param "message": expected a string, got 3' });
  t.throws(() => parseParams('scale_committee', { delta: 1.5 }), { message: 'action "scale_committee": param "delta": expected an integer, got 1.5' });
  t.throws(() => parseParams('scale_committee', { delta: 17 }), { message: 'action "scale_committee": param "delta": must be ≤ 16, got 17' });
  t.throws(() => parseParams('scale_committee', { capacity: 0 }), { message: 'action "scale_committee": param "capacity": must be ≥ 1, got 0' });
  t.deepEqual(parseParams('scale_committee', { capacity: '8' }), { capacity: 8 });
});

test('landed tells a write that took from one that did not', async (t) => {
  const charter = new FakeCharter();
  const m = actionModule('enable_validation_cache');
  const prior = charter.settings;
  const desired = m.desired(prior, {}, 'charter');
  t.is(m.landed(prior, prior, desired), 'no');
  t.is(m.landed({ validationCache: true, version: 2 }, prior, desired), 'yes');
  t.is(actionModule('reload_policies').landed({ failed: [] }, { failed: [] }, { failed: [] }), 'unknown');
  t.is(actionModule('notify').landed(null, null, null), 'yes');
});

test('rollback_policy by default returns to the spec before the current one took effect: versions undone back to a spec are skipped', (t) => {
  const s = (rev: string, mode: 'enforce' | 'audit' = 'enforce') => ({ name: 'p', revision: rev, enforcementMode: mode, rules: ['r1'] });
  const h = (...specs: ReturnType<typeof s>[]) => specs.map((spec, i) => ({ version: i + 1, spec, appliedAt: 'now', appliedBy: 'x' }));
  const to = (...specs: ReturnType<typeof s>[]) => rollbackVersion(h(...specs))?.version;
  t.is(to(s('good'), s('bad')), 1);
  t.is(to(s('a'), s('b'), s('c')), 2, 'no repeats: version − 1');
  // the audit attempt (v3) undone by writing the bad spec back (v4): back to good, not to audit
  t.is(to(s('good'), s('bad'), s('bad', 'audit'), s('bad')), 1);
  // a fix undone twice over, then a rollback that held and a new bad rollout
  t.is(to(s('good'), s('bad'), s('good'), s('bad'), s('bad', 'audit'), s('bad')), 1);
  t.is(to(s('a'), s('b'), s('a')), undefined, 'rolled back to the first spec: nothing before it');
  t.is(to(s('a')), undefined);
  // history out of order is read by version
  t.is(rollbackVersion([...h(s('good'), s('bad'), s('bad', 'audit'), s('bad'))].reverse())?.version, 1);
});

test('rollback_policy names the policy and the first version of its spec when there is nothing to roll back to', async (t) => {
  const h = harness();
  h.charter.policies.set('p1', { id: 'p1', version: 3, spec: { name: 'p', revision: 'v1', enforcementMode: 'enforce', rules: ['r1'] }, loadState: 'loaded', history: [1, 2, 3].map((version) => ({ version, spec: { name: 'p', revision: version === 2 ? 'v2' : 'v1', enforcementMode: 'enforce' as const, rules: ['r1'] }, appliedAt: 'now', appliedBy: 'x' })) });
  const [r] = await h.executor.execute([onPolicy('rollback_policy', {})], policySnap, 'c');
  t.is(r?.error, 'read failed: action "rollback_policy": policy "p1" has no earlier spec to roll back to: its current spec is that of version 1, the first in its history');
});

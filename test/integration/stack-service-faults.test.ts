/**
 * Real Prometheus + Alertmanager + reference Charter: a rogue target, an overloaded
 * committee and a validation slowdown each fire their alert (with the subject label), the
 * alert reaches the webhook through Alertmanager, and the correct remediation posted
 * through CharterClient resolves it.
 */
import anyTest, { type TestFn } from 'ava';
import { alertIn, firingInPrometheus, startCharterStack, type CharterStack } from './stack-fixture.js';

const test = anyTest as TestFn<{ s: CharterStack }>;

test.before(async (t) => {
  t.context.s = await startCharterStack();
});
test.after.always(async (t) => {
  await t.context.s?.stop();
});

test.serial('rogue_target: TargetViolatingManyPolicies and EnforcementFailures fire for the target; quarantine resolves the first', async (t) => {
  t.timeout(60_000);
  const { charter, listener, prometheus, client } = t.context.s;
  const injectedAt = Date.now();
  charter.faults.inject('rogue_target', 'node-c');
  const w = await listener.waitForAlert('TargetViolatingManyPolicies', 'firing', 30_000, { node_or_service: 'node-c' });
  t.log(`TargetViolatingManyPolicies webhook ${w.receivedAt - injectedAt} ms after injection`);
  const a = alertIn(w, 'TargetViolatingManyPolicies', 'firing');
  t.like(a, { severity: 'critical' });
  t.like(a.labels, { team: 'security', node_or_service: 'node-c' });
  await firingInPrometheus(prometheus, 'EnforcementFailures', { node_or_service: 'node-c' }, 30_000);

  const { value: target, etag } = await client.getTarget('node-c');
  t.false(target.quarantined);
  const remediatedAt = Date.now();
  const put = await client.putTarget('node-c', { quarantined: true, reason: 'rogue' }, { ifMatch: etag });
  t.true(put.value.quarantined);
  t.is(put.value.version, target.version + 1);
  t.is(charter.groundTruth().cleared.find((f) => f.kind === 'rogue_target')?.clearedBy, 'quarantine_target');
  const r = await listener.waitForAlert('TargetViolatingManyPolicies', 'resolved', 30_000, { node_or_service: 'node-c' });
  t.log(`TargetViolatingManyPolicies resolved webhook ${r.receivedAt - remediatedAt} ms after the quarantine`);
  // One quarantined target of eight is below QuarantineSaturation's 25 %.
  const sat = await prometheus.query('ALERTS{alertname="QuarantineSaturation"}');
  t.deepEqual(sat.resultType === 'vector' ? sat.result : ['not a vector'], []);
});

test.serial('committee_overload: CommitteeOverloaded fires for the committee; scaling it resolves it', async (t) => {
  t.timeout(60_000);
  const { charter, listener, client } = t.context.s;
  const injectedAt = Date.now();
  charter.faults.inject('committee_overload', 'committee-safety');
  const w = await listener.waitForAlert('CommitteeOverloaded', 'firing', 30_000, { committee_id: 'committee-safety' });
  t.log(`CommitteeOverloaded webhook ${w.receivedAt - injectedAt} ms after injection`);
  t.like(alertIn(w, 'CommitteeOverloaded', 'firing').labels, { severity: 'warning', team: 'platform', committee_id: 'committee-safety' });
  const { value: c, etag } = await client.getCommittee('committee-safety');
  t.true(c.queueDepth > c.capacity);
  const remediatedAt = Date.now();
  const put = await client.putCommittee('committee-safety', { capacity: c.capacity + 4 }, { ifMatch: etag });
  t.is(put.value.capacity, c.capacity + 4);
  t.is(charter.groundTruth().cleared.find((f) => f.kind === 'committee_overload')?.clearedBy, 'scale_committee');
  const r = await listener.waitForAlert('CommitteeOverloaded', 'resolved', 30_000, { committee_id: 'committee-safety' });
  t.log(`CommitteeOverloaded resolved webhook ${r.receivedAt - remediatedAt} ms after scaling`);
});

test.serial('validation_slowdown: ValidationLatencySLA fires; enabling the validation cache resolves it', async (t) => {
  t.timeout(60_000);
  const { charter, listener, client } = t.context.s;
  const injectedAt = Date.now();
  charter.faults.inject('validation_slowdown');
  const w = await listener.waitForAlert('ValidationLatencySLA', 'firing', 30_000);
  t.log(`ValidationLatencySLA webhook ${w.receivedAt - injectedAt} ms after injection`);
  const a = alertIn(w, 'ValidationLatencySLA', 'firing');
  t.like(a.labels, { severity: 'warning', team: 'platform' });
  t.true(['admission', 'policy_check'].includes(a.labels['validation_type'] ?? ''));
  const { value: settings, etag } = await client.getSettings();
  t.false(settings.validationCache);
  t.is(etag, `"settings-v${settings.version}"`);
  const remediatedAt = Date.now();
  const put = await client.putSettings({ validationCache: true }, { ifMatch: etag });
  t.true(put.value.validationCache);
  t.is(charter.groundTruth().cleared.find((f) => f.kind === 'validation_slowdown')?.clearedBy, 'enable_validation_cache');
  const r = await listener.waitForAlert('ValidationLatencySLA', 'resolved', 30_000);
  t.log(`ValidationLatencySLA resolved webhook ${r.receivedAt - remediatedAt} ms after enabling the cache`);
});

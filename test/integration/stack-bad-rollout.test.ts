/**
 * Real Prometheus + Alertmanager + reference Charter: Prometheus scrapes Charter; a bad
 * policy rollout fires CriticalViolationDetected (and ViolationRateHigh) for that policy,
 * which reaches the webhook through Alertmanager; rolling the policy back through
 * CharterClient makes it resolve.
 */
import anyTest, { type TestFn } from 'ava';
import { CHARTER_METRICS } from '../../src/types/metrics.js';
import { alertIn, firingInPrometheus, startCharterStack, WEBHOOK_TOKEN, type CharterStack } from './stack-fixture.js';

const test = anyTest as TestFn<{ s: CharterStack; injectedAt: number }>;

test.before(async (t) => {
  t.context.s = await startCharterStack();
});
test.after.always(async (t) => {
  await t.context.s?.stop();
});

test.serial('Prometheus scrapes Charter: up is 1 and Charter\'s metrics are queryable', async (t) => {
  t.timeout(30_000);
  const { prometheus } = t.context.s;
  const { waitUntil } = await import('../support/stack.js');
  await waitUntil(async () => {
    const r = await prometheus.query('up{job="charter"}');
    return r.resultType === 'vector' && r.result[0]?.value[1] === 1 ? true : undefined;
  }, 20_000, 'up{job="charter"} == 1');
  // Counters that only exist once something happened (violations, failures) are left out.
  const always = [
    CHARTER_METRICS.buildInfo, CHARTER_METRICS.policyVersion, CHARTER_METRICS.committeeQueueDepth,
    CHARTER_METRICS.committeeCapacity, CHARTER_METRICS.targets, CHARTER_METRICS.complianceRatio,
    CHARTER_METRICS.validationRequests, CHARTER_METRICS.apiRequests, CHARTER_METRICS.targetViolatedPolicies,
  ].map((m) => m.name);
  // api_requests_total counts the scrapes themselves, so it appears from the second scrape on.
  const names = await waitUntil(async () => {
    const series = await prometheus.series(always.map((n) => `{__name__="${n}",job="charter"}`));
    const found = [...new Set(series.map((s) => s['__name__'] ?? ''))].sort();
    return found.length === always.length ? found : undefined;
  }, 10_000, 'every always-present Charter metric');
  t.deepEqual(names, [...always].sort());
  const p99 = await prometheus.query(`${CHARTER_METRICS.validationLatency.name}{quantile="0.99"}`);
  t.is(p99.resultType, 'vector');
  if (p99.resultType === 'vector') t.deepEqual(p99.result.map((r) => r.metric['validation_type']).sort(), ['admission', 'policy_check']);
  const versions = await prometheus.query(`sum by (load_state) (count by (policy_id, load_state) (${CHARTER_METRICS.policyVersion.name}))`);
  if (versions.resultType !== 'vector') return t.fail();
  t.deepEqual(versions.result.map((r) => [r.metric['load_state'], r.value[1]]), [['loaded', 5]]);
  const now = new Date();
  const range = await prometheus.queryRange(`${CHARTER_METRICS.buildInfo.name}`, new Date(now.getTime() - 3000), now, 1);
  t.is(range.resultType, 'matrix');
  if (range.resultType === 'matrix') t.deepEqual(range.result[0]?.metric['version'], '0.1.0');
});

test.serial('bad_rollout: CriticalViolationDetected and ViolationRateHigh fire for the policy and reach the webhook', async (t) => {
  t.timeout(45_000);
  const { charter, listener, prometheus, alertmanager } = t.context.s;
  t.context.injectedAt = Date.now();
  charter.faults.inject('bad_rollout', 'pol-access');
  const w = await listener.waitForAlert('CriticalViolationDetected', 'firing', 30_000, { policy_id: 'pol-access' });
  t.log(`CriticalViolationDetected webhook ${w.receivedAt - t.context.injectedAt} ms after injection`);
  t.is(w.headers['authorization'], `Bearer ${WEBHOOK_TOKEN}`);
  t.regex(String(w.headers['user-agent']), /^Alertmanager\//);
  const a = alertIn(w, 'CriticalViolationDetected', 'firing');
  t.like(a, { severity: 'critical', state: 'firing', source: 'webhook', silenced: false });
  t.like(a.labels, { policy_id: 'pol-access', policy_name: 'Access control', team: 'policy', severity: 'critical' });
  t.is(a.annotations['runbook_url'], 'docs/MAPE_K_RUNBOOK.md#criticalviolationdetected');
  t.is(a.annotations['summary'], 'Critical violations of policy pol-access');
  t.false('endsAt' in a);

  await firingInPrometheus(prometheus, 'ViolationRateHigh', { policy_id: 'pol-access' }, 20_000);
  await listener.waitForAlert('ViolationRateHigh', 'firing', 20_000, { policy_id: 'pol-access' });
  const inAm = await alertmanager.alerts({ filter: ['alertname="CriticalViolationDetected"', 'policy_id="pol-access"'] });
  t.is(inAm.length, 1);
  t.like(inAm[0], { name: 'CriticalViolationDetected', state: 'firing', silenced: false, inhibited: false, source: 'alertmanager', fingerprint: a.fingerprint });
  // Only the faulty policy alerts.
  const others = await prometheus.query('ALERTS{alertname="CriticalViolationDetected",policy_id!="pol-access"}');
  t.deepEqual(others.resultType === 'vector' ? others.result : ['not a vector'], []);
});

test.serial('bad_rollout: rolling the policy back through CharterClient resolves CriticalViolationDetected', async (t) => {
  t.timeout(75_000);
  const { charter, listener, client } = t.context.s;
  const { value: policy, etag } = await client.getPolicy('pol-access');
  t.is(etag, `"pol-access-v${policy.version}"`);
  const previous = policy.history[policy.history.length - 2];
  if (!previous) return t.fail('no previous version');
  t.is(policy.spec.revision, `${previous.spec.revision}+bad`);
  const remediatedAt = Date.now();
  const applied = await client.applyPolicy({ policyId: 'pol-access', spec: previous.spec, appliedBy: 'integration-test', reason: 'roll back bad rollout' }, { ifMatch: etag, idempotencyKey: 'rollback-pol-access-1' });
  t.is(applied.value.version, policy.version + 1);
  t.is(applied.etag, `"pol-access-v${policy.version + 1}"`);
  t.deepEqual(applied.value.spec, previous.spec);
  const fault = charter.groundTruth().cleared.find((f) => f.kind === 'bad_rollout' && f.subject === 'pol-access');
  t.is(fault?.clearedBy, 'rollback_policy');
  const w = await listener.waitForAlert('CriticalViolationDetected', 'resolved', 60_000, { policy_id: 'pol-access' });
  t.log(`CriticalViolationDetected resolved webhook ${w.receivedAt - remediatedAt} ms after the rollback`);
  const a = alertIn(w, 'CriticalViolationDetected', 'resolved');
  t.is(a.state, 'resolved');
  t.truthy(a.endsAt);
});

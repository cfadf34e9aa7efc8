import test from 'ava';
import { loadFixtureFile, parseFixture, FixtureSource } from '../../../src/monitor/fixture.js';
import { parseOffset } from '../../../src/monitor/fixture-build.js';
import { formatIssue } from '../../../src/types/errors.js';
import { planRule, ruleSet } from '../../support/engine-builders.js';

const head = 'apiVersion: mapek/v1\nkind: Fixture\nname: t\nstart: "2026-11-26T12:00:00Z"\n';

function issues(text: string, rs = ruleSet([])): string[] {
  const r = parseFixture(text, 'f.yaml', rs);
  return r.ok ? [] : r.issues.map(formatIssue);
}

test('carry-over: omitted alerts/violations repeat, metrics and sources merge by key, startsAt kept while firing', (t) => {
  const r = parseFixture(`${head}steps:
  - at: "+0s"
    alerts: [ { name: CharterDown, severity: critical } ]
    metrics: { up: 0, complianceRatio: 0.9 }
    violations: [ { policyId: p-1, nodeOrService: n-1, count: 2 } ]
  - at: "+1m30s"
    metrics: { up: null }
    sources: { charter: false, prometheus: "timeout" }
  - at: "2026-11-26T12:05:00Z"
    alerts: [ { name: CharterDown, severity: critical, state: resolved } ]
`, 'f.yaml');
  if (!r.ok) return t.fail(JSON.stringify(r.issues));
  const [s1, s2, s3] = r.fixture.steps.map((s) => s.snapshot);
  t.is(s2?.at, '2026-11-26T12:01:30.000Z');
  t.is(s2?.alerts[0]?.startsAt, '2026-11-26T12:00:00.000Z');
  t.deepEqual(s2?.alerts[0]?.labels, { alertname: 'CharterDown', severity: 'critical' });
  t.deepEqual(s2?.metrics['up'], []);
  t.deepEqual(s2?.metrics['complianceRatio'], [{ labels: {}, value: 0.9 }]);
  t.is(s2?.violations.length, 2);
  t.deepEqual(s2?.sources, { prometheus: { ok: false, error: 'timeout' }, alertmanager: { ok: true }, charter: { ok: false, error: 'down (fixture)' } });
  t.is(s3?.alerts[0]?.state, 'resolved');
  t.is(s3?.alerts[0]?.endsAt, '2026-11-26T12:05:00.000Z');
  t.is(s1?.alerts[0]?.fingerprint, s3?.alerts[0]?.fingerprint);
});

test('count expands alerts with {{i}}; special sample values', (t) => {
  const r = parseFixture(`${head}steps:
  - at: "+0s"
    alerts: [ { name: CriticalViolationDetected, count: 3, labels: { policy_id: "p-{{i}}" } } ]
    metrics: { up: "NaN", complianceRatio: "+Inf", quarantinedShare: "-Inf" }
`, 'f.yaml');
  if (!r.ok) return t.fail(JSON.stringify(r.issues));
  const s = r.fixture.steps[0]!.snapshot;
  t.deepEqual(s.alerts.map((a) => a.labels['policy_id']), ['p-1', 'p-2', 'p-3']);
  t.true(Number.isNaN(s.metrics['up']?.[0]?.value));
  t.is(s.metrics['complianceRatio']?.[0]?.value, Infinity);
  t.is(s.metrics['quarantinedShare']?.[0]?.value, -Infinity);
  t.is(parseOffset('+1h2m3s500ms'), 3_723_500);
  t.is(parseOffset('30s'), null);
});

test('schema errors: unknown keys, unknown metric query, unknown action type, bad time — all at once with positions', (t) => {
  t.deepEqual(issues(`${head}steps:
  - at: "+0s"
    alert: []
    metrics: { latency: 1 }
    expect:
      actions: [ { type: restart, target: x } ]
  - at: "soon"
`), [
    'f.yaml:7:5: steps[0].alert: unknown key "alert" (allowed: at, name, alerts, metrics, ranges, violations, sources, expect)',
    'f.yaml:8:16: steps[0].metrics.latency: unknown metric query "latency" (known: criticalViolationRate, violationRate, policyVersion, policyLoadFailed, violatedPolicies, enforcementFailureRate, committeeQueueDepth, committeeCapacity, committeeP99, validationLatencyP99, validationErrorRatio, complianceRatio, quarantinedShare, apiErrorRatio, up)',
    'f.yaml:10:26: steps[0].expect.actions[0].type: unknown action type "restart" (known: rollback_policy, set_enforcement_mode, quarantine_target, scale_committee, enable_validation_cache, reload_policies, notify)',
    'f.yaml:11:9: steps[1].at: invalid time "soon": use an offset such as +30s or +1m30s, or an ISO time',
  ]);
});

test('cross checks: unknown rule ids, analyze rule as rejected, time going backwards, duplicate alerts, bad start', (t) => {
  const rs = ruleSet([planRule('p', { all: [] }, { type: 'notify', target: 'x' })]);
  t.deepEqual(issues(`${head}steps:
  - at: "+1m"
    alerts: [ { name: CharterDown }, { name: CharterDown } ]
    expect: { rulesFired: [nope], rejected: [ { rule: ghost } ] }
  - at: "+30s"
`, rs), [
    'f.yaml:7:38: steps[0].alerts[1]: duplicate alert "CharterDown": same labels as alerts[0]',
    'f.yaml:8:28: steps[0].expect.rulesFired[0]: unknown rule "nope" (not in the loaded rule set)',
    'f.yaml:8:55: steps[0].expect.rejected[0].rule: unknown rule "ghost" (not in the loaded rule set)',
    'f.yaml:9:9: steps[1].at: time "+30s" is earlier than the previous step',
  ]);
  t.deepEqual(issues(head.replace('2026-11-26T12:00:00Z', 'yesterday') + 'steps: [ { at: "+0s" } ]'), ['f.yaml:4:8: start: invalid time "yesterday": use ISO-8601, e.g. 2026-11-26T12:00:00Z']);
});

test('unknown alert names are warnings; bad YAML and unreadable files are issues', async (t) => {
  const r = parseFixture(`${head}steps: [ { at: "+0s", alerts: [ { name: Martian } ] } ]\n`, 'f.yaml', ruleSet([]));
  t.true(r.ok);
  if (r.ok) t.deepEqual(r.warnings.map(formatIssue), ['f.yaml:5:41: steps[0].alerts[0].name: unknown alert "Martian": not a Charter alert and no rule names it']);
  // Without a rule set (its files failed to load) an alert cannot be judged unknown: no second message.
  const alone = parseFixture(`${head}steps: [ { at: "+0s", alerts: [ { name: Martian } ] } ]\n`, 'f.yaml');
  t.deepEqual(alone.ok ? alone.warnings : ['not ok'], []);
  t.deepEqual(issues('a: [\n'), ['f.yaml:2:1: invalid yaml: unexpected end of the stream within a flow collection']);
  const missing = await loadFixtureFile('/nonexistent/f.yaml');
  t.deepEqual(missing, { ok: false, issues: [{ file: '/nonexistent/f.yaml', line: 0, column: 0, path: '', message: 'cannot read fixture: ENOENT' }] });
});

test('FixtureSource yields each snapshot once, then says it is done', async (t) => {
  const r = parseFixture(`${head}steps: [ { at: "+0s" }, { at: "+1s" } ]\n`, 'f.yaml');
  if (!r.ok) return t.fail();
  const src = new FixtureSource(r.fixture);
  t.is((await src.observe()).at, '2026-11-26T12:00:00.000Z');
  t.is((await src.observe()).at, '2026-11-26T12:00:01.000Z');
  t.true(src.done);
  await t.throwsAsync(() => src.observe(), { message: 'fixture "t" has no step 3' });
});

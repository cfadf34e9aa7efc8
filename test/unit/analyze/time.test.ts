import test from 'ava';
import { createPlanner, globalFacts, observedFacts } from '../../../src/analyze/index.js';
import { groupIncidents } from '../../../src/monitor/incidents.js';
import { compileRuleFiles } from '../../../src/rules/compile.js';
import { parseFixture } from '../../../src/monitor/fixture.js';
import { formatIssue } from '../../../src/types/errors.js';
import type { Decision } from '../../../src/types/decision.js';

const RULES = `apiVersion: mapek/v1
name: t
version: 1.0.0
rules:
  - id: audit-after-10m
    version: 1
    description: A warning that has fired for more than 10 minutes puts the policy in audit mode.
    stage: plan
    priority: 10
    alerts: [ViolationRateHigh]
    conditions: { all: [ { fact: firingFor, operator: greaterThan, value: 600 } ] }
    action:
      type: set_enforcement_mode
      target: "{{subject.id}}"
      params: { mode: audit }
      cost: 1
      benefit: 5
      risk: medium
      verify: { after: 10m, conditions: { all: [ { fact: alertnames, operator: doesNotContain, value: ViolationRateHigh } ] } }
      cooldown: 10m
  - id: old-incident
    version: 1
    description: Any incident older than an hour is worth a human look.
    stage: analyze
    priority: 10
    conditions: { all: [ { fact: incidentAge, operator: greaterThanInclusive, value: 3600 }, { fact: firingFor, operator: exists, value: true } ] }
    derive: { stale: "{{firingFor}}" }
`;

const FIXTURE = `apiVersion: mapek/v1
kind: Fixture
name: t
start: "2026-11-26T12:00:00Z"
steps:
  - at: "+0s"
    alerts:
      - { name: PolicyLoadFailure, severity: critical, labels: { policy_id: p-1 } }
  - at: "+50m"
    alerts:
      - { name: PolicyLoadFailure, severity: critical, labels: { policy_id: p-1 } }
      - { name: ViolationRateHigh, severity: warning, labels: { policy_id: p-1 } }
  - at: "+60m"
  - at: "+60m30s"
    expect:
      actions: [ { type: set_enforcement_mode, target: p-1 } ]
      derived: { "policy:p-1": { stale: 3630 } }
`;

test('firingFor counts from the oldest alert the rule names; incidentAge from the oldest alert; on the step clock', (t) => {
  const rs = compileRuleFiles([{ file: 'r.yaml', text: RULES }]);
  if (!rs.ok) return t.fail(rs.issues.map(formatIssue).join('\n'));
  const fx = parseFixture(FIXTURE, 'f.yaml', rs.ruleSet);
  if (!fx.ok) return t.fail(fx.issues.map(formatIssue).join('\n'));
  const planner = createPlanner(rs.ruleSet);
  const plans: Decision[][] = fx.fixture.steps.map((s, i) => [...planner.plan(s.snapshot, {}, `c${i}`)]);
  const trace = (i: number, rule: string) => plans[i]?.[0]?.rules.find((r) => r.rule === rule);
  // +60m: ViolationRateHigh has fired 600 s (not more): the rule's own firingFor, not the older alert's 3600 s.
  t.is(trace(2, 'audit-after-10m@1')?.conditions[0]?.factValue, 600);
  t.false(trace(2, 'audit-after-10m@1')?.fired);
  t.is(trace(3, 'audit-after-10m@1')?.conditions[0]?.factValue, 630);
  t.deepEqual(plans[3]?.[0]?.chosen.map((c) => c.ruleId), ['audit-after-10m']);
  // The rule that names no alerts sees the incident's oldest active alert.
  t.deepEqual(plans[3]?.[0]?.derived, { stale: 3630 });
  t.is(trace(1, 'old-incident@1')?.conditions[0]?.factValue, 3000);
  const snap = fx.fixture.steps[3]!.snapshot;
  const incidents = groupIncidents(snap);
  const facts = observedFacts(incidents[0]!, globalFacts(snap, incidents), undefined, Date.parse(snap.at));
  t.deepEqual((facts['alerts'] as { name: string; firingForSeconds: number }[]).map((a) => [a.name, a.firingForSeconds]), [['PolicyLoadFailure', 3630], ['ViolationRateHigh', 630]]);
  t.is(facts['incidentAge'], 3630);
  return undefined;
});

test('alerts[].firingForSeconds is null for resolved alerts; firingFor is null when nothing fires', (t) => {
  const rs = compileRuleFiles([{ file: 'r.yaml', text: RULES.replace('{ fact: incidentAge, operator: greaterThanInclusive, value: 3600 }, ', '') }]);
  if (!rs.ok) return t.fail(rs.issues.map(formatIssue).join('\n'));
  const fx = parseFixture(`${FIXTURE.split('steps:')[0]}steps:
  - at: "+0s"
    alerts: [ { name: ViolationRateHigh, severity: warning, labels: { policy_id: p-1 } } ]
  - at: "+5m"
    alerts: [ { name: ViolationRateHigh, severity: warning, state: resolved, labels: { policy_id: p-1 } } ]
`, 'f.yaml', rs.ruleSet);
  if (!fx.ok) return t.fail(fx.issues.map(formatIssue).join('\n'));
  const d = createPlanner(rs.ruleSet).plan(fx.fixture.steps[1]!.snapshot, {}, 'c')[0];
  const leaf = d?.rules.find((r) => r.rule === 'old-incident@1')?.conditions[0];
  t.is(leaf?.factValue, null);
  t.false(leaf?.result);
  return undefined;
});

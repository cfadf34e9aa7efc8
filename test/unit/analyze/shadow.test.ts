import test from 'ava';
import { createPlanner } from '../../../src/analyze/index.js';
import { compileRuleFiles } from '../../../src/rules/compile.js';
import { parseFixture } from '../../../src/monitor/fixture.js';
import { simulate } from '../../../src/simulate/simulate.js';
import { renderTimeline } from '../../../src/simulate/timeline.js';
import { formatIssue } from '../../../src/types/errors.js';

const LIVE = `apiVersion: mapek/v1
name: live
version: 1.0.0
rules:
  - id: rollback
    version: 1
    description: Roll back.
    stage: plan
    priority: 50
    conditions: { all: [ { fact: severity, operator: equal, value: critical } ] }
    action: { type: rollback_policy, target: "{{subject.id}}", cost: 1, benefit: 10, risk: medium, cooldown: 10m,
      verify: { after: 1m, conditions: { all: [ { fact: severity, operator: notEqual, value: critical } ] } } }
`;
const SHADOW = `apiVersion: mapek/v1
name: trial
version: 1.0.0
mode: shadow
rules:
  - id: audit-instead
    version: 1
    description: Would audit mode do as well? Tried in shadow first.
    stage: plan
    priority: 90
    conditions: { all: [ { fact: severity, operator: equal, value: critical } ] }
    action: { type: set_enforcement_mode, target: "{{subject.id}}", params: { mode: audit }, cost: 1, benefit: 10, risk: medium, cooldown: 10m,
      verify: { after: 1m, conditions: { all: [ { fact: severity, operator: notEqual, value: critical } ] } } }
`;
const FIXTURE = `apiVersion: mapek/v1
kind: Fixture
name: t
start: "2026-11-26T12:00:00Z"
steps:
  - at: "+0s"
    alerts: [ { name: CriticalViolationDetected, severity: critical, labels: { policy_id: p-1 } } ]
    expect:
      actions: [ { type: rollback_policy, target: p-1 } ]
      noActions: [ { type: set_enforcement_mode } ]
      shadow: [ { type: set_enforcement_mode, target: p-1, params: { mode: audit } } ]
`;

test('a shadow rule plans in its own competition: the live plan is what it would be without it', async (t) => {
  const rs = compileRuleFiles([{ file: 'live.yaml', text: LIVE }, { file: 'trial.yaml', text: SHADOW }]);
  if (!rs.ok) return t.fail(rs.issues.map(formatIssue).join('\n'));
  t.like(rs.ruleSet.rules.find((r) => r.id === 'audit-instead'), { stage: 'plan', mode: 'shadow' });
  const fx = parseFixture(FIXTURE, 'f.yaml', rs.ruleSet);
  if (!fx.ok) return t.fail(fx.issues.map(formatIssue).join('\n'));
  const result = await simulate([fx.fixture], rs.ruleSet);
  t.deepEqual(result.fixtures[0]?.report.steps[0]?.failures, []);
  const d = result.fixtures[0]?.runs[0]?.decisions[0];
  t.deepEqual(d?.chosen.map((c) => c.ruleId), ['rollback'], 'priority 90 in shadow does not beat the live rollback');
  t.deepEqual(d?.shadow?.chosen.map((c) => c.ruleId), ['audit-instead']);
  const liveOnly = compileRuleFiles([{ file: 'live.yaml', text: LIVE }]);
  if (!liveOnly.ok) return t.fail('live');
  const without = createPlanner(liveOnly.ruleSet).plan(fx.fixture.steps[0]!.snapshot, {}, 't#1')[0];
  t.deepEqual(d?.candidates, without?.candidates);
  t.true(renderTimeline(result.fixtures[0]!.report, result.fixtures[0]!.runs, '').includes('      shadow: would set_enforcement_mode p-1 by audit-instead@1 (not executed)\n'));
  return undefined;
});

test('a shadow file holds only plan rules and facts; mode is only for plan rules', (t) => {
  const bad = compileRuleFiles([{ file: 'trial.yaml', text: `${SHADOW}  - id: cause
    version: 1
    description: d
    stage: analyze
    priority: 90
    mode: shadow
    conditions: { all: [ { fact: severity, operator: equal, value: critical } ] }
    derive: { x: 1 }
` }]);
  t.deepEqual(bad.ok ? [] : bad.issues.map(formatIssue), [
    'trial.yaml:17:12: rules[1].stage: a file with mode: shadow holds only plan rules and facts; rule "cause" is an analyze rule, which would change the live plan',
    'trial.yaml:19:5: rules[1].mode: "mode" is only allowed on plan rules; rule "cause" has stage "analyze"',
  ]);
});

/** One bad file per problem, with the exact message each must produce. */
import test from 'ava';
import { formatIssue } from '../../../src/types/errors.js';
import { loadRuleSet } from '../../../src/rules/load.js';

const BAD = 'test/data/rules/bad';

async function issues(path: string): Promise<string[]> {
  const r = await loadRuleSet([path]);
  if (r.ok) throw new Error(`${path} unexpectedly valid`);
  return r.issues.map(formatIssue);
}

const KNOWN_FACTS = 'neither observed (subject, alertnames, alerts, severity, labels, violations, metrics, global, firingFor, incidentAge) nor derived by any analyze rule';

const CASES: readonly [string, string[]][] = [
  ['bad-yaml.yaml', [`${BAD}/bad-yaml.yaml:7:1: invalid yaml: unexpected end of the stream within a flow collection`]],
  ['unknown-key.yaml', [`${BAD}/unknown-key.yaml:10:5: rules[0].colour: unknown key "colour" (allowed: id, version, description, stage, priority, alerts, subjects, conditions, derive, action, mode, blocks)`]],
  ['unknown-operator.yaml', [`${BAD}/unknown-operator.yaml:12:39: rules[0].conditions.all[0].operator: unknown operator "matchez" (known: equal, notEqual, lessThan, lessThanInclusive, greaterThan, greaterThanInclusive, in, notIn, contains, doesNotContain, matches, between, labelMatch, exists, missing, containsAny, lengthAtLeast)`]],
  ['unknown-action.yaml', [`${BAD}/unknown-action.yaml:12:13: rules[0].action.type: unknown action type "rollbak_policy" (known: rollback_policy, set_enforcement_mode, quarantine_target, scale_committee, enable_validation_cache, reload_policies, notify)`]],
  ['unknown-param.yaml', [`${BAD}/unknown-param.yaml:14:27: rules[0].action.params.seats: unknown parameter "seats" for action "scale_committee" (known: capacity, delta)`]],
  ['bad-param-value.yaml', [`${BAD}/bad-param-value.yaml:14:23: rules[0].action.params.mode: parameter "mode" of action "set_enforcement_mode" must be one of enforce, audit, disabled, got "off"`]],
  ['duplicate-id', [`${BAD}/duplicate-id/b.yaml:5:9: rules[0].id: duplicate rule id "same-id" (first defined at ${BAD}/duplicate-id/a.yaml:5:9)`]],
  ['cycle.yaml', [`${BAD}/cycle.yaml:11:5: rules[0].derive: derivation cycle: rule "hot" derives "hot", read by rule "cold", which derives "cold", read by rule "hot"; a cycle could oscillate`]],
  ['priority-inversion.yaml', [`${BAD}/priority-inversion.yaml:16:15: rules[1].priority: priority inversion: rule "reader" (priority 30) reads "rootCause", derived by rule "writer" (priority 10) which runs after it; give "writer" a higher priority than "reader"`]],
  ['unknown-fact.yaml', [`${BAD}/unknown-fact.yaml:10:34: rules[0].conditions.all[0].fact: unknown fact "rootCase": ${KNOWN_FACTS}`]],
  ['template-unknown-fact.yaml', [`${BAD}/template-unknown-fact.yaml:13:15: rules[0].action.target: template "{{subjct.id}}" names unknown fact "subjct": ${KNOWN_FACTS}`]],
  ['wrong-risk.yaml', [`${BAD}/wrong-risk.yaml:17:13: rules[0].action.risk: risk "low" is lower than the catalog's risk "high" for action "quarantine_target"`]],
  ['misc.yaml', [
    `${BAD}/misc.yaml:1:13: apiVersion: unsupported apiVersion "mapek/v2" (expected "mapek/v1")`,
    `${BAD}/misc.yaml:2:7: name: invalid name "Misc": use lower case letters, digits and "-", starting with a letter or digit`,
    `${BAD}/misc.yaml:3:10: version: invalid version "1.0": use a semantic version such as 1.0.0`,
    `${BAD}/misc.yaml:6:14: rules[0].version: must be >= 1, got 0`,
    `${BAD}/misc.yaml:9:15: rules[0].priority: must be an integer, got 2.5`,
    `${BAD}/misc.yaml:12:24: rules[0].conditions.any[0].condition: unknown condition "nowhere" (none declared)`,
    `${BAD}/misc.yaml:13:34: rules[0].conditions.any[1].path: unsupported path "$..up": use $.a.b, $.a[0] or $.a["x-y"] (no wildcards, filters or ..)`,
    `${BAD}/misc.yaml:14:34: rules[0].conditions.any[2].path: unknown metric "upp" in "$.upp" (known: criticalViolationRate, violationRate, policyVersion, policyLoadFailed, violatedPolicies, enforcementFailureRate, committeeQueueDepth, committeeCapacity, committeeP99, validationLatencyP99, validationErrorRatio, complianceRatio, quarantinedShare, apiErrorRatio, up)`,
    `${BAD}/misc.yaml:15:57: rules[0].conditions.any[3].value: operator "between" needs value [min, max] with min <= max, got 3`,
    `${BAD}/misc.yaml:16:71: rules[0].conditions.any[4].value: invalid regular expression "(": unterminated group`,
    `${BAD}/misc.yaml:17:5: rules[0].derive: "derive" is only allowed on analyze rules; rule "plan-with-derive" has stage "plan"`,
    `${BAD}/misc.yaml:17:15: rules[0].derive.severity: fact "severity" is observed and cannot be derived`,
    `${BAD}/misc.yaml:20:15: rules[0].action.target: invalid template "{{ subject.id | upper }}": only {{ fact }} or {{ fact.path }} is allowed (no expressions or filters)`,
    `${BAD}/misc.yaml:21:15: rules[0].action.params: missing required parameter "message" for action "notify"`,
    `${BAD}/misc.yaml:22:13: rules[0].action.cost: must be >= 0, got -1`,
    `${BAD}/misc.yaml:25:24: rules[0].action.verify.after: invalid duration "10 minutes": use an integer and ms, s, m or h (e.g. 500ms, 20s, 10m)`,
    `${BAD}/misc.yaml:25:55: rules[0].action.verify.conditions.all: must have at least 1 item(s)`,
  ]],
];

for (const [name, expected] of CASES) {
  test(`bad rule file ${name}`, async (t) => {
    t.deepEqual(await issues(`${BAD}/${name}`), expected);
  });
}

test('every bad file at once: all per-file issues are among them, sorted by file and position', async (t) => {
  const all = await issues(BAD);
  for (const e of CASES.flatMap(([, list]) => list)) t.true(all.includes(e), e);
  const key = (s: string): [string, number, number] => {
    const [f = '', l = '0', c = '0'] = s.split(':');
    return [f, Number(l), Number(c)];
  };
  const sorted = [...all].sort((a, b) => {
    const [fa, la, ca] = key(a);
    const [fb, lb, cb] = key(b);
    return fa < fb ? -1 : fa > fb ? 1 : la - lb || ca - cb || a.localeCompare(b);
  });
  t.deepEqual(all, sorted);
});

test('same-priority reads and unread derivations are warnings, not issues', async (t) => {
  const r = await loadRuleSet([`${BAD}/priority-inversion.yaml`]);
  t.deepEqual((r.warnings ?? []).map(formatIssue), [
    `${BAD}/priority-inversion.yaml:23:15: rules[2].priority: rule "uses-risk" reads "risk", derived by rule "reader" of the same priority 30; it takes an extra pass to see it`,
    `${BAD}/priority-inversion.yaml:25:15: rules[2].derive.page: fact "page" is derived but no rule reads it (it still appears in explanations)`,
  ]);
});

test('missing paths and empty directories are issues', async (t) => {
  t.deepEqual(await issues('test/data/rules/nope'), ['test/data/rules/nope: no such file or directory']);
  t.deepEqual(await issues('test/data/rules/bad/duplicate-id/none.yml'), ['test/data/rules/bad/duplicate-id/none.yml: no such file or directory']);
});

import test from 'ava';
import { formatIssue } from '../../../src/types/errors.js';
import { factCatalog, factsNeedingPrometheus } from '../../../src/types/facts.js';
import type { PlanRule } from '../../../src/types/rules.js';
import { compileRuleFiles } from '../../../src/rules/compile.js';
import { verifyDataWindowMs, verifyDataWindows } from '../../../src/rules/verify-window.js';

const HEAD = 'apiVersion: mapek/v1\nname: t\nversion: 1.0.0\n';

const issues = (text: string): string[] => {
  const r = compileRuleFiles([{ file: 'f.yaml', text }]);
  return r.ok ? [] : r.issues.map(formatIssue);
};

const SLOPE = `${HEAD}facts:
  - name: violationSlope
    description: How fast violations rise.
    promql: sum by (policy_id) (rate(westworld_charter_policy_violations_total[1m]))
    subject: policy
    by: policy_id
    range: { window: 15m, step: 30s, reduce: slope }
`;

const PLAN = (verify: string, after = '45s'): string => `${HEAD}rules:
  - id: act
    version: 1
    description: d
    stage: plan
    priority: 10
    conditions: { all: [ { fact: metrics, path: $.violationSlope, operator: greaterThan, value: 0 } ] }
    action:
      type: notify
      target: "{{subject.id}}"
      params: { message: m }
      cost: 0
      benefit: 1
      risk: low
      verify: { after: ${after}, conditions: { all: [ ${verify} ] } }
      cooldown: 1m
`;

test('a file may hold only facts; a rule in another file reads a declared fact through metrics', (t) => {
  const r = compileRuleFiles([{ file: 'facts.yaml', text: SLOPE }, { file: 'r.yaml', text: PLAN('{ fact: alertnames, operator: doesNotContain, value: X }', '20m') }]);
  if (!r.ok) return t.fail(r.issues.map(formatIssue).join('\n'));
  const facts = r.ruleSet.facts ?? [];
  t.is(facts.length, 16);
  t.is(facts[0]?.name, 'criticalViolationRate');
  t.is(facts[0]?.promql, undefined, 'a built-in no file declares has no query');
  t.deepEqual(facts[15], {
    name: 'violationSlope',
    description: 'How fast violations rise.',
    subject: 'policy',
    by: 'policy_id',
    promql: 'sum by (policy_id) (rate(westworld_charter_policy_violations_total[1m]))',
    range: { windowMs: 900_000, stepMs: 30_000, reduce: 'slope' },
    location: { file: 'facts.yaml', line: 5, column: 5 },
  });
  t.deepEqual(r.warnings, []);
  return undefined;
});

test('a rule reading an undeclared metric names the declared ones; a metric fact read as a fact says how to read it', (t) => {
  const bad = PLAN('{ fact: violationSlope, operator: lessThan, value: 0 }').replace('$.violationSlope', '$.violationSlop');
  const r = compileRuleFiles([{ file: 'facts.yaml', text: SLOPE }, { file: 'r.yaml', text: bad }]);
  t.false(r.ok);
  const msgs = r.ok ? [] : r.issues.map(formatIssue);
  t.is(msgs.length, 2);
  t.regex(msgs[0] ?? '', /^r\.yaml:10:49: rules\[0\]\.conditions\.all\[0\]\.path: unknown metric "violationSlop" in "\$\.violationSlop" \(known: criticalViolationRate, .*, up, violationSlope\)$/);
  t.is(msgs[1], 'r.yaml:18:58: rules[0].action.verify.conditions.all[0].fact: "violationSlope" is a metric fact: read it as { fact: metrics, path: $.violationSlope }');
});

test('duplicate names, clashes with observed facts and changed built-ins are each one message', (t) => {
  const text = `${HEAD}facts:
  - { name: x, description: d, promql: "max by (policy_id) (a)", subject: policy, by: policy_id }
  - { name: x, description: d, promql: "max by (policy_id) (b)", subject: policy, by: policy_id }
  - { name: alerts, description: d, promql: "max(a)", subject: service }
  - { name: violationRate, description: d, promql: "max by (node_or_service) (a)", subject: target, by: node_or_service }
`;
  t.deepEqual(issues(text), [
    'f.yaml:6:13: facts[1].name: duplicate fact "x" (first declared at f.yaml:5:13)',
    'f.yaml:7:13: facts[2].name: fact "alerts" clashes with the observed fact of that name; choose another name',
    'f.yaml:8:93: facts[3].subject: fact "violationRate" is built in with subject policy by policy_id; a declaration must keep them (the deriver and recorded fixtures rely on it)',
  ]);
});

test('by: is required for a subject, refused for the service, and must be kept by the expression', (t) => {
  const text = `${HEAD}facts:
  - { name: a, description: d, promql: "max(x)", subject: policy }
  - { name: b, description: d, promql: "max(x)", subject: service, by: policy_id }
  - { name: c, description: d, promql: "sum by (node_or_service) (rate(x[1m]))", subject: policy, by: policy_id }
  - { name: e, description: d, promql: "sum(rate(x[1m])) / 2", subject: policy, by: policy_id }
  - { name: g, description: d, promql: "sum without (policy_id) (x)", subject: policy, by: policy_id }
  - { name: ok1, description: d, promql: "rate(x{policy_id!=''}[1m]) > 0", subject: policy, by: policy_id }
  - { name: ok2, description: d, promql: "label_replace(max by (p) (x), 'policy_id', '$1', 'p', '(.*)')", subject: policy, by: policy_id }
  - { name: ok3, description: d, promql: "topk(3, max by (policy_id) (x))", subject: policy, by: policy_id }
`;
  t.deepEqual(issues(text), [
    'f.yaml:5:5: facts[0]: fact "a" is about a policy and needs "by": the label that names the policy',
    'f.yaml:6:68: facts[1].by: fact "b" is about the service (one global number) and takes no "by"',
    'f.yaml:7:103: facts[2].by: fact "c": "by: policy_id" is not a label of the query\'s result, which keeps only node_or_service; add it to the "by (…)" clause',
    'f.yaml:8:85: facts[3].by: fact "e": "by: policy_id" is not a label of the query\'s result, which keeps no labels; add it to the "by (…)" clause',
    'f.yaml:9:92: facts[4].by: fact "g": "by: policy_id" is not a label of the query\'s result, which drops it (without: policy_id); add it to the "by (…)" clause',
  ]);
});

test('a promql syntax error is reported at FILE:LINE:COL inside the string, plain, quoted or block', (t) => {
  const text = `${HEAD}facts:
  - name: plain
    description: d
    promql: sum(rate(x_total[1m])
    subject: service
  - name: quoted
    description: d
    promql: "rate(x[5q])"
    subject: service
  - name: block
    description: d
    promql: >-
      sum by (policy_id)
        (rate(x[1m]) +)
    subject: policy
    by: policy_id
`;
  t.deepEqual(issues(text), [
    'f.yaml:7:34: facts[0].promql: invalid promql: unexpected end of query',
    'f.yaml:11:22: facts[1].promql: invalid promql near "q])"',
    'f.yaml:17:23: facts[2].promql: invalid promql near ")"',
  ]);
});

test('ranges: unknown reducer, count without threshold, threshold elsewhere, window shorter than step, too many points', (t) => {
  const f = (name: string, range: string): string => `  - { name: ${name}, description: d, promql: "max(x)", subject: service, range: ${range} }\n`;
  const text = `${HEAD}facts:\n${f('a', '{ window: 1m, step: 10s, reduce: median }')}${f('b', '{ window: 1m, step: 10s, reduce: count }')}${f('c', '{ window: 1m, step: 10s, reduce: max, threshold: 2 }')}${f('d', '{ window: 10s, step: 1m, reduce: max }')}${f('e', '{ window: 24h, step: 1s, reduce: max }')}${f('ok', '{ window: 1h, step: 1m, reduce: count, threshold: 0.5 }')}`;
  t.deepEqual(issues(text), [
    'f.yaml:5:108: facts[0].range.reduce: unknown reducer "median" (known: last, min, max, avg, increase, slope, anomaly, count)',
    'f.yaml:6:75: facts[1].range: reduce "count" needs "threshold": points above it are counted',
    'f.yaml:7:113: facts[2].range.threshold: "threshold" is only used by reduce "count", not "max"',
    'f.yaml:8:85: facts[3].range.window: window 10s is shorter than the step 1m',
    'f.yaml:9:96: facts[4].range.step: window 24h at step 1s gives 86400 points; prometheus answers at most 11000 per series',
  ]);
});

test('schema: a fact without promql or with an invalid label name', (t) => {
  const text = `${HEAD}facts:
  - { name: a, description: d, subject: service }
  - { name: b, description: d, promql: "max by (p) (x)", subject: policy, by: "policy-id" }
`;
  t.deepEqual(issues(text), [
    'f.yaml:5:5: facts[0]: missing required key "promql"',
    'f.yaml:6:79: facts[1].by: invalid label name "policy-id": use letters, digits and "_", starting with a letter or "_"',
  ]);
});

test('verify data window: the longest window behind the verify conditions, through derived facts, with and without prometheus', (t) => {
  const analyze = `${HEAD}rules:
  - id: rising
    version: 1
    description: d
    stage: analyze
    priority: 50
    conditions: { all: [ { fact: global, path: $.metrics.apiErrorRatio, operator: greaterThan, value: 0.1 } ] }
    derive: { rising: true }
`;
  const r = compileRuleFiles([
    { file: 'a.yaml', text: analyze },
    { file: 'facts.yaml', text: SLOPE },
    { file: 'r.yaml', text: PLAN('{ fact: rising, operator: notEqual, value: true }, { fact: metrics, path: $.violationSlope, operator: lessThan, value: 0.01 }') },
  ]);
  if (!r.ok) return t.fail(r.issues.map(formatIssue).join('\n'));
  const rule = r.ruleSet.rules.find((x) => x.id === 'act') as PlanRule;
  t.deepEqual(verifyDataWindows(r.ruleSet, rule), [{ fact: 'violationSlope', windowMs: 960_000 }, { fact: 'apiErrorRatio', windowMs: 60_000 }]);
  t.is(verifyDataWindowMs(r.ruleSet, rule), 960_000);
  t.deepEqual(verifyDataWindows(r.ruleSet, rule, { source: 'deriver', deriverWindowMs: 5_000 }), [{ fact: 'apiErrorRatio', windowMs: 5_000 }, { fact: 'violationSlope', windowMs: 0 }]);
  t.deepEqual(r.warnings.map(formatIssue), [
    'r.yaml:18:24: rules[0].action.verify.after: verify after 45s is shorter than the 16m data window of the facts its conditions read (metrics.apiErrorRatio, metrics.violationSlope): the verdict would still see data from before the action',
  ]);
  return undefined;
});

test('without prometheus only the built-ins are derived: the declared facts are named in the start warning', (t) => {
  const r = compileRuleFiles([{ file: 'facts.yaml', text: SLOPE.replace('facts:\n', 'facts:\n  - { name: violationRate, description: d, promql: "sum by (policy_id) (rate(v[1m]))", subject: policy, by: policy_id }\n') }]);
  if (!r.ok) return t.fail(r.issues.map(formatIssue).join('\n'));
  t.deepEqual(factsNeedingPrometheus(factCatalog(r.ruleSet)), ['violationSlope']);
  t.is(r.ruleSet.facts?.find((f) => f.name === 'violationRate')?.promql, 'sum by (policy_id) (rate(v[1m]))', 'a declaration gives a built-in its query');
  return undefined;
});

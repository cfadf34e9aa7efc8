import test from 'ava';
import { readFile } from 'node:fs/promises';
import { CHARTER_ALERTS } from '../../../src/types/alert.js';
import { formatIssue } from '../../../src/types/errors.js';
import type { AnalyzeRule, PlanRule } from '../../../src/types/rules.js';
import { canonicalJson, compileRuleFiles } from '../../../src/rules/compile.js';
import { ruleDerives, ruleReads } from '../../../src/rules/graph.js';
import { loadRuleSet } from '../../../src/rules/load.js';

const GOOD = 'test/data/rules/good/minimal.yaml';

test('a good file compiles into typed rules with locations, rule set and ms durations', async (t) => {
  const r = await loadRuleSet([GOOD]);
  if (!r.ok) return t.fail(r.issues.map(formatIssue).join('\n'));
  t.deepEqual(r.warnings, []);
  t.deepEqual(r.ruleSet.files, [GOOD]);
  t.regex(r.ruleSet.hash, /^[0-9a-f]{64}$/);
  t.deepEqual(Object.keys(r.ruleSet.namedConditions), ['critical']);
  const [crit, tell] = r.ruleSet.rules as [AnalyzeRule, PlanRule];
  t.like(crit, { id: 'crit', version: 1, stage: 'analyze', priority: 50, alerts: [], subjects: ['policy'], ruleSet: 'minimal@0.1.0' });
  t.deepEqual(crit.location, { file: GOOD, line: 9, column: 5 });
  t.deepEqual(crit.derive, { rootCause: 'trouble', who: '{{subject.id}}' });
  t.deepEqual(tell.location, { file: GOOD, line: 19, column: 5 });
  t.deepEqual(tell.action, {
    type: 'notify',
    target: '{{who}}',
    params: { message: 'trouble with {{subject.id}} ({{metrics.violationRate}}/s)' },
    cost: 0.5,
    benefit: 1,
    risk: 'low',
    successProbability: 0.25,
    verify: { afterMs: 1500, conditions: { not: { fact: 'alertnames', operator: 'contains', value: 'CriticalViolationDetected' } } },
    cooldownMs: 7_200_000,
  });
  t.deepEqual(ruleReads(crit, r.ruleSet.namedConditions), ['severity', 'subject']);
  t.deepEqual(ruleDerives(crit), ['rootCause', 'who']);
  t.deepEqual(ruleReads(tell), ['metrics', 'rootCause', 'subject', 'who']);
  t.deepEqual(ruleDerives(tell), []);
  return undefined;
});

test('the hash depends on content, not on file order or key order', async (t) => {
  const text = await readFile(GOOD, 'utf8');
  const a = compileRuleFiles([{ file: 'x/a.yaml', text }]);
  const reordered = text.replace('apiVersion: mapek/v1\nname: minimal\n', 'name: minimal\napiVersion: mapek/v1\n');
  t.not(reordered, text);
  const b = compileRuleFiles([{ file: 'y/a.yaml', text: reordered }]);
  const c = compileRuleFiles([{ file: 'x/a.yaml', text: text.replace('cost: 0.5', 'cost: 0.75') }]);
  if (!a.ok || !b.ok || !c.ok) return t.fail('expected valid');
  t.is(a.ruleSet.hash, b.ruleSet.hash);
  t.not(a.ruleSet.hash, c.ruleSet.hash);
  t.is(canonicalJson({ b: [1, { d: null, c: 'x' }], a: new Date(0) }), '{"a":"1970-01-01T00:00:00.000Z","b":[1,{"c":"x","d":null}]}');
  return undefined;
});

test('the shipped rules/ validate clean, without warnings', async (t) => {
  const r = await loadRuleSet(['rules']);
  if (!r.ok) return t.fail(r.issues.map(formatIssue).join('\n'));
  t.deepEqual(r.warnings.map(formatIssue), []);
  t.true(r.ruleSet.rules.length >= 30);
  return undefined;
});

test('the shipped rules cover all eleven Charter alerts and every action type except none', async (t) => {
  const r = await loadRuleSet(['rules']);
  if (!r.ok) return t.fail('rules/ invalid');
  const alerts = new Set(r.ruleSet.rules.flatMap((x) => x.alerts));
  for (const a of CHARTER_ALERTS) t.true(alerts.has(a), a);
  const types = new Set(r.ruleSet.rules.flatMap((x) => (x.stage === 'plan' ? [x.action.type] : [])));
  t.deepEqual([...types].sort(), ['enable_validation_cache', 'notify', 'quarantine_target', 'reload_policies', 'rollback_policy', 'scale_committee', 'set_enforcement_mode']);
  // CharterDown: nothing but notify.
  const down = r.ruleSet.rules.filter((x): x is PlanRule => x.stage === 'plan' && x.alerts.includes('CharterDown'));
  t.true(down.length > 0);
  t.true(down.every((x) => x.action.type === 'notify'));
  return undefined;
});

test('the shipped rules hold a chain of three derivations in priority order', async (t) => {
  const r = await loadRuleSet(['rules']);
  if (!r.ok) return t.fail('rules/ invalid');
  const byId = new Map(r.ruleSet.rules.map((x) => [x.id, x]));
  const chain = ['target-violates-many-policies', 'rogue-target-root-cause', 'rogue-target-risk'].map((id) => byId.get(id));
  const [a, b, c] = chain;
  if (a === undefined || b === undefined || c === undefined) return t.fail('chain rules missing');
  t.true(ruleDerives(a).some((f) => ruleReads(b).includes(f)));
  t.true(ruleDerives(b).some((f) => ruleReads(c).includes(f)));
  t.true(a.priority > b.priority && b.priority > c.priority);
  return undefined;
});

test('no files, non-mapping documents and unreadable structure are issues', (t) => {
  const none = compileRuleFiles([]);
  t.deepEqual(none.ok ? [] : none.issues.map(formatIssue), ['(none): no rule files given']);
  const list = compileRuleFiles([{ file: 'l.yaml', text: '- a\n- b\n' }]);
  t.deepEqual(list.ok ? [] : list.issues.map(formatIssue), ['l.yaml:1:1: a rule file must be a mapping with apiVersion, name, version and rules or facts']);
  const weird = compileRuleFiles([{ file: 'w.yaml', text: 'apiVersion: mapek/v1\nname: w\nversion: 1.0.0\nrules: [ 3, { id: x, stage: plan, conditions: { all: 7 } } ]\n' }]);
  t.false(weird.ok);
});

test('named conditions: shared across files, duplicates and cycles reported', (t) => {
  const head = (name: string): string => `apiVersion: mapek/v1\nname: ${name}\nversion: 1.0.0\n`;
  const r = compileRuleFiles([
    { file: 'a.yaml', text: `${head('a')}conditions:\n  c1: { condition: c2 }\n  c2: { any: [ { condition: c1 } ] }\nrules: []\n` },
    { file: 'b.yaml', text: `${head('b')}conditions:\n  c1: { fact: severity, operator: equal, value: critical }\nrules: []\n` },
  ]);
  t.deepEqual(r.ok ? [] : r.issues.map(formatIssue), [
    'a.yaml:5:3: conditions.c1: condition cycle: "c1" -> "c2" -> "c1"',
    'b.yaml:5:3: conditions.c1: duplicate condition "c1" (first defined at a.yaml:5:3)',
  ]);
});

test('stage-specific keys: analyze without derive, plan without action, action on analyze', (t) => {
  const text = `apiVersion: mapek/v1
name: s
version: 1.0.0
rules:
  - id: no-derive
    version: 1
    description: d
    stage: analyze
    priority: 1
    conditions: { fact: severity, operator: equal, value: critical }
    action: { type: notify, target: x, params: { message: m }, cost: 0, benefit: 1, risk: low, verify: { after: 1s, conditions: { fact: severity, operator: exists, value: true } }, cooldown: 1m }
  - id: no-action
    version: 1
    description: d
    stage: plan
    priority: 1
    conditions: { fact: labels, operator: labelMatch, value: { team: "~(" } }
`;
  const r = compileRuleFiles([{ file: 's.yaml', text }]);
  t.deepEqual(r.ok ? [] : r.issues.map(formatIssue), [
    's.yaml:5:5: rules[0]: analyze rule "no-derive" needs "derive": the facts it concludes',
    's.yaml:11:5: rules[0].action: "action" is only allowed on plan rules; rule "no-derive" has stage "analyze"',
    's.yaml:12:5: rules[1]: plan rule "no-action" needs "action": what it proposes',
    's.yaml:17:62: rules[1].conditions.value: invalid regular expression "(": unterminated group',
  ]);
});

import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validatePaths } from '../../../src/cli/validate.js';
import { compileRuleFiles } from '../../../src/rules/compile.js';
import { CoverageCollector, renderCoverage } from '../../../src/simulate/coverage.js';
import { createPlanner } from '../../../src/analyze/index.js';
import { parseFixture } from '../../../src/monitor/fixture.js';
import { formatIssue } from '../../../src/types/errors.js';

const HEAD = 'apiVersion: mapek/v1\nname: t\nversion: 1.0.0\nrules:\n';
const issues = (text: string): string[] => {
  const r = compileRuleFiles([{ file: 'f.yaml', text }]);
  return r.ok ? [] : r.issues.map(formatIssue);
};

const ANALYZE = (over: string): string => `${HEAD}  - id: cause
    version: 1
    description: d
${over}    conditions: { all: [ { fact: severity, operator: equal, value: critical } ] }
    derive: { rootCause: bad }
  - id: reader
    version: 1
    description: d
    stage: analyze
    priority: 10
    conditions: { all: [ { fact: rootCause, operator: equal, value: bad } ] }
    derive: { again: yes }
  - id: user
    version: 1
    description: d
    stage: plan
    priority: 5
    conditions: { all: [ { fact: again, operator: equal, value: "yes" } ] }
    action:
      type: notify
      target: ${'{{culprit}}'}
      params: { message: "m {{subject.id}}" }
      cost: 0
      benefit: 1
      risk: low
      verify: { after: 1m, conditions: { all: [ { fact: severity, operator: notEqual, value: critical } ] } }
      cooldown: 1m
`;

test('an unquoted template is one message, not a type error about a mapping', (t) => {
  t.deepEqual(issues(ANALYZE('    stage: analyze\n    priority: 50\n')), [
    'f.yaml:27:15: rules[2].action.target: template must be quoted: write "{{culprit}}"',
  ]);
});

test('a bad priority is reported once, not also as a priority inversion with priority 0', (t) => {
  t.deepEqual(issues(ANALYZE('    stage: analyze\n    priority: high\n').replace('{{culprit}}', '"{{subject.id}}"')), [
    'f.yaml:9:15: rules[0].priority: must be an integer, got "high"',
  ]);
});

test('a missing stage is reported once, not also as unknown facts for what the rule derives', (t) => {
  t.deepEqual(issues(ANALYZE('    priority: 50\n').replace('{{culprit}}', '"{{subject.id}}"')), [
    'f.yaml:5:5: rules[0]: missing required key "stage"',
  ]);
});

test('a rule file that fails to load does not also warn about every fixture alert no rule names', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'mapek-one-'));
  try {
    await writeFile(path.join(dir, 'r.yaml'), `${HEAD}  - id: x\n    version: 1\n    description: d\n    stage: plan\n    priority: 1\n    alerts: [MyAlert]\n    conditions: { all: [] }\n`);
    await writeFile(path.join(dir, 'f.yaml'), 'apiVersion: mapek/v1\nkind: Fixture\nname: f\nstart: "2026-11-26T12:00:00Z"\nsteps: [ { at: "+0s", alerts: [ { name: MyAlert } ] } ]\n');
    const r = await validatePaths([dir]);
    t.deepEqual(r.issues.map((i) => i.text), [
      `${path.join(dir, 'r.yaml')}:5:5: rules[0]: plan rule "x" needs "action": what it proposes`,
      `${path.join(dir, 'r.yaml')}:11:24: rules[0].conditions.all: must have at least 1 item(s)`,
    ]);
    t.deepEqual(r.warnings, []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('--coverage: a leaf under not: that matched is "matched (so the `not` was false)"', (t) => {
  const rs = compileRuleFiles([{ file: 'r.yaml', text: `${HEAD}  - id: quiet
    version: 1
    description: d
    stage: analyze
    priority: 5
    conditions: { all: [ { fact: severity, operator: equal, value: critical }, { not: { fact: alertnames, operator: contains, value: CharterDown } } ] }
    derive: { quiet: true }
` }]);
  if (!rs.ok) return t.fail(rs.issues.map(formatIssue).join('\n'));
  const fx = parseFixture(`apiVersion: mapek/v1
kind: Fixture
name: f
start: "2026-11-26T12:00:00Z"
steps:
  - at: "+0s"
    alerts: [ { name: CharterDown, severity: critical } ]
`, 'f.yaml', rs.ruleSet);
  if (!fx.ok) return t.fail(fx.issues.map(formatIssue).join('\n'));
  const c = new CoverageCollector();
  c.add(createPlanner(rs.ruleSet).plan(fx.fixture.steps[0]!.snapshot, {}, 'c'));
  const text = renderCoverage(c.report(rs.ruleSet));
  t.true(text.includes('      [1] severity equal "critical"  fired (true 1, false 0)'), text);
  t.true(text.includes('      [2] alertnames contains "CharterDown"  matched (so the `not` was false) (true 1, false 0)'), text);
  return undefined;
});

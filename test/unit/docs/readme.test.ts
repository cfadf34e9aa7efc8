import test from 'ava';
import { readFileSync } from 'node:fs';
import { compileRuleFiles } from '../../../src/rules/compile.js';

// The README's quick-start rule is what a new rule author copies first: it must validate.
test('the README quick-start rule file validates', (t) => {
  const readme = readFileSync('README.md', 'utf8');
  const block = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
  t.truthy(block, 'README has a yaml example');
  const result = compileRuleFiles([{ file: 'README.md#quick-start', text: block ?? '' }]);
  t.true(result.ok, result.ok ? '' : result.issues.map((i) => i.message).join('\n'));
  if (result.ok) t.deepEqual(result.ruleSet.rules.map((r) => r.id), ['bad-rollout', 'rollback-bad-rollout']);
});

test('the README names the two commands first: the demo and the tests', (t) => {
  const readme = readFileSync('README.md', 'utf8');
  const commands = [...readme.matchAll(/^(npm [^\n#]+?)\s*(#|$)/gm)].map((m) => m[1]);
  t.deepEqual(commands.slice(0, 2), ['npm ci && npm start', 'npm test']);
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  t.is(pkg.scripts['start'], 'node bin/mapek.js demo');
});

import test from 'ava';
import { readFileSync } from 'node:fs';
import { compileRuleFiles } from '../../../src/rules/compile.js';
import { EXIT } from '../../../src/cli/command.js';

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

test('the README lists every exit code the CLI uses, 70 included', (t) => {
  const readme = readFileSync('README.md', 'utf8').replace(/\s+/g, ' ');
  const sentence = /exit codes are ([^.]+)\./.exec(readme)?.[1] ?? '';
  const listed = [...sentence.matchAll(/\b(\d+) [a-z]/g)].map((m) => Number(m[1]));
  t.deepEqual(listed, Object.values(EXIT));
  t.true(sentence.includes('70 internal error'));
});

test('the README names the Debian packages scripts/ensure-stack.sh installs, and that the first npm test needs root or sudo', (t) => {
  const readme = readFileSync('README.md', 'utf8').replace(/\s+/g, ' ');
  // PACKAGES=( "command package" … ): the package is the second word of each entry.
  const list = /PACKAGES=\(([^)]*)\)/.exec(readFileSync('scripts/ensure-stack.sh', 'utf8'))?.[1] ?? '';
  const packages = [...list.matchAll(/"\S+ (\S+)"/g)].map((m) => m[1]);
  t.true(packages.length >= 2, 'the scan sees the package list');
  for (const p of packages) t.true(readme.includes(`\`${p}\``), `README does not name package ${p} from scripts/ensure-stack.sh`);
  t.true(readme.includes('listed in one place, `scripts/ensure-stack.sh`'));
  t.true(readme.includes('The first `npm test` needs root or sudo'));
  t.true(readme.includes('on a systemd host the packages still *enable* them'));
  t.regex(readme, /The first `npm ci && npm start` takes one to two minutes/);
});

import test from 'ava';
import { mkdtemp, writeFile, mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureIo } from '../../support/io.js';
import { command, makeValidateCommand, validatePaths, type FixtureLoader } from '../../../src/cli/validate.js';

const GOOD = 'test/data/rules/good/minimal.yaml';
const BAD = 'test/data/rules/bad/unknown-operator.yaml';

test('valid rules: exit 0 and a summary line', async (t) => {
  const io = captureIo();
  t.is(await command.run([GOOD], io), 0);
  t.is(io.stdout(), 'ok: 1 rule file (2 rules), 0 fixtures; 0 issues, 0 warnings\n');
});

test('invalid rules: every issue on its own line, warnings after, exit 1', async (t) => {
  const io = captureIo();
  t.is(await command.run([BAD], io), 1);
  t.deepEqual(io.stdout().trimEnd().split('\n'), [
    `${BAD}:12:39: rules[0].conditions.all[0].operator: unknown operator "matchez" (known: equal, notEqual, lessThan, lessThanInclusive, greaterThan, greaterThanInclusive, in, notIn, contains, doesNotContain, matches, between, labelMatch, exists, missing, containsAny, lengthAtLeast)`,
    `warning: ${BAD}:13:15: rules[0].derive.x: fact "x" is derived but no rule reads it (it still appears in explanations)`,
    'failed: 1 rule file (0 rules), 0 fixtures; 1 issue, 1 warning',
  ]);
});

test('--json prints a machine-readable report', async (t) => {
  const io = captureIo();
  t.is(await command.run(['--json', BAD], io), 1);
  const report = JSON.parse(io.stdout()) as { ok: boolean; ruleFiles: string[]; hash: string | null; issues: { file: string; line: number; column: number; path: string; text: string }[] };
  t.false(report.ok);
  t.deepEqual(report.ruleFiles, [BAD]);
  t.is(report.hash, null);
  t.like(report.issues[0], { file: BAD, line: 12, column: 39, path: 'rules[0].conditions.all[0].operator' });
  t.true(report.issues[0]?.text.startsWith(`${BAD}:12:39: `));
});

test('usage errors exit 2 through main; --help exits 0', async (t) => {
  const { main } = await import('../../../src/cli/main.js');
  const io = captureIo();
  t.is(await main(['validate', '--nope'], io), 2);
  t.is(io.stderr(), 'mapek validate: unknown option --nope (see mapek validate --help)\n');
  const help = captureIo();
  t.is(await command.run(['--help'], help), 0);
  t.regex(help.stdout(), /^usage: mapek validate \[PATH \.\.\.\] \[--json\]/);
});

test('a missing path is an issue', async (t) => {
  const io = captureIo();
  t.is(await command.run(['no/such/dir'], io), 1);
  t.is(io.stdout().split('\n')[0], 'no/such/dir: no such file or directory');
});

test('fixtures go to the fixture loader with the rule set; their issues and warnings are reported', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mapek-validate-'));
  await mkdir(join(dir, 'fixtures'));
  const fixture = join(dir, 'fixtures', 'f.yaml');
  await writeFile(fixture, 'apiVersion: mapek/v1\nkind: Fixture\nname: f\n');
  await writeFile(join(dir, 'rules.yaml'), await readFile(GOOD, 'utf8'));
  const seen: { file: string; rules: number }[] = [];
  const loader: FixtureLoader = async (file, ruleSet) => {
    seen.push({ file, rules: ruleSet?.rules.length ?? -1 });
    return { ok: false, issues: [{ file, line: 3, column: 7, path: 'name', message: 'fake problem' }] };
  };
  const io = captureIo();
  t.is(await makeValidateCommand(loader).run([dir], io), 1);
  t.deepEqual(seen, [{ file: fixture, rules: 2 }]);
  t.deepEqual(io.stdout().trimEnd().split('\n'), [`${fixture}:3:7: name: fake problem`, 'failed: 1 rule file (2 rules), 1 fixture; 1 issue, 0 warnings']);

  const okLoader: FixtureLoader = async (file) => ({ ok: true, warnings: [{ file, line: 1, column: 1, path: '', message: 'just so you know' }] });
  const report = await validatePaths([fixture], okLoader);
  t.true(report.ok);
  t.deepEqual(report.warnings.map((w) => w.text), [`${fixture}:1:1: just so you know`]);
});

test('an empty directory is an issue', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mapek-validate-empty-'));
  const report = await validatePaths([dir]);
  t.deepEqual(report.issues.map((i) => i.text), [`${dir}: no rule files or fixtures (*.yaml, *.yml) found`]);
});

test('with no arguments it validates rules/ and fixtures/ of the working directory', async (t) => {
  const io = captureIo();
  const code = await command.run([], io);
  const last = io.stdout().trimEnd().split('\n').pop() ?? '';
  t.regex(last, /^(ok|failed): \d+ rule files \(\d+ rules\), \d+ fixtures?;/);
  t.is(code, last.startsWith('ok') ? 0 : 1);
});

test('a JSON-lines recording (FILE.jsonl) is validated as a fixture with simulate\'s loader, not read as a rule file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mapek-validate-jsonl-'));
  const head = '{"apiVersion":"mapek/v1","kind":"Fixture","name":"rec","start":"2026-11-26T12:00:00Z"}';
  const step = '{"at":"+0s","alerts":[]}';
  await writeFile(join(dir, 'good.jsonl'), `${head}\n${step}\n`);
  await writeFile(join(dir, 'bad.jsonl'), `${head}\n{"att":"+0s"}\n`);
  const good = await validatePaths([GOOD, join(dir, 'good.jsonl')]);
  t.true(good.ok, good.issues.map((i) => i.text).join('\n'));
  t.deepEqual(good.fixtures, [join(dir, 'good.jsonl')]);
  t.deepEqual(good.ruleFiles, [GOOD]);
  const bad = await validatePaths([GOOD, join(dir, 'bad.jsonl')]);
  t.false(bad.ok);
  t.deepEqual(bad.issues.map((i) => i.text), [
    `${join(dir, 'bad.jsonl')}:2:1: steps[0]: missing required key "at"`,
    `${join(dir, 'bad.jsonl')}:2:2: steps[0].att: unknown key "att" (allowed: at, name, alerts, metrics, ranges, violations, sources, expect)`,
  ]);
});

import test from 'ava';
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command as rules } from '../../../src/cli/rules.js';
import { main } from '../../../src/cli/main.js';
import { captureIo } from '../../support/io.js';

/** A copy of rules/ where rollback loses to audit mode (priority 80 → 50). */
async function changedRules(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mapek-rules-'));
  await cp('rules', join(dir, 'rules'), { recursive: true });
  const file = join(dir, 'rules', 'policy.yaml');
  const text = await readFile(file, 'utf8');
  const changed = text.replace(/(- id: rollback-bad-rollout[\s\S]*?priority: )80/, '$150');
  if (changed === text) throw new Error('rule not found');
  await writeFile(file, changed);
  return join(dir, 'rules');
}

test('against an identical directory: no differences, exit 0', async (t) => {
  const io = captureIo();
  t.is(await rules.run(['diff', '--base', 'rules'], io), 0);
  // Counts of what ships are not asserted: adding a fixture must keep this green.
  t.regex(io.stdout(), /^no differences: \d+ fixture\(s\) plan the same under rules and the current rules\n$/);
});

test('a changed priority: every step whose plan differs is listed, exit 1', async (t) => {
  const base = await changedRules();
  const io = captureIo();
  t.is(await rules.run(['diff', '--base', base], io), 1);
  const out = io.stdout();
  t.regex(out, /^\d+ step\(s\) plan differently under .* \(base\) and the current rules:$/m);
  t.true(out.includes('  bad-rollout step 1 (+0s, fixtures/bad-rollout.yaml)\n    - set_enforcement_mode p-7 {"mode":"audit"} (audit-mode-bad-rollout, policy:p-7)\n    + rollback_policy p-7 (rollback-bad-rollout, policy:p-7)\n'), out);
  const json = captureIo();
  t.is(await rules.run(['diff', '--base', base, '--json'], json), 1);
  const r = JSON.parse(json.stdout()) as { differences: { fixture: string; step: number }[] };
  t.true(r.differences.some((d) => d.fixture === 'bad-rollout' && d.step === 1));
  t.false(r.differences.some((d) => d.fixture === 'compliance'));
});

test('a git revision as base: files read with git ls-tree/show', async (t) => {
  const current = await changedRules();
  const repo = join(current, '..');
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo });
  git('init', '-q');
  git('add', 'rules');
  git('commit', '-q', '-m', 'changed');
  const same = captureIo();
  t.is(await rules.run(['diff', '--base', 'HEAD', '--rules', current], same), 0, same.stderr());
  // The working copy goes back to the shipped priority: now it differs from HEAD.
  await cp('rules/policy.yaml', join(current, 'policy.yaml'));
  const io = captureIo();
  t.is(await rules.run(['diff', '--base', 'HEAD', '--rules', current], io), 1, io.stderr());
  t.true(io.stdout().includes('+ rollback_policy p-7 (rollback-bad-rollout, policy:p-7)'));
  const bad = captureIo();
  t.is(await main(['rules', 'diff', '--base', 'no-such-ref', '--rules', current], bad), 2);
  t.is(bad.stderr(), 'mapek rules: --base "no-such-ref" is neither a directory nor a usable git revision: unknown git ref "no-such-ref"\n');
});

test('usage errors exit 2; an invalid base exits 1', async (t) => {
  for (const [args, msg] of [
    [['rules'], 'mapek rules: missing subcommand (try: mapek rules diff --base REF|DIR)\n'],
    [['rules', 'merge'], 'mapek rules: unknown subcommand "merge" (known: diff)\n'],
    [['rules', 'diff'], 'mapek rules: missing --base REF|DIR\n'],
    [['rules', 'diff', 'x', '--base', 'rules'], 'mapek rules: unexpected argument "x"\n'],
  ] as const) {
    const io = captureIo();
    t.is(await main([...args], io), 2);
    t.is(io.stderr(), msg);
  }
  const dir = await mkdtemp(join(tmpdir(), 'mapek-badrules-'));
  await writeFile(join(dir, 'x.yaml'), 'apiVersion: mapek/v2\n');
  const io = captureIo();
  t.is(await rules.run(['diff', '--base', dir], io), 1);
  t.regex(io.stderr(), /^mapek rules diff: the base rule set ".*" is invalid:\n/);
  const help = captureIo();
  t.is(await rules.run(['--help'], help), 0);
  t.regex(help.stdout(), /^usage: mapek rules diff/);
});

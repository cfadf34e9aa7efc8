import test from 'ava';
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command as simulate } from '../../../src/cli/simulate.js';
import { main } from '../../../src/cli/main.js';
import { captureIo } from '../../support/io.js';

async function tempFixture(name: string, body: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mapek-sim-'));
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, `apiVersion: mapek/v1\nkind: Fixture\nname: ${name}\nstart: "2026-11-26T12:00:00Z"\n${body}`);
  return file;
}

const validation = `steps:
  - at: "+0s"
    alerts: [ { name: ValidationLatencySLA, severity: warning } ]
    expect:
      actions: [ { type: reload_policies, target: charter } ]
      rulesNotFired: [validation-slowdown]
`;

test('the shipped fixtures all hold: exit 0 and a summary line', async (t) => {
  const io = captureIo();
  t.is(await simulate.run([], io), 0);
  t.regex(io.stdout(), /^simulate: \d+ fixture\(s\), \d+ step\(s\), 0 failed; rule set [0-9a-f]{12}$/m);
  t.regex(io.stdout(), /rejected: set_enforcement_mode p-7 by audit-mode-bad-rollout@1: lower effective priority 60 < 80 \(rollback-bad-rollout\)/);
});

test('a failing expectation exits 1 naming fixture, line, step and the difference', async (t) => {
  const file = await tempFixture('wrong', validation);
  const io = captureIo();
  t.is(await simulate.run([file], io), 1);
  const out = io.stdout();
  t.true(out.includes(`FAIL ${file}:6 step 1: expected action reload_policies charter; planned: enable_validation_cache charter (enable-cache-for-slow-validation)`), out);
  t.true(out.includes(`FAIL ${file}:6 step 1: expected rule "validation-slowdown" not to fire; it fired for service:charter`));
  t.regex(out, /simulate: 1 fixture\(s\), 1 step\(s\), 1 failed \(wrong\)/);
});

test('--json is machine-readable and carries the failures', async (t) => {
  const file = await tempFixture('wrong-json', validation);
  const io = captureIo();
  t.is(await simulate.run([file, '--json'], io), 1);
  const report = JSON.parse(io.stdout()) as { ok: boolean; fixtures: { fixture: string; ok: boolean; steps: { step: number; failures: string[]; incidents: { incident: string; planned: { type: string }[] }[] }[] }[] };
  t.false(report.ok);
  t.is(report.fixtures[0]?.fixture, 'wrong-json');
  t.is(report.fixtures[0]?.steps[0]?.failures.length, 2);
  t.deepEqual(report.fixtures[0]?.steps[0]?.incidents.map((i) => [i.incident, i.planned.map((p) => p.type)]), [['service:charter', ['enable_validation_cache']]]);
});

test('--weights changes the winner', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mapek-w-'));
  const weights = join(dir, 'w.json');
  await writeFile(weights, JSON.stringify({ 'enable-cache-for-slow-validation': 0.25 }));
  const file = await tempFixture('weighted', validation.replace('      rulesNotFired: [validation-slowdown]\n', ''));
  const io = captureIo();
  t.is(await simulate.run([file, '--weights', weights], io), 0, io.stdout());
  t.true(io.stdout().includes('rejected: enable_validation_cache charter by enable-cache-for-slow-validation@1: lower effective priority 20 < 40 (reload-policies-for-slow-validation)'));
});

test('--coverage reports every rule and leaf', async (t) => {
  const io = captureIo();
  t.is(await simulate.run(['--coverage', '--json'], io), 0);
  const r = JSON.parse(io.stdout()) as { coverage: { totals: { rules: number; fired: number; never: number }; rules: { rule: string; leaves: { status: string }[] }[] } };
  t.is(r.coverage.totals.never, 0);
  t.is(r.coverage.totals.fired, r.coverage.totals.rules);
  const text = captureIo();
  // Exact counts on a fixed rule set of its own (test/data), not on what ships.
  await simulate.run(['test/data/verify/fixtures/rollback-verified.yaml', '--rules', 'test/data/verify/rules', '--coverage'], text);
  t.regex(text.stdout(), /^coverage: 3 rules: 3 fired, 0 only evaluated false, 0 never evaluated; 3 condition leaves, 0 never evaluated$/m);
  t.regex(text.stdout(), /^ {6}\[1\] violations\.critical greaterThan 0 {2}fired \(true 2, false 0\)$/m);
});

test('invalid files exit 1 with FILE:LINE:COL; usage errors exit 2', async (t) => {
  const bad = await tempFixture('bad', 'steps: [ { at: "+0s", bogus: 1 } ]\n');
  const io = captureIo();
  t.is(await simulate.run([bad], io), 1);
  t.is(io.stderr(), `${bad}:5:23: steps[0].bogus: unknown key "bogus" (allowed: at, name, alerts, metrics, ranges, violations, sources, expect)\n`);
  const json = captureIo();
  t.is(await simulate.run([bad, '--json'], json), 1);
  t.is((JSON.parse(json.stdout()) as { issues: unknown[] }).issues.length, 1);
  const rules = captureIo();
  t.is(await simulate.run(['--rules', '/nonexistent'], rules), 1);
  t.regex(rules.stderr(), /^\/nonexistent: no such file or directory/m);
  const usage = captureIo();
  t.is(await main(['simulate', '--frobnicate'], usage), 2);
  t.is(usage.stderr(), 'mapek simulate: unknown option --frobnicate (see mapek simulate --help)\n');
  const w = captureIo();
  t.is(await main(['simulate', '--weights', '/nonexistent.json'], w), 2);
  t.regex(w.stderr(), /^mapek simulate: cannot read weights "\/nonexistent.json"/);
  const dir = await mkdtemp(join(tmpdir(), 'mapek-w-'));
  await writeFile(join(dir, 'w.json'), '{"a": -1}');
  const neg = captureIo();
  t.is(await main(['simulate', '--weights', join(dir, 'w.json')], neg), 2);
  t.regex(neg.stderr(), /weight of "a" must be a number ≥ 0/);
  const help = captureIo();
  t.is(await simulate.run(['--help'], help), 0);
  t.regex(help.stdout(), /^usage: mapek simulate/);
});

test('an empty directory is an error; duplicate fixture names too', async (t) => {
  const empty = await mkdtemp(join(tmpdir(), 'mapek-empty-'));
  const io = captureIo();
  t.is(await simulate.run([empty], io), 1);
  t.is(io.stderr(), `${empty}: no fixture files (*.yaml, *.yml) found\n`);
  const dir = await mkdtemp(join(tmpdir(), 'mapek-dup-'));
  await mkdir(join(dir, 'sub'));
  const body = 'apiVersion: mapek/v1\nkind: Fixture\nname: same\nstart: "2026-11-26T12:00:00Z"\nsteps: [ { at: "+0s" } ]\n';
  await writeFile(join(dir, 'a.yaml'), body);
  await writeFile(join(dir, 'sub', 'b.yaml'), body);
  const dup = captureIo();
  t.is(await simulate.run([dir], dup), 1);
  t.is(dup.stderr(), `${join(dir, 'sub', 'b.yaml')}: name: duplicate fixture name "same" (also in ${join(dir, 'a.yaml')})\n`);
});

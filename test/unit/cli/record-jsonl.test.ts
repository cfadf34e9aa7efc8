import test from 'ava';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeFixture, writeFixtureJsonl } from '../../../src/app/record/fixture-writer.js';
import { startCharter } from '../../../src/charter/index.js';
import { record } from '../../../src/cli/record.js';
import { main } from '../../../src/cli/main.js';
import { parseFixture } from '../../../src/monitor/fixture.js';
import { loadRuleSet } from '../../../src/rules/load.js';
import { loadFixtures } from '../../../src/simulate/fixtures.js';
import { parseJsonlFixture } from '../../../src/simulate/jsonl-fixture.js';
import { REPO_ROOT } from '../../support/stack.js';
import { captureIo } from '../../support/io.js';

test('record --format jsonl: head on line 1, one step per line; simulate replays it', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-record-jsonl-'));
  const charter = await startCharter({ port: 0, seed: 3, tickMs: 100, faults: [{ kind: 'bad_rollout', subject: 'pol-access' }] });
  t.teardown(async () => {
    await charter.close();
    await rm(dir, { recursive: true, force: true });
  });
  const out = path.join(dir, 'recorded-rollout.jsonl');
  const io = captureIo();
  const rules = path.join(REPO_ROOT, 'rules');
  t.is(await record({ duration: '2s', interval: '0.5', out, format: 'jsonl', rules }, { CHARTER_API_URL: charter.url }, io), 0, io.stderr());
  const m = /^wrote .*recorded-rollout\.jsonl: (\d+) steps\n$/.exec(io.stdout());
  t.truthy(m, io.stdout());
  const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
  t.is(lines.length, Number(m?.[1]) + 1);
  t.like(JSON.parse(lines[0] ?? '') as object, { apiVersion: 'mapek/v1', kind: 'Fixture', name: 'recorded-rollout' });
  t.is((JSON.parse(lines[1] ?? '') as { at: string }).at, '+0s');
  const sim = captureIo();
  t.is(await main(['simulate', out, '--rules', rules], sim), 0, sim.stdout() + sim.stderr());
  t.regex(sim.stdout(), /planned: rollback_policy pol-access/);
});

test('the writer: both forms of the same recording load to the same snapshots', async (t) => {
  const rs = await loadRuleSet(['test/data/verify/rules']);
  if (!rs.ok) throw new Error('rules invalid');
  const fx = await loadFixtures(['test/data/simulate-stream/rollback-verified.yaml'], rs.ruleSet);
  const steps = (fx.fixtures[0]?.steps ?? []).map((s) => ({ snapshot: s.snapshot, decisions: [] }));
  t.is(steps.length, 3);
  const y = parseFixture(writeFixture('rec', 'd', steps), 'rec.yaml', rs.ruleSet);
  const j = parseJsonlFixture(writeFixtureJsonl('rec', 'd', steps), 'rec.jsonl', rs.ruleSet);
  if (!y.ok || !j.ok) return t.fail(JSON.stringify([y, j]));
  t.deepEqual(j.fixture.steps.map((s) => s.snapshot), y.fixture.steps.map((s) => s.snapshot));
  t.deepEqual(y.fixture.steps.map((s) => s.snapshot.alerts.length), [1, 1, 1]);
});

test('record --format: yaml or jsonl, and the file name must match it', async (t) => {
  const cases: [Record<string, unknown>, string][] = [
    [{ duration: '1s', out: 'a.yaml', format: 'xml' }, 'mapek record: --format: expected yaml or jsonl, got "xml"\n'],
    [{ duration: '1s', out: 'a.yaml', format: 'jsonl' }, 'mapek record: --out: expected a .jsonl file with --format jsonl, got "a.yaml"\n'],
    [{ duration: '1s', out: 'a.jsonl' }, 'mapek record: --out: expected a .yaml file, got "a.jsonl"\n'],
    [{ duration: '1s', out: 'Bad.jsonl', format: 'jsonl' }, 'mapek record: --out: the file name "Bad" must be lower case, digits and "-" (it becomes the fixture name)\n'],
  ];
  for (const [v, message] of cases) {
    const io = captureIo();
    t.is(await record(v, {}, io), 2);
    t.is(io.stderr(), message);
  }
  const help = captureIo();
  t.is(await main(['record', '--help'], help), 0);
  t.regex(help.stdout(), /--format yaml\|jsonl/);
});

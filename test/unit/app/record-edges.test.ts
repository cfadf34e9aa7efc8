/**
 * `mapek record` edge cases: usage errors, invalid config and rules, and recording while
 * Charter is down (the fixture keeps the source error and still replays).
 */
import test from 'ava';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { command, record } from '../../../src/cli/record.js';
import { main } from '../../../src/cli/main.js';
import { EXIT } from '../../../src/cli/command.js';
import { captureIo } from '../../support/io.js';
import { freePort, REPO_ROOT } from '../../support/stack.js';

const RULES = path.join(REPO_ROOT, 'rules');

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-rec-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('usage: missing duration, zero duration, missing or non-YAML --out', async (t) => {
  const cases: [Record<string, unknown>, string][] = [
    [{ out: 'a.yaml' }, 'mapek record: --duration: expected a duration like 90s, 10m or 1h, got null\n'],
    [{ duration: '0s', out: 'a.yaml' }, 'mapek record: --duration: expected a duration like 90s, 10m or 1h, got "0s"\n'],
    [{ duration: '10m' }, 'mapek record: --out: expected a .yaml file, got null\n'],
    [{ duration: '10m', out: 'a.json' }, 'mapek record: --out: expected a .yaml file, got "a.json"\n'],
  ];
  for (const [v, message] of cases) {
    const io = captureIo();
    t.is(await record(v, {}, io), EXIT.usage);
    t.is(io.stderr(), message);
  }
});

test('an invalid --interval or environment value is a config error (exit 1) naming it', async (t) => {
  const io = captureIo();
  t.is(await record({ duration: '1s', out: 'a.yaml', interval: 'often' }, {}, io), EXIT.failed);
  t.is(io.stderr(), 'mapek record: --interval: must be a positive number of seconds, got "often"\n');
  const io2 = captureIo();
  t.is(await record({ duration: '1s', out: 'a.yaml' }, { CHARTER_API_URL: 'ftp://x' }, io2), EXIT.failed);
  t.is(io2.stderr(), 'mapek record: CHARTER_API_URL: must be an http(s) URL, got "ftp://x"\n');
});

test('invalid rules → exit 1 with every issue, nothing written', async (t) => {
  const dir = await tempDir(t);
  const bad = path.join(dir, 'bad.yaml');
  await writeFile(bad, 'apiVersion: mapek/v1\nname: bad\nversion: 1\nrules: [\n');
  const out = path.join(dir, 'never.yaml');
  const io = captureIo();
  t.is(await record({ duration: '1s', out, rules: dir }, {}, io), EXIT.failed);
  t.regex(io.stderr(), new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: invalid yaml: `));
  await t.throwsAsync(readFile(out));
});

test('Charter unreachable: every step records the source error; the fixture replays', async (t) => {
  const dir = await tempDir(t);
  const out = path.join(dir, 'sub', 'charter-down.yaml');
  const io = captureIo();
  const port = await freePort();
  const code = await record({ duration: '1s', interval: '0.5', out, rules: RULES, description: 'Charter was down' }, { CHARTER_API_URL: `http://127.0.0.1:${port}`, MAPEK_REQUEST_TIMEOUT: '0.5' }, io);
  t.is(code, EXIT.ok, io.stderr());
  t.is(io.stdout(), `wrote ${out}: 2 steps\n`);
  t.regex(io.stderr(), /^mapek record: step 0 at \S+: 0 alerts, 0 planned actions\n/);
  const text = await readFile(out, 'utf8');
  t.regex(text, /^description: Charter was down$/m);
  t.regex(text, /charter: .*ECONNREFUSED/);
  t.regex(text, /# expect: \{ noActionsAtAll: true \}/);
  const sim = captureIo();
  t.is(await main(['simulate', out, '--rules', RULES], sim), 0, sim.stdout() + sim.stderr());
});

test('--help', async (t) => {
  const io = captureIo();
  t.is(await command.run(['--help'], io), EXIT.ok);
  t.true(io.stdout().startsWith('usage: mapek record --duration DURATION --out fixtures/NAME.yaml'));
});

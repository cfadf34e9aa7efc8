import test from 'ava';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startCharter } from '../../../src/charter/index.js';
import { record } from '../../../src/cli/record.js';
import { main } from '../../../src/cli/main.js';
import { REPO_ROOT } from '../../support/stack.js';
import { captureIo } from '../../support/io.js';

test('a fixture recorded from the reference Charter replays with mapek simulate', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-record-'));
  const charter = await startCharter({ port: 0, seed: 3, tickMs: 100, faults: [{ kind: 'bad_rollout', subject: 'pol-access' }] });
  t.teardown(async () => {
    await charter.close();
    await rm(dir, { recursive: true, force: true });
  });
  const out = path.join(dir, 'recorded-rollout.yaml');
  const io = captureIo();
  const code = await record({ duration: '2s', interval: '0.5', out, rules: path.join(REPO_ROOT, 'rules') }, { CHARTER_API_URL: charter.url }, io);
  t.is(code, 0, io.stderr());
  t.regex(io.stdout(), /^wrote .*recorded-rollout\.yaml: \d+ steps\n$/);
  const text = await readFile(out, 'utf8');
  t.regex(text, /^name: recorded-rollout$/m);
  t.regex(text, /# {5}- \{ type: rollback_policy, target: "pol-access" \}/);
  const sim = captureIo();
  t.is(await main(['simulate', out, '--rules', path.join(REPO_ROOT, 'rules')], sim), 0, sim.stdout() + sim.stderr());
  t.regex(sim.stdout(), /planned: rollback_policy pol-access/);
});

test('record rejects a bad duration and a bad file name', async (t) => {
  const io = captureIo();
  t.is(await record({ duration: 'soon', out: 'x.yaml' }, {}, io), 2);
  t.is(io.stderr(), 'mapek record: --duration: expected a duration like 90s, 10m or 1h, got "soon"\n');
  const io2 = captureIo();
  t.is(await record({ duration: '1s', out: 'Bad Name.yaml' }, {}, io2), 2);
  t.is(io2.stderr(), 'mapek record: --out: the file name "Bad Name" must be lower case, digits and "-" (it becomes the fixture name)\n');
});

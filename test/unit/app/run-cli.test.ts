/**
 * `mapek run` (src/cli/run.ts): --check exit codes and exact messages for a bad config and a
 * bad rule file, --json, --help, and a real run in-process against the reference Charter
 * (ready, SIGHUP reload, SIGTERM: exit 0), plus an unusable store (exit 3).
 */
import test from 'ava';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startCharter } from '../../../src/charter/index.js';
import { command, runService } from '../../../src/cli/run.js';
import { EXIT } from '../../../src/cli/command.js';
import { captureIo } from '../../support/io.js';
import { REPO_ROOT, waitUntil } from '../../support/stack.js';

const RULES = path.join(REPO_ROOT, 'rules');
/** Webhook authentication stated off: `mapek run` refuses to guess (issue #9 item 11). */
const NO_AUTH = { MAPEK_WEBHOOK_AUTH: 'off' };

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-run-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('--check: valid config and the shipped rules → exit 0 and one summary line', async (t) => {
  const io = captureIo();
  t.is(await runService({ check: true, rules: RULES }, NO_AUTH, io), EXIT.ok);
  t.regex(io.stdout(), /^config ok; rules ok: \d+ rules in \d+ files, hash [0-9a-f]+\n$/);
  t.is(io.stderr(), '');
});

test('--check: an unknown key in the config file → exit 1, FILE:LINE: unknown key', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, 'mapek.yaml');
  await writeFile(file, 'logLevel: info\n# a comment\nintervall: 30\n');
  const io = captureIo();
  t.is(await runService({ check: true, config: file }, NO_AUTH, io), EXIT.failed);
  t.is(io.stderr(), `mapek run: ${file}:3: unknown key "intervall"\n`);
  t.is(io.stdout(), '');
});

test('--check: a bad environment value → exit 1 naming the variable; with --json the same as data', async (t) => {
  const io = captureIo();
  t.is(await runService({ check: true }, { MAPE_K_INTERVAL: 'abc' }, io), EXIT.failed);
  t.is(io.stderr(), 'mapek run: MAPE_K_INTERVAL: must be a positive number of seconds, got "abc"\n');
  const json = captureIo();
  t.is(await runService({ check: true, json: true }, { MAPE_K_INTERVAL: 'abc' }, json), EXIT.failed);
  t.deepEqual(JSON.parse(json.stdout()), { ok: false, config: ['MAPE_K_INTERVAL: must be a positive number of seconds, got "abc"'], rules: [] });
});

test('--check: a bad rule file → exit 1, every issue FILE:LINE:COL, then the count', async (t) => {
  const dir = await tempDir(t);
  await cp(RULES, dir, { recursive: true });
  const broken = path.join(dir, 'zz-broken.yaml');
  await writeFile(broken, 'apiVersion: mapek/v1\nname: broken\nversion: 1\nrules:\n  - id: [unclosed\n');
  const io = captureIo();
  t.is(await runService({ check: true, rules: dir }, NO_AUTH, io), EXIT.failed);
  t.is(io.stderr(), `${broken}:6:1: invalid yaml: unexpected end of the stream within a flow collection\nmapek run --check: 1 rule issue\n`);
  const json = captureIo();
  t.is(await runService({ check: true, json: true, rules: dir }, NO_AUTH, json), EXIT.failed);
  t.like(JSON.parse(json.stdout()), { ok: false, config: [], rules: [`${broken}:6:1: invalid yaml: unexpected end of the stream within a flow collection`] });
});

test('--check --json: the resolved config with secrets redacted, the rule-set hash', async (t) => {
  const io = captureIo();
  t.is(await runService({ check: true, json: true, rules: RULES }, { MAPEK_WEBHOOK_TOKEN: 's3cret-token' }, io), EXIT.ok);
  const out = JSON.parse(io.stdout()) as { ok: boolean; ruleSetHash: string; ruleCount: number; resolved: Record<string, unknown> };
  t.true(out.ok);
  t.regex(out.ruleSetHash, /^[0-9a-f]+$/);
  t.is(out.resolved['webhookToken'], '<redacted>');
  t.false(io.stdout().includes('s3cret-token'));
});

test('--help and usage errors', async (t) => {
  const io = captureIo();
  t.is(await command.run(['--help'], io), EXIT.ok);
  t.true(io.stdout().startsWith('usage: mapek run [--config FILE] [options] [--check]'));
  t.true(io.stdout().includes('--interval'));
  t.true(io.stdout().includes('environment or file only:\n  MAPEK_CHARTER_TOKEN=TOKEN '));
  t.true(io.stdout().includes('\n  MAPEK_WEBHOOK_TOKEN=TOKEN '));
  const io2 = captureIo();
  t.is(await command.run(['extra'], io2), EXIT.usage);
  t.is(io2.stderr(), 'mapek run: unexpected argument "extra"\n');
});

test.serial('a run in-process: ready, SIGHUP reloads, SIGTERM stops with exit 0 and a flushed store', async (t) => {
  t.timeout(30_000);
  const dir = await tempDir(t);
  const charter = await startCharter({ port: 0, seed: 7, tickMs: 100 });
  t.teardown(() => charter.close());
  const io = captureIo();
  const lines = (): Record<string, unknown>[] => io.stdout().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const env = { CHARTER_API_URL: charter.url, MAPEK_KNOWLEDGE_DIR: path.join(dir, 'knowledge'), MAPEK_LISTEN_PORT: '0', MAPEK_RULES: RULES, MAPEK_WEBHOOK_TOKEN: 'tok-123456' };
  const done = runService({}, env, io);
  const listening = await waitUntil(() => lines().find((l) => l['msg'] === 'listening'), 10_000, 'listening');
  const url = String(listening['url']);
  t.is((await fetch(`${url}/readyz`)).status, 200);
  process.emit('SIGHUP');
  await waitUntil(() => lines().find((l) => l['msg'] === 'reloading rules' && l['reason'] === 'SIGHUP'), 5_000, 'SIGHUP reload');
  process.emit('SIGTERM');
  t.is(await done, EXIT.ok);
  t.truthy(lines().find((l) => l['msg'] === 'signal received; stopping' && l['signal'] === 'SIGTERM'));
  t.truthy(lines().find((l) => l['msg'] === 'stopped'));
  t.false(io.stdout().includes('tok-123456'), 'the webhook token is never logged');
  t.like(lines().find((l) => String(l['msg']).startsWith('webhook authentication')), { level: 'info', msg: 'webhook authentication: bearer token (MAPEK_WEBHOOK_TOKEN)' });
  t.is(process.listenerCount('SIGTERM'), 0, 'signal handlers removed');
});

test('an unusable knowledge store → exit 3 with the directory named', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, 'not-a-dir');
  await writeFile(file, 'x');
  const io = captureIo();
  t.is(await runService({}, { ...NO_AUTH, MAPEK_KNOWLEDGE_DIR: file, MAPEK_RULES: RULES, MAPEK_LISTEN_PORT: '0' }, io), EXIT.unavailable);
  const line = io.stdout().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'cannot open the knowledge store');
  t.like(line, { level: 'error', dir: file });
});

test('invalid rules at start (not --check) → exit 1 after logging them', async (t) => {
  const dir = await tempDir(t);
  await writeFile(path.join(dir, 'bad.yaml'), 'apiVersion: mapek/v1\nname: bad\nversion: 1\nrules: 7\n');
  const io = captureIo();
  t.is(await runService({}, { ...NO_AUTH, MAPEK_KNOWLEDGE_DIR: path.join(dir, 'k'), MAPEK_RULES: dir, MAPEK_LISTEN_PORT: '0' }, io), EXIT.failed);
  const line = io.stdout().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'cannot start');
  t.regex(String(line?.['error']), /^rule files invalid:\n/);
});

test('secrets: neither the URL password nor a token reaches --check --json; short tokens do not mangle it', async (t) => {
  const io = captureIo();
  const env = { CHARTER_API_URL: 'http://admin:hunter2@127.0.0.1:8000', MAPEK_WEBHOOK_TOKEN: 'e', MAPEK_CHARTER_TOKEN: 'c-tok' };
  t.is(await runService({ check: true, json: true, rules: RULES }, env, io), EXIT.ok);
  const out = JSON.parse(io.stdout()) as { resolved: Record<string, unknown> };
  t.is(out.resolved['charterApiUrl'], 'http://<redacted>@127.0.0.1:8000');
  t.is(out.resolved['webhookToken'], '<redacted>');
  t.is(out.resolved['charterToken'], '<redacted>');
  t.is(out.resolved['webhookAuth'], 'token');
  t.false(io.stdout().includes('hunter2'));
  t.false(io.stdout().includes('admin'));
});

test('webhook authentication: neither a token nor MAPEK_WEBHOOK_AUTH=off → exit 1 (also --check); an empty token is an error', async (t) => {
  const message = 'webhook authentication is not configured: set MAPEK_WEBHOOK_TOKEN, or MAPEK_WEBHOOK_AUTH=off (--webhook-auth off) to accept unauthenticated webhooks on loopback';
  const io = captureIo();
  t.is(await runService({ check: true, rules: RULES }, {}, io), EXIT.failed);
  t.is(io.stderr(), `mapek run: ${message}\n`);
  const json = captureIo();
  t.is(await runService({ check: true, json: true, rules: RULES }, {}, json), EXIT.failed);
  t.deepEqual(JSON.parse(json.stdout()), { ok: false, config: [message], rules: [] });
  const empty = captureIo();
  t.is(await runService({ check: true, rules: RULES }, { MAPEK_WEBHOOK_TOKEN: '' }, empty), EXIT.failed);
  t.is(empty.stderr(), 'mapek run: MAPEK_WEBHOOK_TOKEN: is set but empty; set a token, or unset it and set MAPEK_WEBHOOK_AUTH=off to run without webhook authentication\n');
  const flag = captureIo();
  t.is(await runService({ check: true, rules: RULES, 'webhook-auth': 'off' }, {}, flag), EXIT.ok);
});

test.serial('the start log says when webhook authentication is off, and the webhook then takes no token', async (t) => {
  t.timeout(30_000);
  const dir = await tempDir(t);
  const charter = await startCharter({ port: 0, seed: 7, tickMs: 0 });
  t.teardown(() => charter.close());
  const io = captureIo();
  const lines = (): Record<string, unknown>[] => io.stdout().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const env = { ...NO_AUTH, CHARTER_API_URL: charter.url, MAPEK_KNOWLEDGE_DIR: path.join(dir, 'knowledge'), MAPEK_LISTEN_PORT: '0', MAPEK_RULES: RULES };
  const done = runService({}, env, io);
  const listening = await waitUntil(() => lines().find((l) => l['msg'] === 'listening'), 10_000, 'listening');
  t.like(lines().find((l) => l['level'] === 'warn' && String(l['msg']).startsWith('webhook authentication')), {
    msg: 'webhook authentication is off (MAPEK_WEBHOOK_AUTH=off): any local process can post alerts',
    listenHost: '127.0.0.1',
  });
  const posted = await fetch(`${String(listening['url'])}/api/v1/alerts/webhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  t.not(posted.status, 401);
  process.emit('SIGTERM');
  t.is(await done, EXIT.ok);
});

test.serial('a one-letter webhook token does not mangle the start log (no substring redaction)', async (t) => {
  t.timeout(30_000);
  const dir = await tempDir(t);
  const charter = await startCharter({ port: 0, seed: 7, tickMs: 0 });
  t.teardown(() => charter.close());
  const io = captureIo();
  const lines = (): Record<string, unknown>[] => io.stdout().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const knowledgeDir = path.join(dir, 'knowledge');
  const done = runService({}, { CHARTER_API_URL: charter.url, MAPEK_KNOWLEDGE_DIR: knowledgeDir, MAPEK_LISTEN_PORT: '0', MAPEK_RULES: RULES, MAPEK_WEBHOOK_TOKEN: 'e' }, io);
  await waitUntil(() => lines().find((l) => l['msg'] === 'listening'), 10_000, 'listening');
  const starting = lines().find((l) => l['msg'] === 'starting') as { config: Record<string, unknown> } | undefined;
  t.is(starting?.config['knowledgeDir'], knowledgeDir);
  t.is(starting?.config['webhookToken'], '<redacted>');
  t.false(io.stdout().includes('<redacted>x'));
  process.emit('SIGTERM');
  t.is(await done, EXIT.ok);
});

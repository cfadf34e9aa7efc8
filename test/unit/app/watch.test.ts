/**
 * watchPaths (src/app/watch.ts): a burst of edits is one reload, a path that cannot be
 * watched is logged (SIGHUP still works), stop cancels a pending reload, and a directory
 * replaced under the watcher (git checkout, config management) is followed.
 */
import test from 'ava';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { watchPaths } from '../../../src/app/watch.js';
import { waitUntil } from '../../support/stack.js';
import { capturingLogger } from '../../support/service-harness.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-watch-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('a burst of edits in a watched directory is one call, after the debounce', async (t) => {
  const dir = await tempDir(t);
  let calls = 0;
  const stop = await watchPaths([dir], 500, () => calls++, capturingLogger());
  t.teardown(async () => stop());
  for (let i = 0; i < 5; i++) {
    await writeFile(path.join(dir, 'a.yaml'), `n: ${i}\n`);
    await sleep(10);
  }
  t.is(calls, 0, 'nothing before the debounce has passed');
  await waitUntil(() => (calls > 0 ? true : undefined), 5_000, 'the debounced call', 10);
  await sleep(400);
  t.is(calls, 1);
  await writeFile(path.join(dir, 'b.yaml'), 'n: 1\n');
  await waitUntil(() => (calls === 2 ? true : undefined), 5_000, 'a second call for a later edit', 10);
});

test('a watched file (not a directory) triggers too', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, 'rules.yaml');
  await writeFile(file, 'a: 1\n');
  let calls = 0;
  const stop = await watchPaths([file], 20, () => calls++, capturingLogger());
  t.teardown(async () => stop());
  await writeFile(file, 'a: 2\n');
  await waitUntil(() => (calls > 0 ? true : undefined), 5_000, 'a call for the file edit', 10);
  t.pass();
});

test('a path that cannot be watched is logged with its error; the others are still watched', async (t) => {
  const dir = await tempDir(t);
  const missing = path.join(dir, 'nope');
  const log = capturingLogger();
  let calls = 0;
  const stop = await watchPaths([missing, dir], 20, () => calls++, log);
  t.teardown(async () => stop());
  const line = log.find('cannot watch rule path; reload with SIGHUP');
  t.like(line, { level: 'warn', path: missing });
  t.regex(String(line?.['error']), /ENOENT/);
  await writeFile(path.join(dir, 'x.yaml'), 'x: 1\n');
  await waitUntil(() => (calls > 0 ? true : undefined), 5_000, 'a call from the watchable path', 10);
});

test('stop cancels a pending call and closes the watchers', async (t) => {
  const dir = await tempDir(t);
  let calls = 0;
  const stop = await watchPaths([dir], 200, () => calls++, capturingLogger());
  await writeFile(path.join(dir, 'a.yaml'), 'a: 1\n');
  await sleep(50);
  stop();
  await writeFile(path.join(dir, 'a.yaml'), 'a: 2\n');
  await sleep(400);
  t.is(calls, 0);
});

test('a rules directory replaced as git checkout does (rm -rf, mkdir, write) is followed: later edits still reload', async (t) => {
  const root = await tempDir(t);
  const dir = path.join(root, 'rules');
  await mkdir(dir);
  await writeFile(path.join(dir, 'a.yaml'), 'a: 1\n');
  let calls = 0;
  const stop = await watchPaths([dir], 50, () => calls++, capturingLogger());
  t.teardown(async () => stop());
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir);
  await writeFile(path.join(dir, 'a.yaml'), 'a: 2\n');
  await waitUntil(() => (calls > 0 ? true : undefined), 5_000, 'a call for the replaced directory', 10);
  await sleep(200); // let the replacement settle into one call
  const before = calls;
  for (let i = 0; i < 4; i++) {
    await writeFile(path.join(dir, 'a.yaml'), `a: ${3 + i}\n`);
    await waitUntil(() => (calls > before + i ? true : undefined), 5_000, `a call for edit ${i + 1} after the replacement`, 10);
    await sleep(100);
  }
  t.true(calls >= before + 4);
});

test('a watched path that appears later (missing at start) is watched once it exists', async (t) => {
  const root = await tempDir(t);
  const dir = path.join(root, 'rules');
  let calls = 0;
  const stop = await watchPaths([dir], 50, () => calls++, capturingLogger());
  t.teardown(async () => stop());
  await mkdir(dir);
  await waitUntil(() => (calls > 0 ? true : undefined), 5_000, 'a call for the new directory', 10);
  await sleep(200);
  const before = calls;
  await writeFile(path.join(dir, 'a.yaml'), 'a: 1\n');
  await waitUntil(() => (calls > before ? true : undefined), 5_000, 'a call for an edit inside it', 10);
  t.pass();
});

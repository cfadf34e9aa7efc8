/**
 * The service's hot reload follows its rules directory when it is replaced the way `git
 * checkout` or a config-management tool does it (rm -rf, mkdir, write): a later edit still
 * reloads. Before, the watcher stayed on the deleted directory and every later edit was
 * ignored until SIGHUP.
 */
import test from 'ava';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { waitUntil } from '../../support/stack.js';
import { serviceWorld } from '../../support/service-harness.js';

test('rules directory removed and recreated, then edited: the edit is reloaded without a signal', async (t) => {
  const w = await serviceWorld(t, { copyRules: true, config: { reloadDebounceMs: 50 }, parts: { watchRules: true } });
  const backup = await mkdtemp(path.join(os.tmpdir(), 'mapek-rules-copy-'));
  t.teardown(() => rm(backup, { recursive: true, force: true }));
  await cp(w.rulesDir, backup, { recursive: true });
  const reloads = (): number => w.log.lines.filter((l) => l['msg'] === 'reloading rules' && l['reason'] === 'file change').length;

  // replaced as git checkout does: the directory goes, a new one with the same files comes
  await rm(w.rulesDir, { recursive: true, force: true });
  await mkdir(w.rulesDir);
  await cp(backup, w.rulesDir, { recursive: true });
  await waitUntil(() => (reloads() > 0 ? true : undefined), 10_000, 'a reload for the replaced directory', 20);
  await new Promise((r) => setTimeout(r, 300)); // the replacement's burst settles into its reload

  // then an edit inside the new directory: a file rewritten (a comment added)
  const before = reloads();
  const first = (await readdir(w.rulesDir)).filter((f) => f.endsWith('.yaml')).sort()[0] ?? 'missing.yaml';
  const file = path.join(w.rulesDir, first);
  await writeFile(file, `${await readFile(file, 'utf8')}\n# edited after the checkout\n`);
  await waitUntil(() => (reloads() > before ? true : undefined), 10_000, 'a reload for the edit after the replacement', 20);
  t.is(w.log.find('rule reload rejected; previous rule set stays in force'), undefined);
  t.true(w.service.rules.loaded());
});

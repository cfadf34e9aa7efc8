/**
 * The journal store on a REAL full file system: a 256 KiB tmpfs mounted for the test (needs
 * root; skipped with the reason otherwise). A failed append is cut off before the next
 * write, so nothing acknowledged is lost and no line is glued onto a torn one; a restart
 * with too little room for compaction still opens, says how much room compaction needs,
 * and leaves no FILE~ behind.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, open, readFile, readdir, rm, statfs, truncate, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openKnowledgeStore, type NedbKnowledgeStore } from '../../src/knowledge/index.js';
import type { Decision } from '../../src/types/decision.js';
import { decision } from '../support/execute-fakes.js';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
const skipReason = isRoot ? undefined : 'needs root to mount a tmpfs';

async function tmpfs(t: { teardown(fn: () => Promise<void>): void }, size: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-fulldisk-'));
  await run('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  t.teardown(async () => {
    await run('umount', [dir]);
    await rm(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Fills the file system, then frees `leave` bytes of the filler (0: completely full). */
async function fill(dir: string, leave: number): Promise<number> {
  const filler = path.join(dir, 'filler');
  const fh = await open(filler, 'a');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) await fh.write(chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    await fh.close();
  }
  const size = (await stat(filler)).size;
  await truncate(filler, Math.max(0, size - leave));
  const fs = await statfs(dir);
  return fs.bavail * fs.bsize;
}

const big = (id: string, pad: number): Decision => ({ ...decision('committee:c1', ['CommitteeOverloaded'], []), id, at: `2026-01-01T00:00:00.${id.padStart(3, '0').slice(-3)}Z`, derived: { pad: 'x'.repeat(pad) } });

const title = (s: string): string => (skipReason === undefined ? s : `${s} (skipped: ${skipReason})`);

(skipReason === undefined ? test.serial : test.skip)(title('ENOSPC mid-append: the torn bytes are cut off, every acknowledged record survives, the next write after room is freed is whole'), async (t) => {
  const dir = await tmpfs(t, '256k');
  const store = await openKnowledgeStore(path.join(dir, 'knowledge'));
  const file = path.join(dir, 'knowledge', 'decisions.db');
  const acknowledged: string[] = [];
  for (let i = 1; i <= 5; i += 1) {
    await store.saveDecision(big(String(i), 2_000));
    acknowledged.push(String(i));
  }
  const free = await fill(dir, 4096);
  t.log(`${free} bytes free before the append that does not fit`);
  const before = (await stat(file)).size;
  // 20 kB into one page: the write lands partly, then ENOSPC
  const err = await t.throwsAsync(store.saveDecision(big('6', 20_000)));
  t.is(err?.name, 'StoreWriteError');
  t.regex(err?.message ?? '', new RegExp(`^knowledge store write to "${file}" failed: ENOSPC`));
  t.is((await stat(file)).size, before, 'the torn bytes were cut off');
  t.is(await store.getDecision('6'), undefined, 'a failed write is not seen by reads');
  // still full: a second failure, still nothing torn
  await t.throwsAsync(store.saveDecision(big('7', 20_000)), { name: 'StoreWriteError' });
  t.is((await stat(file)).size, before);

  await rm(path.join(dir, 'filler'));
  await store.saveDecision(big('8', 2_000));
  acknowledged.push('8');
  t.deepEqual((await store.recentDecisions(20)).map((d) => d.id).sort(), [...acknowledged].sort());
  const text = await readFile(file, 'utf8');
  t.true(text.endsWith('\n'));
  t.notThrows(() => text.trimEnd().split('\n').forEach((l) => JSON.parse(l)), 'every line is whole');

  // a second store over the same files, the first never closed (a crash): everything acknowledged is there
  const again = await openKnowledgeStore(path.join(dir, 'knowledge'));
  t.deepEqual(again.loadReports(), []);
  t.deepEqual((await again.recentDecisions(20)).map((d) => d.id).sort(), [...acknowledged].sort());
  await again.close();
  await store.close();
});

(skipReason === undefined ? test.serial : test.skip)(title('a restart with too little room to compact still opens, names the room compaction needs, leaves no FILE~, and compacts once room is freed'), async (t) => {
  const dir = await tmpfs(t, '256k');
  const kdir = path.join(dir, 'knowledge');
  const store = await openKnowledgeStore(kdir);
  for (let i = 1; i <= 30; i += 1) await store.saveDecision(big(String(i), 2_000)); // ~75 kB of decisions
  await store.close();
  const free = await fill(dir, 8192);
  t.log(`${free} bytes free at the restart`);
  const reopened: NedbKnowledgeStore = await openKnowledgeStore(kdir);
  const error = reopened.health().retentionError ?? '';
  t.regex(error, new RegExp(`^not enough disk space to compact "${path.join(kdir, 'decisions.db')}": needs \\d+ bytes, \\d+ bytes free$`));
  const needed = Number(/needs (\d+) bytes/.exec(error)?.[1]);
  t.true(needed > (await stat(path.join(kdir, 'decisions.db'))).size, `${needed} bytes needed`);
  t.deepEqual((await readdir(kdir)).filter((f) => f.endsWith('~')), [], 'no FILE~ left behind');
  t.is((await reopened.recentDecisions(100)).length, 30, 'the store works');
  t.true(reopened.retentionDue(), 'the deferred pass is due again');

  await rm(path.join(dir, 'filler'));
  t.truthy(await reopened.maintain());
  t.is(reopened.health().retentionError, undefined);
  await reopened.close();
});

(skipReason === undefined ? test.serial : test.skip)(title('a restart on a full disk with a damaged line to quarantine fails with one message naming the room needed; with room it opens'), async (t) => {
  const dir = await tmpfs(t, '256k');
  const kdir = path.join(dir, 'knowledge');
  const store = await openKnowledgeStore(kdir);
  await store.saveDecision(big('1', 100));
  await store.close();
  const file = path.join(kdir, 'weights.db');
  const evil = `{"_id":"evil","ruleId":5,"weight":"${'N'.repeat(6_000)}"}\n`;
  const fh = await open(file, 'a');
  await fh.appendFile(evil);
  await fh.close();
  await fill(dir, 0);
  const err = await t.throwsAsync(openKnowledgeStore(kdir));
  t.is(err?.name, 'StoreSpaceError');
  t.regex(err?.message ?? '', new RegExp(`^not enough disk space to quarantine 1 damaged line of "${file}": needs \\d+ bytes, \\d+ bytes free$`));
  t.is(await readFile(file, 'utf8'), evil, 'nothing dropped');
  t.deepEqual((await readdir(kdir)).filter((f) => f.endsWith('~')), []);
  await rm(path.join(dir, 'filler'));
  const opened = await openKnowledgeStore(kdir);
  t.deepEqual(opened.quarantined().map((q) => [q.id, q.line]), [['evil', 1]]);
  t.is((await opened.recentDecisions(5)).length, 1);
  await opened.close();
});

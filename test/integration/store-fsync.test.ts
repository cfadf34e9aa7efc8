/**
 * "Durable when the promise resolves" across a power loss cannot be shown by pulling the
 * plug, but its mechanism can: under strace, every append of the journal store is one
 * fdatasync before the write resolves, and with the store's `fsync: false` (bench
 * comparison only) there is none. Skipped, with the reason, where strace is missing.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../support/stack.js';

const run = promisify(execFile);
const STRACE = ['/usr/bin/strace', '/bin/strace'].find((p) => existsSync(p));
const skipReason = STRACE === undefined ? 'strace is not installed' : undefined;

/** A child that opens the store and makes `writes` writes of different kinds, each awaited. */
const CHILD = `
const [root, dir, fsync] = process.argv.slice(2);
const { openKnowledgeStore } = await import(root + '/dist/src/knowledge/index.js');
const s = await openKnowledgeStore(dir, { fsync: fsync === 'true' });
process.stdout.write('opened\\n');
await s.saveControllerState('breaker', { failures: [] });
await s.saveWeightChange({ ruleId: 'r', from: 1, to: 2, samples: 1, successRate: 1, reason: 'x', at: '2026-01-01T00:00:00.000Z' });
await s.recordOutcome({ key: 'k', ruleId: 'r', incidentKind: 'x', actionType: 'notify', result: 'succeeded', at: '2026-01-01T00:00:00.000Z' });
await s.close();
`;

async function fdatasyncsAfterOpen(fsync: boolean): Promise<number> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-fsync-'));
  try {
    const script = path.join(dir, 'child.mjs');
    await writeFile(script, CHILD);
    const trace = path.join(dir, 'trace.txt');
    // -e write=1 would be noisier; the child's "opened" line on stdout marks the end of open()
    await run(STRACE!, ['-f', '-qq', '-e', 'trace=fdatasync,write', '-o', trace, process.execPath, script, REPO_ROOT, path.join(dir, 'knowledge'), String(fsync)]);
    const lines = (await readFile(trace, 'utf8')).split('\n');
    const opened = lines.findIndex((l) => l.includes('write(1, "opened'));
    if (opened < 0) throw new Error('the child never reported its store open');
    return lines.slice(opened).filter((l) => /fdatasync\(\d+\)\s+= 0/.test(l)).length;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const title = (s: string): string => (skipReason === undefined ? s : `${s} (skipped: ${skipReason})`);

(skipReason === undefined ? test : test.skip)(title('every journal append is fdatasynced before it resolves: three writes, three fdatasyncs; none with fsync off'), async (t) => {
  t.timeout(60_000);
  t.is(await fdatasyncsAfterOpen(true), 3);
  t.is(await fdatasyncsAfterOpen(false), 0);
});

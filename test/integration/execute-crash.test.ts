import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCharter } from '../../src/charter/index.js';
import type { ExecutionRecord } from '../../src/types/execution.js';

const CHILD = join(process.cwd(), 'dist/test/support/execute-child.js');

function run(env: Record<string, string>, untilPaused: boolean): Promise<{ stdout: string; code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      if (untilPaused && stdout.includes('PAUSED ')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => (code !== 0 && code !== null ? reject(new Error(`child exited ${code}: ${stderr}`)) : resolve({ stdout, code, signal })));
  });
}

for (const [action, path] of [
  ['scale_committee', '/api/v1/committees/committee-ops'],
  ['reload_policies', '/api/v1/policies/reload'],
] as const) {
  test(`SIGKILL after the ${action} write was sent, before it was recorded: restart reconciles, exactly one write applied`, async (t) => {
    const charter = await startCharter({ port: 0, seed: 7, tickMs: 0 });
    t.teardown(() => charter.close());
    const dir = await mkdtemp(join(tmpdir(), 'mapek-crash-'));
    const env = { CHARTER_URL: charter.url, STORE_DIR: dir, ACTION: action };

    const first = await run({ ...env, MODE: 'run', PAUSE_AFTER_WRITE: '1' }, true);
    t.is(first.signal, 'SIGKILL');
    const key = /PAUSED (.+)\n/.exec(first.stdout)?.[1];
    t.truthy(key);
    t.is(charter.writes.applied(path).length, 1);

    const second = await run({ ...env, MODE: 'recover' }, false);
    const { recovered, verified, all } = JSON.parse(second.stdout) as { recovered: ExecutionRecord[]; verified: ExecutionRecord[]; all: ExecutionRecord[] };
    t.deepEqual(recovered.map((r) => [r.key, r.status]), [[key, 'applied']]);
    t.deepEqual(verified.map((r) => [r.key, r.status, r.verify]), [[key, 'succeeded', 'succeeded']]);
    t.deepEqual(all.map((r) => r.status), ['succeeded']);
    // exactly one write changed Charter; a replay (reload) was answered from the idempotency cache
    t.is(charter.writes.applied(path).length, 1);
    const sent = charter.writes.list().filter((w) => w.path === path);
    t.true(sent.every((w) => w.idempotencyKey === key));
    t.deepEqual(sent.map((w) => w.replayed), action === 'reload_policies' ? [false, true] : [false]);
  });
}

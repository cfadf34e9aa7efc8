/**
 * Crash recovery against the reference Charter: the executor runs in a child process
 * (test/support/execute-child.ts), is SIGKILLed at one of three points of an action and
 * restarted in recovery mode. Each path ends with the intent reconciled to `succeeded` and
 * exactly one applied write in Charter's write log:
 *   landed      killed after the write was sent, before it was recorded → confirmed (or,
 *               for reload_policies, replayed from Charter's idempotency cache);
 *   not sent    killed after the intent, before Charter was read → released, run again by
 *               the next cycle under the same key;
 *   not landed  the write was sent and refused (503), killed in the retry backoff → re-sent
 *               under the same Idempotency-Key at recovery.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCharter, type CharterHandle } from '../../src/charter/index.js';
import type { ExecutionRecord } from '../../src/types/execution.js';

const CHILD = join(process.cwd(), 'dist/test/support/execute-child.js');

interface Run {
  readonly stdout: string;
  readonly signal: NodeJS.Signals | null;
}

/** Runs the child; kills it at "PAUSED"; on "WRITING" calls `onWriting` and lets it go on. */
function run(env: Record<string, string>, untilPaused: boolean, onWriting?: () => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      const before = stdout;
      stdout += b.toString();
      if (onWriting && !before.includes('WRITING ') && stdout.includes('WRITING ')) {
        onWriting();
        child.stdin.write('go\n');
      }
      if (untilPaused && stdout.includes('PAUSED ')) child.kill('SIGKILL');
    });
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => (code !== 0 && code !== null ? reject(new Error(`child exited ${code}: ${stderr}`)) : resolve({ stdout, signal })));
  });
}

interface Recovered {
  recovered: ExecutionRecord[];
  rerun: ExecutionRecord[];
  verified: ExecutionRecord[];
  all: ExecutionRecord[];
}

async function killThenRecover(charter: CharterHandle, action: string, pauseAt: string, onWriting?: () => void): Promise<{ key: string; out: Recovered }> {
  const dir = await mkdtemp(join(tmpdir(), 'mapek-crash-'));
  const env = { CHARTER_URL: charter.url, STORE_DIR: dir, ACTION: action };
  const first = await run({ ...env, MODE: 'run', PAUSE_AT: pauseAt }, true, onWriting);
  if (first.signal !== 'SIGKILL') throw new Error(`the child was not killed: ${first.stdout}`);
  const key = /PAUSED (.+)\n/.exec(first.stdout)?.[1] ?? '';
  charter.clientFaults.set({}); // Charter answers again
  const second = await run({ ...env, MODE: 'recover' }, false);
  const raw = JSON.parse(second.stdout) as Recovered;
  // the next cycle first verifies what is due (settle time 0), then runs its decision
  const verified = [...raw.rerun, ...raw.verified].filter((r) => r.verify !== undefined);
  return { key, out: { ...raw, rerun: raw.rerun.filter((r) => r.cycleId === 'cycle-2' && r.verify === undefined), verified } };
}

async function committeeCapacity(charter: CharterHandle): Promise<number> {
  const res = await fetch(`${charter.url}/api/v1/committees/committee-ops`);
  return ((await res.json()) as { capacity: number }).capacity;
}

const brief = (rs: readonly ExecutionRecord[]) => rs.map((r) => [r.key, r.status, r.attempts ?? 1]);

for (const [action, path] of [
  ['scale_committee', '/api/v1/committees/committee-ops'],
  ['reload_policies', '/api/v1/policies/reload'],
] as const) {
  test(`landed: SIGKILL after the ${action} write was sent, before it was recorded: restart confirms it, exactly one write applied`, async (t) => {
    const charter = await startCharter({ port: 0, seed: 7, tickMs: 0 });
    t.teardown(() => charter.close());
    const { key, out } = await killThenRecover(charter, action, 'after-write');
    t.truthy(key);
    t.deepEqual(out.recovered.map((r) => [r.key, r.status]), [[key, 'applied']]);
    t.deepEqual(out.rerun, [], 'the next cycle sees a duplicate');
    t.is(out.all[0]?.attempts ?? 1, action === 'reload_policies' ? 2 : 1, 'a replay counts as a second attempt');
    t.deepEqual(out.verified.map((r) => [r.key, r.status, r.verify]), [[key, 'succeeded', 'succeeded']]);
    t.deepEqual(out.all.map((r) => r.status), ['succeeded']);
    // exactly one write changed Charter; a replay (reload) was answered from the idempotency cache
    t.is(charter.writes.applied(path).length, 1);
    const sent = charter.writes.list().filter((w) => w.path === path);
    t.true(sent.every((w) => w.idempotencyKey === key));
    t.deepEqual(sent.map((w) => w.replayed), action === 'reload_policies' ? [false, true] : [false]);
  });
}

test('not sent: SIGKILL after the intent, before Charter was read: released at restart, the next cycle applies it once under the same key', async (t) => {
  const charter = await startCharter({ port: 0, seed: 7, tickMs: 0 });
  t.teardown(() => charter.close());
  const path = '/api/v1/committees/committee-ops';
  const capacity = await committeeCapacity(charter);
  const { key, out } = await killThenRecover(charter, 'scale_committee', 'intent');
  t.truthy(key);
  t.deepEqual(brief(out.recovered), [[key, 'released', 1]]);
  t.deepEqual(brief(out.rerun), [[key, 'applied', 2]]);
  t.deepEqual(brief(out.verified), [[key, 'succeeded', 2]]);
  t.deepEqual(brief(out.all), [[key, 'succeeded', 2]]);
  t.deepEqual(charter.writes.list().filter((w) => w.path === path).map((w) => [w.idempotencyKey, w.applied, w.body]), [[key, true, { capacity: capacity + 2 }]]);
});

test('not landed: the write was refused (503) and the process SIGKILLed in the retry backoff: recovery re-sends it under the same key, exactly one write applied', async (t) => {
  const charter = await startCharter({ port: 0, seed: 7, tickMs: 0 });
  t.teardown(() => charter.close());
  const path = '/api/v1/committees/committee-ops';
  const capacity = await committeeCapacity(charter);
  const { key, out } = await killThenRecover(charter, 'scale_committee', 'backoff', () => charter.clientFaults.set({ errorRate: 1, routes: [path] }));
  t.truthy(key);
  t.deepEqual(brief(out.recovered), [[key, 'applied', 2]]);
  t.deepEqual(out.rerun, []);
  t.deepEqual(brief(out.verified), [[key, 'succeeded', 2]]);
  t.deepEqual(charter.writes.applied(path).map((w) => [w.idempotencyKey, w.body]), [[key, { capacity: capacity + 2 }]]);
});

/**
 * A child process for the crash-recovery test: runs the real executor (nedb store, real
 * CharterClient) against the reference Charter at CHARTER_URL.
 *   MODE=run     execute one decision (ACTION=scale_committee|reload_policies) and pause, to
 *                be killed, where PAUSE_AT says (it prints "PAUSED <key>" there):
 *                  intent      after the intent was recorded, before Charter was read;
 *                  backoff     the write was sent and refused: prints "WRITING <key>" before
 *                              the write and waits for a line on stdin (the parent injects
 *                              the fault), then pauses in the retry backoff;
 *                  after-write after the write was sent, before it was recorded.
 *   MODE=recover reconcile what a killed run left, run the same decision again (the next
 *                cycle), verify, print the records as JSON.
 * The environment is read here, at the composition root, never below it.
 */
import { createExecutor } from '../../src/execute/index.js';
import { CharterClient } from '../../src/integration/charter-client.js';
import { openKnowledgeStore } from '../../src/knowledge/index.js';
import type { Snapshot } from '../../src/types/snapshot.js';
import { alert, candidate, decision, snapshot } from './execute-fakes.js';

const env = process.env;
const url = env['CHARTER_URL'] ?? '';
const dir = env['STORE_DIR'] ?? '';
const action = env['ACTION'] === 'reload_policies' ? 'reload_policies' : 'scale_committee';
const pauseAt = env['PAUSE_AT'] ?? (env['PAUSE_AFTER_WRITE'] === '1' ? 'after-write' : '');

const snap: Snapshot =
  action === 'scale_committee'
    ? snapshot([alert('CommitteeOverloaded', { committee_id: 'committee-ops' })])
    : snapshot([alert('PolicyLoadFailure')]);

const forever = (): Promise<never> => new Promise<never>(() => undefined); // until SIGKILL

function pause(key: string): Promise<never> {
  process.stdout.write(`PAUSED ${key}\n`);
  return forever();
}

function lineOnStdin(): Promise<void> {
  return new Promise((resolve) => process.stdin.once('data', () => resolve()));
}

async function main(): Promise<void> {
  const store = await openKnowledgeStore(dir);
  const charter = new CharterClient({ baseUrl: url, retries: 0 });
  let writing: string | undefined;
  const executor = createExecutor({
    charter,
    store,
    monitor: { observe: async () => snap },
    verify: () => ({ result: 'succeeded' }),
    options: { hysteresis: { minCycles: 1 }, cooldownMs: 0 },
    sleep: async (ms) => {
      if (pauseAt === 'backoff' && writing !== undefined) await pause(writing);
      await new Promise((r) => setTimeout(r, ms));
    },
    hooks: {
      async afterIntent(key) {
        if (pauseAt === 'intent') await pause(key);
      },
      async beforeWrite(key) {
        if (pauseAt !== 'backoff') return;
        process.stdout.write(`WRITING ${key}\n`);
        await lineOnStdin();
        writing = key;
      },
      async afterWrite(key) {
        if (pauseAt === 'after-write') await pause(key);
      },
    },
  });
  const c =
    action === 'scale_committee'
      ? candidate({ ruleId: 'scale-ops', type: 'scale_committee', target: 'committee-ops', afterMs: 0 })
      : candidate({ ruleId: 'reload-on-failure', type: 'reload_policies', target: 'charter', afterMs: 0 });
  const d = decision(action === 'scale_committee' ? 'committee:committee-ops' : 'service:charter', [snap.alerts[0]?.name ?? ''], [c]);
  if (env['MODE'] === 'recover') {
    const recovered = await executor.recover();
    const rerun = await executor.execute([d], snap, 'cycle-2');
    const verified = await executor.drain();
    const all = await store.findExecutions({});
    process.stdout.write(`${JSON.stringify({ recovered, rerun, verified, all })}\n`);
    await store.close();
    return;
  }
  const out = await executor.execute([d], snap, 'cycle-1');
  process.stdout.write(`${JSON.stringify(out)}\n`);
  await store.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(70);
});

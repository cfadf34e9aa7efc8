/**
 * A child process for the crash-recovery test: runs the real executor (nedb store, real
 * CharterClient) against the reference Charter at CHARTER_URL.
 *   MODE=run     execute one decision (ACTION=scale_committee|reload_policies); with
 *                PAUSE_AFTER_WRITE=1 it prints "PAUSED <key>" after the write was sent and
 *                before it is recorded, then waits to be killed.
 *   MODE=recover reconcile what a killed run left, verify, print the records as JSON.
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

const snap: Snapshot =
  action === 'scale_committee'
    ? snapshot([alert('CommitteeOverloaded', { committee_id: 'committee-ops' })])
    : snapshot([alert('PolicyLoadFailure')]);

async function main(): Promise<void> {
  const store = await openKnowledgeStore(dir);
  const charter = new CharterClient({ baseUrl: url, retries: 0 });
  const executor = createExecutor({
    charter,
    store,
    monitor: { observe: async () => snap },
    verify: () => ({ result: 'succeeded' }),
    options: { hysteresis: { minCycles: 1 }, cooldownMs: 0 },
    hooks: {
      async afterWrite(key) {
        if (env['PAUSE_AFTER_WRITE'] !== '1') return;
        process.stdout.write(`PAUSED ${key}\n`);
        await new Promise(() => undefined); // until SIGKILL
      },
    },
  });
  if (env['MODE'] === 'recover') {
    const recovered = await executor.recover();
    const verified = await executor.drain();
    const all = await store.findExecutions({});
    process.stdout.write(`${JSON.stringify({ recovered, verified, all })}\n`);
    await store.close();
    return;
  }
  const c =
    action === 'scale_committee'
      ? candidate({ ruleId: 'scale-ops', type: 'scale_committee', target: 'committee-ops', afterMs: 0 })
      : candidate({ ruleId: 'reload-on-failure', type: 'reload_policies', target: 'charter', afterMs: 0 });
  const d = decision(action === 'scale_committee' ? 'committee:committee-ops' : 'service:charter', [snap.alerts[0]?.name ?? ''], [c]);
  const out = await executor.execute([d], snap, 'cycle-1');
  process.stdout.write(`${JSON.stringify(out)}\n`);
  await store.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(70);
});

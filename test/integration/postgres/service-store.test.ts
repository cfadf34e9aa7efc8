/** `mapek run` on the PostgreSQL store: it migrates and runs cycles on it; an unreachable database is exit 3 naming the option and host:port. */
import path from 'node:path';
import test from 'ava';
import { startCharter } from '../../../src/charter/index.js';
import { EXIT } from '../../../src/cli/command.js';
import { runService } from '../../../src/cli/run.js';
import { freePort } from '../../../src/app/stack/index.js';
import { PostgresKnowledgeStore } from '../../../src/knowledge/index.js';
import { captureIo } from '../../support/io.js';
import { startPostgresFor } from '../../support/postgres.js';
import { REPO_ROOT, waitUntil } from '../../support/stack.js';

const RULES = path.join(REPO_ROOT, 'rules');
const logLines = (text: string): Record<string, unknown>[] => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

test.serial('with MAPEK_STORE_URL the service migrates the database at start, runs cycles on it, and /healthz reports the store', async (t) => {
  t.timeout(60_000);
  const pg = await startPostgresFor(t);
  const url = await pg.createDatabase('service_store');
  const charter = await startCharter({ port: 0, seed: 7, tickMs: 100 });
  t.teardown(() => charter.close());
  const io = captureIo();
  const env = { CHARTER_API_URL: charter.url, MAPEK_STORE_URL: url, MAPEK_LISTEN_PORT: '0', MAPEK_RULES: RULES, MAPEK_WEBHOOK_AUTH: 'off', MAPE_K_INTERVAL: '1' };
  const done = runService({}, env, io);
  const listening = await waitUntil(() => logLines(io.stdout()).find((l) => l['msg'] === 'listening'), 20_000, 'listening');
  await waitUntil(() => logLines(io.stdout()).filter((l) => l['msg'] === 'cycle done').length >= 1 || undefined, 20_000, 'a cycle');
  const health = (await (await fetch(`${String(listening['url'])}/healthz`)).json()) as { knowledge?: Record<string, unknown> };
  t.deepEqual(health.knowledge, { quarantined: { decisions: 0, executions: 0, outcomes: 0, weights: 0, approvals: 0, controller: 0 } });
  process.emit('SIGTERM');
  t.is(await done, EXIT.ok);
  const store = await PostgresKnowledgeStore.open(url);
  t.teardown(() => store.close());
  const { rows } = await store.conn.query<{ n: number }>('SELECT count(*)::int AS n FROM mapek_schema');
  t.is(rows[0]!.n, 2, 'migrated at start');
});

test('an unreachable database: exit 3, the log names the option and host:port', async (t) => {
  t.timeout(30_000);
  const port = await freePort();
  const io = captureIo();
  const env = { MAPEK_STORE_URL: `postgres://mapek:secret@127.0.0.1:${port}/mapek`, MAPEK_LISTEN_PORT: '0', MAPEK_RULES: RULES, MAPEK_WEBHOOK_AUTH: 'off' };
  t.is(await runService({}, env, io), EXIT.unavailable);
  const line = logLines(io.stdout()).find((l) => l['msg'] === 'cannot open the knowledge store');
  t.like(line, { level: 'error', option: 'store URL (--store-url, MAPEK_STORE_URL, store.url)', store: `postgres 127.0.0.1:${port}/mapek`, error: `PostgreSQL store at 127.0.0.1:${port}/mapek unreachable: connect ECONNREFUSED 127.0.0.1:${port}` });
  t.false(io.stdout().includes('secret'), 'the password never reaches the log');
});

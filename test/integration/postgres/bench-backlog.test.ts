/**
 * The backlog bench's bulk copies (bench/lib/bulk-postgres.ts, bulk-store.ts) make records the
 * stores accept as their own: every row read is checked against the schema and its indexed
 * columns, and a bad one is quarantined — a copy that broke the shape would be measured as an
 * empty store. Small n, real PostgreSQL.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { fillPostgresStore } from '../../../bench/lib/bulk-postgres.js';
import { T0, writeBulkStore } from '../../../bench/lib/bulk-store.js';
import { NedbKnowledgeStore, PostgresKnowledgeStore } from '../../../src/knowledge/index.js';
import type { ExtendedKnowledgeStore } from '../../../src/types/knowledge.js';
import { startPostgresFor } from '../../support/postgres.js';

const N = 250;
const iso = (i: number): string => new Date(T0 + i * 1000).toISOString();

async function expectBacklog(t: import('ava').ExecutionContext, store: ExtendedKnowledgeStore): Promise<void> {
  const recent = await store.recentDecisions(100);
  t.is(recent.length, 100);
  t.is(recent[0]?.id, `d-${N}`, 'the newest decision first');
  t.is(recent[0]?.at, iso(N));
  t.is(recent[99]?.id, `d-${N - 99}`);
  const executions = await store.findExecutions({});
  t.is(executions.length, N, 'every execution, none quarantined');
  t.deepEqual(new Set(executions.map((e) => e.key)).size, N, 'distinct keys');
  const e7 = await store.getExecution('k-7');
  t.is(e7?.id, 'e-7');
  t.is(e7?.createdAt, iso(7));
  t.is((await store.outcomes({})).length, N);
  t.deepEqual(store.quarantined?.() ?? [], []);
}

test('PostgreSQL: the server-side copy of the template rows reads back as n valid records of each kind', async (t) => {
  t.timeout(60_000);
  const pg = await startPostgresFor(t);
  const url = await pg.createDatabase('bench_backlog_test');
  await fillPostgresStore(url, N);
  const store = await PostgresKnowledgeStore.open(url);
  t.teardown(() => store.close());
  await expectBacklog(t, store);
  const { rows } = await store.conn.query<{ n: number }>("SELECT count(*)::int AS n FROM mapek_executions WHERE body LIKE '%TEMPLATE%'");
  t.is(rows[0]!.n, 0, 'no template text left');
});

test('journal files: the written backlog with decisions reads back as n valid records of each kind', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-bench-backlog-test-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeBulkStore(dir, N, 1, { decisions: true });
  const store = await NedbKnowledgeStore.open(dir);
  t.teardown(() => store.close());
  await expectBacklog(t, store);
});

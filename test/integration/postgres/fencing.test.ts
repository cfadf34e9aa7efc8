/** Fencing against a real PostgreSQL: only the current holder of the leader lease, at its epoch, writes. */
import test from 'ava';
import pg from 'pg';
import { PostgresKnowledgeStore } from '../../../src/knowledge/index.js';
import { FencedError, type LeaseToken } from '../../../src/types/coordination.js';
import { rec } from '../../unit/knowledge/contract.js';
import { decision } from '../../support/execute-fakes.js';
import { startPostgres, type Postgres } from '../../support/postgres.js';

let server: Postgres | undefined;
test.before(async () => {
  server = await startPostgres();
});
test.after.always(() => server?.stop());

/** A store fenced by whatever `token` holds, and a raw client to move the lease as a takeover would. */
async function setup(db: string): Promise<{ store: PostgresKnowledgeStore; sql: pg.Client; token: { current: LeaseToken | undefined } }> {
  const url = await server!.createDatabase(db);
  const token: { current: LeaseToken | undefined } = { current: { holder: 'a', epoch: 1 } };
  const store = await PostgresKnowledgeStore.open(url, { fence: { token: () => token.current } });
  const sql = new pg.Client({ connectionString: url });
  await sql.connect();
  await sql.query("INSERT INTO mapek_lease VALUES ('leader', 'a', 1, now(), now(), now() + interval '1 minute')");
  return { store, sql, token };
}

const takeover = (sql: pg.Client, holder: string, epoch: number): Promise<unknown> =>
  sql.query("UPDATE mapek_lease SET holder = $1, epoch = $2, acquired_at = now(), renewed_at = now(), expires_at = now() + interval '1 minute' WHERE name = 'leader'", [holder, epoch]);

test('the current holder inserts intents and transitions; a stale epoch can do neither, and its refusal is a FencedError, not a CAS miss', async (t) => {
  const { store, sql, token } = await setup('fence_epoch');
  t.teardown(async () => {
    await sql.end();
    await store.close();
  });
  t.true(await store.recordIntent(rec('k1')));
  t.false(await store.recordIntent(rec('k1')), 'a taken key is an ordinary miss under a valid lease');
  t.true(await store.transition('k1', ['pending'], { status: 'applied' }));
  t.false(await store.transition('k1', ['pending'], { status: 'failed' }), 'wrong status: an ordinary CAS miss');

  await takeover(sql, 'b', 2); // b took over; a still believes it leads at epoch 1
  await t.throwsAsync(store.recordIntent(rec('k2')), { instanceOf: FencedError, message: 'lease lost: "a" no longer holds the leader lease at epoch 1: executions "k2" not written' });
  await t.throwsAsync(store.transition('k1', ['applied'], { status: 'succeeded' }), { instanceOf: FencedError });
  await t.throwsAsync(store.updateExecution('k1', { note: 'late' }), { instanceOf: FencedError });
  await t.throwsAsync(store.saveControllerState('circuit-breaker', { failures: [] }), { instanceOf: FencedError });
  const { rows } = await sql.query('SELECT key, status FROM mapek_executions ORDER BY key');
  t.deepEqual(rows, [{ key: 'k1', status: 'applied' }], 'nothing the deposed leader sent was written');

  token.current = { holder: 'b', epoch: 2 }; // the same process as the new leader
  t.true(await store.recordIntent(rec('k2')));
  t.true(await store.transition('k1', ['applied'], { status: 'succeeded' }));
});

test('the same holder at an old epoch is fenced too, as is an expired lease', async (t) => {
  const { store, sql, token } = await setup('fence_expired');
  t.teardown(async () => {
    await sql.end();
    await store.close();
  });
  await takeover(sql, 'a', 2); // a lost the lease and got it back: its epoch-1 token is stale
  await t.throwsAsync(store.recordIntent(rec('k1')), { instanceOf: FencedError });
  token.current = { holder: 'a', epoch: 2 };
  t.true(await store.recordIntent(rec('k1')));
  await sql.query("UPDATE mapek_lease SET expires_at = clock_timestamp() - interval '1 second'");
  await t.throwsAsync(store.transition('k1', ['pending'], { status: 'applied' }), { instanceOf: FencedError, message: /at epoch 2: executions "k1" not written/ });
  t.is((await store.getExecution('k1'))?.status, 'pending');
});

test('without a token (not the leader) a write is refused before it reaches the database; a verdict on an approval is never fenced', async (t) => {
  const { store, sql, token } = await setup('fence_none');
  t.teardown(async () => {
    await sql.end();
    await store.close();
  });
  await store.requestApproval({ id: 'a1', key: 'k9', decisionId: 'd1', ruleId: 'r1', incidentId: 'i', action: rec('k9').action, state: 'waiting', requestedAt: '2026-01-01T00:00:00.000Z' });
  token.current = undefined;
  await t.throwsAsync(store.recordIntent(rec('k1')), { instanceOf: FencedError, message: 'not the leader: executions "k1" not written' });
  await t.throwsAsync(store.saveDecision({ ...decision('i:x', [], []), id: 'd1' }), { instanceOf: FencedError });
  await sql.query('DELETE FROM mapek_lease'); // no leader at all: a human still decides
  t.like(await store.resolveApproval('a1', 'approved', 'alice'), { state: 'approved', resolvedBy: 'alice' });
  t.is((await sql.query('SELECT count(*)::int AS n FROM mapek_executions')).rows[0].n, 0);
});

test('a write racing a takeover lands before it or not at all: the lease row is read FOR SHARE', async (t) => {
  const { store, sql } = await setup('fence_race');
  t.teardown(async () => {
    await sql.end();
    await store.close();
  });
  // Hold the lease row as a takeover would (UPDATE in an open transaction); the write waits for it.
  await sql.query('BEGIN');
  await takeover(sql, 'b', 2);
  const write = store.recordIntent(rec('k1'));
  await new Promise((r) => setTimeout(r, 200));
  await sql.query('COMMIT');
  await t.throwsAsync(write, { instanceOf: FencedError }, 'it re-read the lease after the takeover committed');
  t.is(await store.getExecution('k1'), undefined);
});

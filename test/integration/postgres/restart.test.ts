/** A PostgreSQL restart while the store is in use: nothing acknowledged is lost, and writes work again once it is back. */
import test from 'ava';
import { PostgresKnowledgeStore, StoreUnavailableError } from '../../../src/knowledge/index.js';
import { rec } from '../../unit/knowledge/contract.js';
import { decision } from '../../support/execute-fakes.js';
import { freePort } from '../../../src/app/stack/index.js';
import { Connection } from '../../../src/knowledge/postgres/connection.js';
import { startPostgres, type Postgres } from '../../support/postgres.js';

let server: Postgres | undefined;
test.before(async () => {
  server = await startPostgres();
});
test.after.always(() => server?.stop());

test.serial('writes racing a restart either resolve (and are then stored) or fail as StoreUnavailableError; afterwards writes succeed', async (t) => {
  const url = await server!.createDatabase('restart_race');
  const store = await PostgresKnowledgeStore.open(url, { connection: { retryForMs: 15_000 } });
  t.teardown(() => store.close());
  for (let i = 0; i < 5; i += 1) t.true(await store.recordIntent(rec(`before-${i}`)));

  // A writer that keeps going through the restart, as a cycle would.
  const acked: string[] = [];
  const refused: unknown[] = [];
  let stop = false;
  const writer = (async () => {
    for (let i = 0; !stop; i += 1) {
      const key = `during-${i}`;
      try {
        if (await store.recordIntent(rec(key))) acked.push(key);
      } catch (err) {
        refused.push(err);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  await new Promise((r) => setTimeout(r, 100));
  await server!.restart();
  await new Promise((r) => setTimeout(r, 300));
  stop = true;
  await writer;

  t.true(await store.recordIntent(rec('after')), 'a write after the restart succeeds');
  t.true(await store.transition('after', ['pending'], { status: 'applied' }));
  const stored = new Set((await store.findExecutions({})).map((r) => r.key));
  for (const k of [...Array.from({ length: 5 }, (_, i) => `before-${i}`), ...acked, 'after']) t.true(stored.has(k), `${k} was acknowledged, so it is stored`);
  for (const e of refused) t.true(e instanceof StoreUnavailableError, String(e));
  t.true(acked.length > 0);
  t.is(store.health().unreachable, undefined, 'reachable again: health says so');
});

test.serial('idle connections a restart cut are replaced; an unreachable server is named with host:port in the error and in health', async (t) => {
  const url = await server!.createDatabase('restart_idle');
  const store = await PostgresKnowledgeStore.open(url, { connection: { retryForMs: 15_000 } });
  t.teardown(() => store.close());
  await store.saveDecision({ ...decision('i:x', [], []), id: 'd1' });
  await server!.restart(); // every pooled connection is now dead
  t.is((await store.getDecision('d1'))?.id, 'd1', 'a read on a cut connection is retried on a new one');
  t.true(await store.recordIntent(rec('k1')));
  t.is(store.health().unreachable, undefined);

  const port = await freePort(); // nothing listens there
  const err = await t.throwsAsync(PostgresKnowledgeStore.open(`postgres://postgres@127.0.0.1:${port}/x`, { connection: { retryForMs: 300 } }), { instanceOf: StoreUnavailableError });
  t.is(err!.message, `PostgreSQL store at 127.0.0.1:${port}/x unreachable: connect ECONNREFUSED 127.0.0.1:${port}`);
  const conn = new Connection(`postgres://postgres@127.0.0.1:${port}/x`, { retryForMs: 300 });
  t.teardown(() => conn.end());
  await t.throwsAsync(conn.query('SELECT 1', [], { read: true }), { instanceOf: StoreUnavailableError });
  t.is(conn.unreachable(), err!.message, 'what /healthz shows under knowledge.unreachable');
});

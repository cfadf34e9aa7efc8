import { existsSync } from 'node:fs';
import test from 'ava';
import pg from 'pg';
import { startPostgres } from '../../support/postgres.js';

test('the harness starts a real PostgreSQL on 127.0.0.1, keeps data over a restart, and removes it on stop', async (t) => {
  const server = await startPostgres();
  t.teardown(() => server.stop());
  const db = await server.createDatabase('harness_check');
  const c = new pg.Client({ connectionString: db });
  await c.connect();
  const { rows } = await c.query<{ addr: string | null }>('SELECT inet_server_addr()::text AS addr');
  t.is(rows[0]!.addr, '127.0.0.1/32');
  await c.query('CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)');
  await c.end();
  const before = await server.pid();
  await server.restart();
  t.not(await server.pid(), before, 'restart starts a new postmaster');
  const c2 = new pg.Client({ connectionString: db });
  await c2.connect();
  t.deepEqual((await c2.query('SELECT v FROM kept')).rows, [{ v: 42 }]);
  await c2.end();
  await server.stop();
  t.false(existsSync(server.dir));
});

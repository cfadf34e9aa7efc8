import test from 'ava';
import pg from 'pg';
import { loadMigrations, migrate, SchemaVersionError } from '../../../src/knowledge/postgres/migrate.js';
import { startPostgres, type Postgres } from '../../support/postgres.js';

let server: Postgres;
test.before(async () => {
  server = await startPostgres();
});
test.after.always(() => server?.stop());

async function client(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

test('two replicas migrating at the same moment apply each migration once', async (t) => {
  const url = await server.createDatabase('migrate_race');
  const [a, b] = await Promise.all([client(url), client(url)]);
  t.teardown(async () => {
    await a.end();
    await b.end();
  });
  const all = loadMigrations();
  const [ra, rb] = await Promise.all([migrate(a, all), migrate(b, all)]);
  const known = Math.max(...all.map((m) => m.version));
  t.is(ra.version, known);
  t.is(rb.version, known);
  // Exactly one of the two did the work; the other found it done.
  t.deepEqual([...ra.applied, ...rb.applied].sort(), all.map((m) => m.version).sort());
  const { rows } = await a.query('SELECT count(*)::int AS n FROM mapek_schema');
  t.is(rows[0].n, all.length);
  t.deepEqual((await migrate(a, all)).applied, [], 'a later start applies nothing');
});

test('a database at a newer schema than the code knows is refused with a clear error', async (t) => {
  const url = await server.createDatabase('migrate_newer');
  const c = await client(url);
  t.teardown(() => c.end());
  const all = loadMigrations();
  await migrate(c, all);
  const future = Math.max(...all.map((m) => m.version)) + 1;
  await c.query('INSERT INTO mapek_schema (version, name) VALUES ($1, $2)', [future, 'from_the_future']);
  const err = await t.throwsAsync(migrate(c, all), { instanceOf: SchemaVersionError });
  t.regex(err!.message, new RegExp(`schema version ${future}, newer than this mapek knows \\(${future - 1}\\)`));
});

test('a failing migration leaves the database as it was', async (t) => {
  const url = await server.createDatabase('migrate_fail');
  const c = await client(url);
  t.teardown(() => c.end());
  const broken = [...loadMigrations(), { version: 9999, name: 'broken', sql: 'CREATE TABLE x (' }];
  await t.throwsAsync(migrate(c, broken));
  const { rows } = await c.query("SELECT to_regclass('mapek_schema') AS t, to_regclass('mapek_lease') AS l");
  t.deepEqual(rows[0], { t: null, l: null });
});

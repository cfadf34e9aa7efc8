/** The lease statements on a real PostgreSQL: single statements, the database's clock, epochs that only grow. */
import test from 'ava';
import pg from 'pg';
import { LeaseStatements } from '../../../src/coordination/lease.js';
import { migrate } from '../../../src/knowledge/postgres/migrate.js';
import { startPostgres, type Postgres } from '../../support/postgres.js';

let server: Postgres;
test.before(async (t) => {
  t.timeout(60_000);
  server = await startPostgres();
});
test.after.always(() => server?.stop());

async function database(t: { teardown(f: () => Promise<void>): void }, name: string, clients: number): Promise<pg.Client[]> {
  const url = await server.createDatabase(name);
  const out: pg.Client[] = [];
  for (let i = 0; i < clients; i++) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    out.push(c);
  }
  t.teardown(async () => {
    for (const c of out) await c.end();
  });
  await migrate(out[0]!);
  return out;
}

const history = async (c: pg.Client): Promise<{ epoch: string; holder: string }[]> => (await c.query<{ epoch: string; holder: string }>('SELECT epoch::text, holder FROM mapek_lease_history ORDER BY epoch')).rows;

test('replicas acquiring at the same moment: exactly one wins, at epoch 1, with one history row', async (t) => {
  const cs = await database(t, 'lease_race', 6);
  const lease = new LeaseStatements('leader', 10_000);
  const results = await Promise.all(cs.map((c, i) => lease.acquire(c, `r${i}`)));
  const won = results.flatMap((r) => (r.acquired ? [r.token] : []));
  t.is(won.length, 1);
  t.is(won[0]!.epoch, 1);
  t.deepEqual(await history(cs[0]!), [{ epoch: '1', holder: won[0]!.holder }]);
  for (const r of results) if (!r.acquired) t.is(r.current?.holder, won[0]!.holder);
  const current = await lease.read(cs[0]!);
  t.true(current!.remainingMs > 9_000 && current!.remainingMs <= 10_000);
});

test('renewal: only the holder at its epoch, only before expiry; an expired lease is re-acquired with a new epoch', async (t) => {
  const [a, b] = await database(t, 'lease_renew', 2);
  const lease = new LeaseStatements('leader', 300);
  const r = await lease.acquire(a!, 'a');
  if (!r.acquired) return t.fail('a did not acquire');
  t.true(await lease.renew(a!, r.token));
  t.false(await lease.renew(a!, { holder: 'a', epoch: r.token.epoch + 1 }), 'a wrong epoch is refused');
  t.false(await lease.renew(b!, { holder: 'b', epoch: r.token.epoch }), 'another holder is refused');
  t.false((await lease.acquire(b!, 'b')).acquired, 'held: b cannot acquire');
  await new Promise((res) => setTimeout(res, 450));
  t.false(await lease.renew(a!, r.token), 'lapsed: not revived');
  const rb = await lease.acquire(b!, 'b');
  t.deepEqual(rb.acquired ? rb.token : undefined, { holder: 'b', epoch: 2 });
  t.deepEqual(await history(a!), [{ epoch: '1', holder: 'a' }, { epoch: '2', holder: 'b' }]);
});

test('release ends the tenure at once: the next acquire wins without waiting out the TTL', async (t) => {
  const [a, b] = await database(t, 'lease_release', 2);
  const lease = new LeaseStatements('leader', 60_000);
  const r = await lease.acquire(a!, 'a');
  if (!r.acquired) return t.fail('a did not acquire');
  t.true(await lease.release(a!, r.token));
  t.false(await lease.release(a!, r.token), 'a second release finds it ended');
  const rb = await lease.acquire(b!, 'b');
  t.deepEqual(rb.acquired ? rb.token : undefined, { holder: 'b', epoch: 2 });
  t.false(await lease.renew(a!, r.token));
});

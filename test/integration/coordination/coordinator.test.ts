/**
 * PostgresCoordinator on a real PostgreSQL: one leader among replicas started together, a
 * released lease taken over at once, triggers relayed from a standby to the leader over
 * LISTEN/NOTIFY, and leadership resumed after the server restarts.
 */
import test from 'ava';
import pg from 'pg';
import { PostgresCoordinator } from '../../../src/coordination/postgres-coordinator.js';
import { migrate } from '../../../src/knowledge/postgres/migrate.js';
import type { LeaseToken } from '../../../src/types/coordination.js';
import { startPostgres, type Postgres } from '../../support/postgres.js';
import { waitUntil } from '../../support/stack.js';

let server: Postgres;
test.before(async (t) => {
  t.timeout(60_000);
  server = await startPostgres();
});
test.after.always(() => server?.stop());

interface Replica {
  readonly c: PostgresCoordinator;
  readonly elected: LeaseToken[];
  readonly deposed: string[];
  readonly relayed: string[];
}

async function replicas(t: { teardown(f: () => Promise<void>): void }, db: string, n: number, ttlMs = 1_500, on: Postgres = server): Promise<Replica[]> {
  const url = await on.createDatabase(db);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await migrate(c);
  await c.end();
  const out = Array.from({ length: n }, (_, i) => {
    const r: Replica = { c: new PostgresCoordinator({ url, replicaId: `r${i}`, ttlMs, renewEveryMs: Math.round(ttlMs / 3) }), elected: [], deposed: [], relayed: [] };
    r.c.on({ elected: (tok) => r.elected.push(tok), deposed: (why) => r.deposed.push(why), relayed: (from, reason) => r.relayed.push(`${from}:${reason}`) });
    return r;
  });
  t.teardown(async () => {
    for (const r of out) await r.c.stop();
  });
  return out;
}

const leaders = (rs: readonly Replica[]): Replica[] => rs.filter((r) => r.c.isLeader());

test('replicas started at the same moment: exactly one leads; the others see it in their status', async (t) => {
  const rs = await replicas(t, 'coord_start', 3);
  for (const r of rs) r.c.start();
  const [leader] = await waitUntil(() => (leaders(rs).length > 0 ? leaders(rs) : undefined), 10_000, 'a leader');
  await waitUntil(() => (rs.every((r) => r.c.status().leader?.id === leader!.c.replicaId) ? true : undefined), 10_000, 'every replica to see the leader');
  t.is(leaders(rs).length, 1);
  t.deepEqual(leader!.elected, [{ holder: leader!.c.replicaId, epoch: 1 }]);
  t.is(leader!.c.status().role, 'leader');
  for (const r of rs.filter((x) => x !== leader)) {
    t.is(r.c.status().role, 'standby');
    t.is(r.c.token(), undefined);
    t.deepEqual(r.c.status().leader, { id: leader!.c.replicaId, epoch: 1 });
  }
});

test('a standby relays a trigger to the leader; a released lease is taken over without waiting out the TTL', async (t) => {
  const rs = await replicas(t, 'coord_relay', 2, 30_000);
  for (const r of rs) r.c.start();
  const [leader] = await waitUntil(() => (leaders(rs).length > 0 ? leaders(rs) : undefined), 10_000, 'a leader');
  const standby = rs.find((r) => r !== leader)!;
  // The LISTEN session may still be connecting: relay until it arrives.
  await waitUntil(async () => {
    await standby.c.relay('webhook');
    return leader!.relayed.length > 0 ? true : undefined;
  }, 10_000, 'the relayed trigger at the leader', 200);
  t.is(leader!.relayed[0], `${standby.c.replicaId}:webhook`);
  t.deepEqual(standby.relayed, [], 'a standby does not act on triggers');
  const t0 = Date.now();
  await leader!.c.stop();
  await waitUntil(() => (standby.c.isLeader() ? true : undefined), 10_000, 'the standby to take over');
  t.true(Date.now() - t0 < 5_000, 'well within the 30 s TTL');
  t.deepEqual(standby.elected, [{ holder: standby.c.replicaId, epoch: 2 }]);
});

test('PostgreSQL restarted: the leader is deposed or keeps its lease, and leadership resumes with one leader', async (t) => {
  t.timeout(60_000);
  // Its own server: the other cases of this file run at the same time on the shared one.
  const own = await startPostgres();
  t.teardown(() => own.stop());
  const rs = await replicas(t, 'coord_restart', 2, 1_500, own);
  for (const r of rs) r.c.start();
  await waitUntil(() => (leaders(rs).length === 1 ? true : undefined), 10_000, 'a leader');
  await own.restart();
  await waitUntil(() => (leaders(rs).length === 1 && rs.every((r) => r.c.status().connected) ? true : undefined), 20_000, 'one leader again, both connected');
  t.is(leaders(rs).length, 1);
  const epochs = rs.flatMap((r) => r.elected.map((e) => e.epoch)).sort();
  t.is(new Set(epochs).size, epochs.length, 'no epoch was granted twice');
});

/**
 * High availability against the database (issue 13): two replicas started at the same
 * moment; the leader cut off from PostgreSQL by a TCP proxy that stops forwarding; PostgreSQL
 * restarted under running replicas. After each: one Charter write per remediation, nothing
 * recorded by a deposed leader, failover within TTL + one cycle, and the audit agrees.
 */
import anyTest, { type TestFn } from 'ava';
import { checkInvariants, remediate } from '../support/ha-checks.js';
import { INTERVAL_S, startHaWorld, TTL_S, type HaWorld } from '../support/ha-world.js';
import { waitUntil } from '../support/stack.js';

const test = anyTest as TestFn<{ w: HaWorld }>;
const figures: string[] = [];
const FAILOVER_LIMIT_MS = (TTL_S + INTERVAL_S) * 1000 + 1_000;

test.before(async (t) => {
  t.timeout(90_000);
  t.context.w = await startHaWorld({ replicas: 0, database: 'mapek_ha_partition' });
});
test.after.always(async (t) => {
  console.log(`HA partition suite figures (npx ava dist/test/e2e/ha-partition.test.js): ${figures.join('; ')}`);
  await t.context.w?.stop();
});

test.serial('two replicas started at the same moment: one migration, one leader at epoch 1; a third joins as a standby', async (t) => {
  t.timeout(60_000);
  const { w } = t.context;
  await Promise.all([w.start(0), w.start(1)]);
  const leader = await w.waitForLeader('a leader');
  await w.start(2);
  await new Promise((r) => setTimeout(r, TTL_S * 1000));
  t.deepEqual((await w.tenures()).map((x) => [x.epoch, x.holder]), [[1, w.idOf(leader)]]);
  t.deepEqual((await w.health()).map((h) => h?.['role']), [0, 1, 2].map((s) => (s === leader ? 'leader' : 'standby')));
  const { rows } = await w.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM mapek_schema');
  t.is(rows[0]?.n, '2', 'each migration applied once');
});

test.serial('the leader cut off from PostgreSQL: a standby takes over within TTL + one cycle and remediates once; the cut-off one stops acting', async (t) => {
  t.timeout(120_000);
  const { w } = t.context;
  const since = new Date().toISOString();
  const leader = await w.waitForLeader('a leader');
  const cutAt = Date.now();
  w.proxies[leader]!.cut();
  try {
    const next = await w.waitForLeader('a new leader', leader);
    const elected = await w.replicas[next]!.waitForLog((l) => l['msg'] === 'leader lease acquired' && Date.parse(String(l['time'])) >= cutAt, 10_000, 'the election');
    const ms = Date.parse(String(elected['time'])) - cutAt;
    figures.push(`leader cut off → new leader elected ${ms} ms`);
    t.true(ms <= FAILOVER_LIMIT_MS, `elected ${ms} ms after the cut`);
    const old = await waitUntil(async () => {
      const h = (await w.health())[leader];
      return h?.['role'] === 'standby' ? h : undefined;
    }, 10_000, 'the cut-off replica to call itself a standby');
    t.is((old['lease'] as { connected: boolean }).connected, false);
    const r = await remediate(w, 'pol-access');
    t.is(w.cycleOwners().get(r.cycleId), w.idOf(next), 'the new leader acted');
  } finally {
    w.proxies[leader]!.heal();
  }
  await waitUntil(async () => ((await w.health())[leader]?.['lease'] as { connected?: boolean } | undefined)?.connected === true ? true : undefined, 20_000, 'the healed replica to reconnect');
  t.deepEqual((await w.health()).filter((h) => h?.['role'] === 'leader').length, 1);
  t.true((await checkInvariants(t, w, since)) >= 1);
});

test.serial('PostgreSQL restarted: the replicas reconnect, leadership resumes, no record is lost, the next fault is remediated once', async (t) => {
  t.timeout(120_000);
  const { w } = t.context;
  const since = new Date().toISOString();
  await w.waitForLeader('a leader');
  const before = await w.executions();
  const decisions = (await w.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM mapek_decisions')).rows[0]!.n;
  const restartedAt = Date.now();
  await w.pg.restart();
  const sql = await reconnect(w);
  const leader = await w.waitForLeader('a leader after the restart', undefined, 20_000);
  figures.push(`PostgreSQL restart → a leader again ${Date.now() - restartedAt} ms after the restart began`);
  const after = await w.executions();
  for (const r of before) t.truthy(after.find((x) => x.key === r.key), `record ${r.key} kept`);
  t.true(Number((await sql.query<{ n: string }>('SELECT count(*)::text AS n FROM mapek_decisions')).rows[0]!.n) >= Number(decisions));
  const r = await remediate(w, 'pol-network');
  t.is(w.cycleOwners().get(r.cycleId), w.idOf((await w.leader()) ?? leader));
  t.true((await checkInvariants(t, w, since)) >= 1);
});

/** The world's own SQL pool, once PostgreSQL answers again. */
async function reconnect(w: HaWorld): Promise<HaWorld['sql']> {
  await waitUntil(async () => {
    try {
      await w.sql.query('SELECT 1');
      return true;
    } catch {
      return undefined;
    }
  }, 20_000, 'PostgreSQL back');
  return w.sql;
}

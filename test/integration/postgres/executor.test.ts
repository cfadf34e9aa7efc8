/**
 * The real executor on a fenced PostgreSQL store: an approval given from another machine (the
 * CLI on the database) runs once; once another replica holds the lease, the deposed leader
 * records no intent and so writes nothing to Charter; guard-rail state crosses the takeover.
 */
import test from 'ava';
import pg from 'pg';
import { main } from '../../../src/cli/main.js';
import { PostgresKnowledgeStore } from '../../../src/knowledge/index.js';
import type { LeaseToken } from '../../../src/types/coordination.js';
import { alert, candidate, decision, snapshot } from '../../support/execute-fakes.js';
import { captureIo } from '../../support/io.js';
import { startPostgres, type Postgres } from '../../support/postgres.js';
import { harness } from '../../unit/execute/harness.js';

let server: Postgres | undefined;
test.before(async () => {
  server = await startPostgres();
});
test.after.always(() => server?.stop());

const s = snapshot([alert('TargetViolatingManyPolicies', { node_or_service: 'node-1' }), alert('CommitteeOverloaded', { committee_id: 'c1' })]);
const quarantine = (cycle: string) => decision('target:node-1', ['TargetViolatingManyPolicies'], [candidate({ ruleId: 'q', type: 'quarantine_target', target: 'node-1', risk: 'high' })], [], cycle);
const scale = (cycle: string) => decision('committee:c1', ['CommitteeOverloaded'], [candidate()], [], cycle);

/** A copy of the one stored execution, as another intent would look. */
async function successorView(url: string) {
  const view = await PostgresKnowledgeStore.open(url);
  const [r] = await view.findExecutions({});
  await view.close();
  return r!;
}

async function fencedStore(db: string, holder: string) {
  const url = await server!.createDatabase(db);
  const token: { current: LeaseToken | undefined } = { current: { holder, epoch: 1 } };
  const store = await PostgresKnowledgeStore.open(url, { fence: { token: () => token.current } });
  const sql = new pg.Client({ connectionString: url });
  await sql.connect();
  await sql.query("INSERT INTO mapek_lease VALUES ('leader', $1, 1, now(), now(), now() + interval '1 minute')", [holder]);
  return { url, store, sql, token };
}

test.serial('an approval resolved from another machine runs once on the leader', async (t) => {
  const { url, store, sql } = await fencedStore('exec_approval', 'a');
  t.teardown(async () => {
    await sql.end();
    await store.close();
  });
  const h = harness({}, { store });
  const [w] = await h.executor.execute([quarantine('c1')], s, 'c1');
  t.is(w?.status, 'awaiting_approval');
  const io = captureIo();
  t.is(await main(['approve', w!.id, '--store-url', url, '--by', 'ana'], io), 0, io.stderr());
  const [r] = await h.executor.execute([quarantine('c2')], s, 'c2');
  t.like(r, { status: 'applied', key: w!.key });
  t.deepEqual(await h.executor.execute([quarantine('c3')], s, 'c3'), []);
  t.is(h.charter.writes.length, 1);
});

test.serial('a deposed leader records no intent and writes nothing to Charter; the new leader inherits the spent rate limit, then acts', async (t) => {
  const { url, store, sql } = await fencedStore('exec_fenced', 'a');
  const opts = { rateLimit: { global: { burst: 1, perMinute: 1 } } };
  const old = harness(opts, { store });
  t.teardown(async () => {
    await sql.end();
    await store.close();
  });
  t.is((await old.executor.execute([scale('a1')], s, 'a1'))[0]?.status, 'applied');
  await old.executor.drain();

  // b takes over (epoch 2); a has not noticed and runs another cycle
  await sql.query("UPDATE mapek_lease SET holder = 'b', epoch = 2, expires_at = now() + interval '1 minute'");
  old.time.advance(10 * 60_000);
  const late = snapshot([alert('CommitteeOverloaded', { committee_id: 'c1' }, { startsAt: '2026-03-01T12:09:00.000Z' })]);
  // Its cycle's decisions are fenced first: refused, so none of its actions starts.
  t.deepEqual(await old.executor.execute([scale('a2')], late, 'a2'), []);
  t.true(old.logs.includes('error decisions not recorded; their actions are skipped'));
  // And an intent it tries to record directly is refused as well.
  await t.throwsAsync(store.recordIntent({ ...(await successorView(url)), key: 'late-intent' }), { message: /^lease lost: "a" no longer holds the leader lease at epoch 1: executions "late-intent" not written$/ });
  t.is(old.charter.writes.length, 1, 'no Charter write without an intent');
  const { rows } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM mapek_executions');
  t.is(rows[0]!.n, 1, 'nothing of the deposed leader’s second cycle is stored');

  const successor = await PostgresKnowledgeStore.open(url, { fence: { token: () => ({ holder: 'b', epoch: 2 }) } });
  t.teardown(() => successor.close());
  const b = harness(opts, { store: successor });
  await b.executor.reloadState();
  // b's clock is where a's first action was: the token a spent then has not refilled
  t.is((await b.executor.execute([scale('b1')], late, 'b1'))[0]?.guard, 'rate_limit_global', 'the spent rate limit crossed the takeover');
  b.time.advance(60_000);
  t.is((await b.executor.execute([scale('b2')], late, 'b2'))[0]?.status, 'applied', 'the new leader acts once it refilled');
});

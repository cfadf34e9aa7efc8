/**
 * The CLI on a shared PostgreSQL store, and moving a store journal → PostgreSQL → journal with
 * `mapek knowledge export` / `import`: executions, outcomes and learned weights survive intact.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { main } from '../../../src/cli/main.js';
import { openKnowledgeStore, PostgresKnowledgeStore } from '../../../src/knowledge/index.js';
import { freePort } from '../../../src/app/stack/index.js';
import { captureIo } from '../../support/io.js';
import { knowledgeFixture } from '../../support/knowledge-fixture.js';
import { startPostgres, type Postgres } from '../../support/postgres.js';

let server: Postgres | undefined;
test.before(async () => {
  server = await startPostgres();
});
test.after.always(() => server?.stop());

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await main(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

test.serial('journal → postgres → journal: every record and the learned weights identical; re-import changes nothing', async (t) => {
  const { dir } = await knowledgeFixture();
  const url = await server!.createDatabase('transfer_roundtrip');
  const tmp = await mkdtemp(join(tmpdir(), 'mapek-transfer-'));
  const first = join(tmp, 'journal.ndjson');

  const ex = await cli(['knowledge', 'export', '--dir', dir, '--out', first, '--json']);
  t.is(ex.code, 0, ex.err);
  const exported = JSON.parse(ex.out);
  t.like(exported, { store: dir, out: first });
  t.true(exported.collections.executions >= 2 && exported.collections.outcomes >= 1 && exported.collections.weights >= 1, ex.out);

  const im = await cli(['knowledge', 'import', first, '--store-url', url, '--json']);
  t.is(im.code, 0, im.err);
  const summary = JSON.parse(im.out);
  t.is(summary.lines, exported.lines);
  t.deepEqual(summary.created, exported.collections);

  const again = JSON.parse((await cli(['knowledge', 'import', first, '--store-url', url, '--json'])).out);
  t.deepEqual(again.unchanged, exported.collections, 'idempotent: the second import finds every record in place');
  t.deepEqual(Object.values(again.created).concat(Object.values(again.updated)), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

  const back = join(tmp, 'back');
  const second = join(tmp, 'pg.ndjson');
  t.is((await cli(['knowledge', 'export', '--store-url', url, '--out', second])).code, 0);
  t.is((await cli(['knowledge', 'import', second, '--dir', back])).code, 0);
  // The same records (records created in the same millisecond have no defined order in any backend).
  const sorted = async (f: string): Promise<string[]> => (await readFile(f, 'utf8')).split('\n').sort();
  t.deepEqual(await sorted(second), await sorted(first), 'postgres exports exactly what the journal did');

  const [a, pg, b] = [await openKnowledgeStore(dir), await PostgresKnowledgeStore.open(url), await openKnowledgeStore(back)];
  t.teardown(async () => {
    await Promise.all([a.close(), pg.close(), b.close()]);
  });
  for (const s of [pg, b]) {
    const byKey = (rs: readonly { key: string }[]) => [...rs].sort((x, y) => (x.key < y.key ? -1 : 1));
    t.deepEqual(byKey(await s.findExecutions({})), byKey(await a.findExecutions({})));
    t.deepEqual(byKey(await s.outcomes()), byKey(await a.outcomes()));
    t.deepEqual(await s.currentWeights(), await a.currentWeights());
    t.deepEqual(await s.latestWeightChanges(), await a.latestWeightChanges());
    t.deepEqual(await s.weightHistory(100), await a.weightHistory(100));
    t.deepEqual(await s.listApprovals(), await a.listApprovals());
  }
  // What the CLI shows from the database is what it shows from the files.
  const fromFiles = await cli(['knowledge', 'weights', '--json', '--dir', dir]);
  const fromDb = await cli(['knowledge', 'weights', '--json', '--store-url', url]);
  t.is(fromDb.out, fromFiles.out);
});

test.serial('import checks every line first, names each bad one, and writes nothing', async (t) => {
  const url = await server!.createDatabase('transfer_bad');
  const file = join(await mkdtemp(join(tmpdir(), 'mapek-transfer-')), 'bad.ndjson');
  const good = { collection: 'outcomes', record: { key: 'k1', ruleId: 'r1', incidentKind: 'x', actionType: 'notify', result: 'succeeded', at: '2026-01-01T00:00:00.000Z' } };
  await writeFile(file, [JSON.stringify(good), '{"collection":', JSON.stringify({ collection: 'outcomes', record: { ...good.record, result: 'great' } }), JSON.stringify({ collection: 'nope', record: {} }), ''].join('\n'));
  const r = await cli(['knowledge', 'import', file, '--store-url', url]);
  t.is(r.code, 1);
  t.is(
    r.err,
    [
      `${file}:2: not valid JSON`,
      `${file}:3: outcomes: result: must be equal to one of the allowed values (succeeded, failed, inconclusive)`,
      `${file}:4: collection: must be one of decisions, executions, outcomes, weights, approvals, controller, got "nope"`,
      'mapek knowledge import: 3 invalid lines; nothing written',
      '',
    ].join('\n'),
  );
  const s = await PostgresKnowledgeStore.open(url);
  t.teardown(() => s.close());
  t.deepEqual(await s.outcomes(), []);
});

test.serial('explain, history and approve work against the database from any machine; approve is a row, resolved once', async (t) => {
  const { dir, waiting } = await knowledgeFixture();
  const url = await server!.createDatabase('transfer_cli');
  const file = join(dir, 'export.ndjson');
  await cli(['knowledge', 'export', '--dir', dir, '--out', file]);
  await cli(['knowledge', 'import', file, '--store-url', url]);

  const explained = await cli(['explain', 'dec-q', '--store-url', url]);
  t.is(explained.code, 0, explained.err);
  t.regex(explained.out, /stopped by approval_required/);
  t.regex((await cli(['knowledge', 'history', '--store-url', url])).out, new RegExp(`${waiting.id}\\s+awaiting_approval`));

  const ok = await cli(['approve', waiting.id, '--store-url', url, '--by', 'dana']);
  t.is(ok.code, 0, ok.err);
  t.is(ok.out, `approved ${waiting.id}: quarantine_target "node-1" (rule quarantine); the leader acts on it in its next cycle\n`);
  const twice = await cli(['reject', waiting.id, '--store-url', url]);
  t.is(twice.code, 1);
  t.is(twice.err, `mapek reject: no action awaiting approval with id "${waiting.id}" (it was approved)\n`);
  const s = await PostgresKnowledgeStore.open(url);
  t.teardown(() => s.close());
  t.like(await s.getApproval(waiting.id), { state: 'approved', resolvedBy: 'dana' });
});

test('an unreachable database: exit 3 and a message naming the option and host:port; a non-postgres URL is a usage error', async (t) => {
  const port = await freePort();
  const r = await cli(['knowledge', 'history', '--store-url', `postgres://postgres@127.0.0.1:${port}/mapek`]);
  t.is(r.code, 3);
  t.regex(r.err, new RegExp(`^mapek knowledge: --store-url postgres 127\\.0\\.0\\.1:${port}/mapek: PostgreSQL store at 127\\.0\\.0\\.1:${port}/mapek unreachable: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\n$`));
  const bad = await cli(['explain', 'x', '--store-url', 'mysql://root:pw@db/x']);
  t.is(bad.code, 2);
  t.regex(bad.err, /--store-url: must be a postgres:\/\/ or postgresql:\/\/ URL, got "mysql:\/\/<redacted>@db\/x"/);
  t.is((await cli(['approve', 'x', '--dir', 'd', '--store-url', 'postgres://h/x'])).code, 2);
});

/** `mapek knowledge audit` on a real nedb store against a real reference Charter: report, --json, exit codes. */
import test from 'ava';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCharter } from '../../../src/charter/index.js';
import { charterUrlOf } from '../../../src/cli/knowledge-audit.js';
import { main } from '../../../src/cli/main.js';
import { openKnowledgeStore } from '../../../src/knowledge/index.js';
import type { ExecutionRecord } from '../../../src/types/execution.js';
import { call, charterForTest } from '../../support/charter.js';
import { captureIo } from '../../support/io.js';
import { auditStore, countByKind } from '../../support/audit.js';
import { record } from '../../support/audit-records.js';

const OPS = { id: 'committee-ops', capacity: 4, queueDepth: 0, version: 1 };

async function storeWith(records: readonly ExecutionRecord[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mapek-audit-'));
  const store = await openKnowledgeStore(dir);
  for (const r of records) await store.recordIntent(r);
  await store.close();
  return dir;
}

const put = (c: { url: string }, capacity: number, key: string) => call(c, 'PUT', '/api/v1/committees/committee-ops', { body: { capacity }, headers: { 'idempotency-key': key } });

test('no disagreement: a summary line, "no disagreements", exit 0', async (t) => {
  const c = await charterForTest(t);
  await put(c, 6, 'k1');
  const dir = await storeWith([record('k1', 'succeeded', { prior: OPS })]);
  const io = captureIo();
  t.is(await main(['knowledge', 'audit', '--dir', dir, '--charter-url', c.url], io), 0);
  t.is(io.stdout(), `audit of ${dir} against ${c.url} (charter's write log): 1 executions, 1 landed writes, 1 resources compared\nno disagreements\n`);
  t.is(io.stderr(), '');
});

test('disagreements: one line each, kind first; exit 1; --json has the same', async (t) => {
  const c = await charterForTest(t);
  await put(c, 6, 'k1');
  await put(c, 8, 'stray');
  const dir = await storeWith([record('k1', 'error', { prior: OPS }), record('k2', 'succeeded', { prior: OPS, target: 'committee-safety' })]);
  const io = captureIo();
  t.is(await main(['knowledge', 'audit', '--dir', dir, '--charter-url', `${c.url}/`], io), 1);
  t.is(
    io.stdout(),
    [
      `audit of ${dir} against ${c.url} (charter's write log): 2 executions, 2 landed writes, 2 resources compared`,
      '3 disagreements:',
      '  unrecorded_write  write #2 PUT /api/v1/committees/committee-ops (key "stray") landed but no execution record has that key',
      '  write_missing     execution exec-k2 (key "k2", succeeded) says its write landed, but no write under its key landed in charter',
      '  unexpected_write  execution exec-k1 (key "k1", error) says nothing was written, but write #1 PUT /api/v1/committees/committee-ops landed under its key',
      '',
    ].join('\n'),
  );
  const js = captureIo();
  t.is(await main(['knowledge', 'audit', '--json', '--dir', dir, '--charter-url', c.url], js), 1);
  const report = JSON.parse(js.stdout());
  t.like(report, { store: dir, charter: c.url, history: 'write_log', records: 2, writes: 2, states: 2 });
  t.deepEqual(report.disagreements.map((d: { kind: string }) => d.kind), ['unrecorded_write', 'write_missing', 'unexpected_write']);
  t.like(report.disagreements[2], { key: 'k1', executionId: 'exec-k1', resource: 'committee "committee-ops"', writes: [1] });
  // The suite's helper reads the same directory the same way.
  const direct = await auditStore(dir, c.url);
  t.deepEqual(direct.disagreements, report.disagreements);
  t.deepEqual(countByKind(direct), { unrecorded_write: 1, unrecorded_undo: 0, write_missing: 1, unexpected_write: 1, double_apply: 0, state_mismatch: 0 });
});

test('a Charter without a write log is audited from its policy histories', async (t) => {
  const c = await startCharter({ tickMs: 0 });
  t.teardown(() => c.close());
  const dir = await storeWith([]);
  const io = captureIo();
  t.is(await main(['knowledge', 'audit', '--dir', dir, '--charter-url', c.url], io), 0);
  t.is(io.stdout(), `audit of ${dir} against ${c.url} (policy histories (no write log)): 0 executions, 0 landed writes, 0 resources compared\nno disagreements\n`);
});

test('exit 3: no store at DIR; Charter unreachable', async (t) => {
  const none = captureIo();
  t.is(await main(['knowledge', 'audit', '--dir', '/nonexistent/mapek', '--charter-url', 'http://127.0.0.1:1'], none), 3);
  t.is(none.stderr(), 'mapek knowledge: no knowledge store at "/nonexistent/mapek"\n');
  const gone = await startCharter({ tickMs: 0 });
  const url = gone.url;
  await gone.close();
  const dir = await storeWith([]);
  const io = captureIo();
  t.is(await main(['knowledge', 'audit', '--dir', dir, '--charter-url', url], io), 3);
  t.regex(io.stderr(), new RegExp(`^mapek knowledge: cannot audit against ${url.replace(/\./g, '\\.')}: .*ECONNREFUSED`));
  t.is(io.stdout(), '');
});

test('exit 2: a bad --charter-url, --charter-url outside audit; --help names audit', async (t) => {
  const bad = captureIo();
  t.is(await main(['knowledge', 'audit', '--charter-url', 'ftp://x'], bad), 2);
  t.is(bad.stderr(), 'mapek knowledge: --charter-url: expected an http(s) URL, got "ftp://x"\n');
  const junk = captureIo();
  t.is(await main(['knowledge', 'audit', '--charter-url', 'not a url'], junk), 2);
  t.is(junk.stderr(), 'mapek knowledge: --charter-url: expected an http(s) URL, got "not a url"\n');
  const other = captureIo();
  t.is(await main(['knowledge', 'weights', '--charter-url', 'http://127.0.0.1:1'], other), 2);
  t.is(other.stderr(), 'mapek knowledge: --charter-url: only for audit\n');
  const extra = captureIo();
  t.is(await main(['knowledge', 'audit', 'more'], extra), 2);
  t.is(extra.stderr(), 'mapek knowledge: unexpected argument "more"\n');
  const h = captureIo();
  t.is(await main(['knowledge', '--help'], h), 0);
  t.true(h.stdout().includes('       mapek knowledge audit [--charter-url URL] [--json] [--dir DIR | --store-url URL]\n'));
  t.true(h.stdout().includes("  audit     compare the executions with Charter's writes and current state; exit 1 on any disagreement\n"));
});

test('the Charter URL: the flag, else CHARTER_API_URL, else 127.0.0.1:8000', (t) => {
  t.is(charterUrlOf('http://127.0.0.1:9/', {}), 'http://127.0.0.1:9');
  t.is(charterUrlOf(undefined, { CHARTER_API_URL: 'http://127.0.0.1:7' }), 'http://127.0.0.1:7');
  t.is(charterUrlOf(undefined, { CHARTER_API_URL: '' }), 'http://127.0.0.1:8000');
  t.is(charterUrlOf(undefined, {}), 'http://127.0.0.1:8000');
});

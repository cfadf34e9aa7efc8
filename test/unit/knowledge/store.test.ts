import test from 'ava';
import { appendFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryKnowledgeStore, openKnowledgeStore, writeVerdict } from '../../../src/knowledge/index.js';
import { resolveRetention } from '../../../src/knowledge/retention.js';
import type { ExtendedKnowledgeStore } from '../../../src/types/knowledge.js';
import type { ExecutionRecord } from '../../../src/types/execution.js';
import { candidate, decision } from '../../support/execute-fakes.js';

const tmp = () => mkdtemp(join(tmpdir(), 'mapek-store-'));

function rec(key: string, over: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    key, id: `id-${key}`, decisionId: 'd1', cycleId: 'c1', ruleId: 'r1', incidentId: 'committee:c1', incidentKind: 'CommitteeOverloaded',
    action: candidate().action, status: 'pending', createdAt: `2026-01-01T00:00:0${key.length % 10}.000Z`, updatedAt: '2026-01-01T00:00:00.000Z', ...over,
  };
}

async function contract(t: import('ava').ExecutionContext, s: ExtendedKnowledgeStore): Promise<void> {
  const d = { ...decision('committee:c1', ['CommitteeOverloaded'], [candidate({ params: { 'a.b': 1, $x: 2 } })]), id: 'd1' };
  await s.saveDecision(d);
  t.deepEqual(await s.getDecision('d1'), d); // keys with dots and $ survive
  t.deepEqual((await s.recentDecisions(5)).map((x) => x.id), ['d1']);
  t.true(await s.recordIntent(rec('k1')));
  t.false(await s.recordIntent(rec('k1', { id: 'other' })));
  await s.updateExecution('k1', { status: 'applied', appliedAt: '2026-01-01T00:01:00.000Z' });
  t.like(await s.getExecution('k1'), { status: 'applied', id: 'id-k1' });
  await t.throwsAsync(s.updateExecution('nope', { status: 'failed' }), { message: 'no execution with key "nope"' });
  t.false(await s.transition('k1', ['pending'], { status: 'failed' }));
  t.true(await s.transition('k1', ['applied'], { status: 'succeeded' }));
  t.false(await s.transition('missing', ['applied'], { status: 'succeeded' }));
  await s.recordIntent(rec('k22', { ruleId: 'r2', action: candidate({ target: 'c2' }).action }));
  t.deepEqual((await s.findExecutions({ target: 'c2' })).map((r) => r.key), ['k22']);
  t.deepEqual((await s.findExecutions({ status: ['succeeded'], ruleId: 'r1' })).map((r) => r.key), ['k1']);
  t.deepEqual((await s.findExecutions({ id: 'id-k22', decisionId: 'd1', incidentId: 'committee:c1' })).map((r) => r.key), ['k22']);
  t.deepEqual((await s.findExecutions({ since: '2026-01-01T00:00:03.000Z', limit: 1 })).map((r) => r.key), ['k22']);
  await s.recordOutcome({ key: 'k1', ruleId: 'r1', incidentKind: 'x', actionType: 'scale_committee', result: 'succeeded', at: '2026-01-01T00:02:00.000Z' });
  t.deepEqual((await s.outcomes({ ruleId: 'r1', since: '2026-01-01T00:00:00.000Z', limit: 5 })).map((o) => o.key), ['k1']);
  await s.saveWeightChange({ ruleId: 'r1', from: 1, to: 1.25, samples: 1, successRate: 1, reason: 'because', at: '2026-01-01T00:03:00.000Z' });
  await s.saveWeightChange({ ruleId: 'r1', from: 1.25, to: 1.5, samples: 2, successRate: 1, reason: 'because', at: '2026-01-01T00:04:00.000Z' });
  t.deepEqual(await s.currentWeights(), { r1: 1.5 });
  t.deepEqual((await s.weightHistory(1)).map((w) => w.to), [1.5]);
  await s.requestApproval({ id: 'a1', key: 'k9', decisionId: 'd1', ruleId: 'r1', incidentId: 'i', action: candidate().action, state: 'waiting', requestedAt: '2026-01-01T00:00:00.000Z' });
  t.like(await s.resolveApproval('a1', 'approved', 'alice', 'ok', '2026-01-01T00:05:00.000Z'), { state: 'approved', resolvedBy: 'alice', reason: 'ok' });
  t.is(await s.resolveApproval('a1', 'rejected', 'bob'), undefined); // already resolved
  t.deepEqual((await s.listApprovals(['approved'])).map((a) => a.id), ['a1']);
}

test('MemoryKnowledgeStore honours the store contract', async (t) => {
  await contract(t, new MemoryKnowledgeStore());
});

test('NedbKnowledgeStore honours the contract and keeps everything across a reopen, with a schema stamp', async (t) => {
  const dir = await tmp();
  const s = await openKnowledgeStore(dir);
  await contract(t, s);
  await s.close();
  const again = await openKnowledgeStore(dir);
  t.like(await again.getExecution('k1'), { status: 'succeeded' });
  t.deepEqual(await again.currentWeights(), { r1: 1.5 });
  t.deepEqual(again.loadReports(), []);
  t.like(JSON.parse(await readFile(join(dir, 'schema.json'), 'utf8')), { schemaVersion: 1 });
  t.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.db')).sort(), ['approvals.db', 'controller.db', 'decisions.db', 'executions.db', 'outcomes.db', 'weights.db']);
});

test('a truncated or corrupt file: the store still opens, reports what it dropped, keeps a backup of the original', async (t) => {
  const dir = await tmp();
  const s = await openKnowledgeStore(dir);
  for (const k of ['a', 'b', 'c']) await s.recordIntent(rec(k));
  await s.close();
  const file = join(dir, 'executions.db');
  const original = await readFile(file, 'utf8');
  // a torn last write and a garbled line in the middle
  const lines = original.trimEnd().split('\n');
  const damaged = [lines[0], 'garbage{{', ...lines.slice(1), '{"_id":"d","body":"{\\"key\\":'].join('\n');
  await writeFile(file, damaged);
  const reopened = await openKnowledgeStore(dir, { now: () => new Date('2026-02-03T04:05:06.789Z') });
  const [report] = reopened.loadReports();
  t.deepEqual(report, { file, dropped: 2, lines: [2, lines.length + 2], backup: `${file}.corrupt-2026-02-03T04-05-06-789Z.bak` });
  t.is(await readFile(report?.backup ?? '', 'utf8'), damaged);
  t.deepEqual((await reopened.findExecutions({})).map((r) => r.key).sort(), ['a', 'b', 'c']);
});

test('a newer schema version is refused with a clear message', async (t) => {
  const dir = await tmp();
  await writeFile(join(dir, 'schema.json'), '{"schemaVersion": 9}');
  await t.throwsAsync(openKnowledgeStore(dir), { message: `${join(dir, 'schema.json')}: schema version 9 is newer than this build supports (1)` });
  await writeFile(join(dir, 'schema.json'), 'nope');
  await t.throwsAsync(openKnowledgeStore(dir), { message: `${join(dir, 'schema.json')}: not valid JSON` });
  await writeFile(join(dir, 'schema.json'), '{}');
  await t.throwsAsync(openKnowledgeStore(dir), { message: `${join(dir, 'schema.json')}: schemaVersion: expected a number` });
});

test('a write error (the directory is gone) rejects the intent and leaves nothing behind in memory', async (t) => {
  const dir = await tmp();
  const s = await openKnowledgeStore(dir);
  await rm(dir, { recursive: true });
  await writeFile(dir, 'not a directory'); // appends now fail with ENOTDIR
  const err = await t.throwsAsync(s.recordIntent(rec('x')));
  t.is(err?.name, 'StoreWriteError');
  t.regex(err?.message ?? '', new RegExp(`^knowledge store write to "${join(dir, 'executions.db')}" failed: ENOTDIR`));
  t.is(await s.getExecution('x'), undefined);
  await rm(dir);
});

test('retention keeps the store bounded, never drops in-flight records or a rule’s newest weight', async (t) => {
  const s = new MemoryKnowledgeStore({ maxExecutions: 2, maxDecisions: 1, maxOutcomes: 1, maxWeightChanges: 1, maxApprovals: 0, retainEvery: 1_000 });
  await s.recordIntent(rec('p', { status: 'pending', createdAt: '2026-01-01T00:00:00.000Z' }));
  for (const [i, k] of ['a', 'b', 'c'].entries()) await s.recordIntent(rec(k, { status: 'succeeded', createdAt: `2026-01-01T00:00:0${i + 1}.000Z` }));
  for (const id of ['d1', 'd2']) await s.saveDecision({ ...decision('i:x', [], []), id, at: `2026-01-01T00:00:0${id[1]}.000Z` });
  await s.saveWeightChange({ ruleId: 'r1', from: 1, to: 2, samples: 1, successRate: 1, reason: '', at: '2026-01-01T00:00:01.000Z' });
  await s.saveWeightChange({ ruleId: 'r2', from: 1, to: 3, samples: 1, successRate: 1, reason: '', at: '2026-01-01T00:00:02.000Z' });
  const r = await s.retain();
  t.deepEqual(r.removed, { decisions: 1, executions: 2, outcomes: 0, weights: 0, approvals: 0 });
  t.deepEqual((await s.findExecutions({})).map((e) => e.key).sort(), ['c', 'p']);
  t.deepEqual(await s.currentWeights(), { r1: 2, r2: 3 });
});

test('nedb retention: never inside a write; due after N writes, run by maintain(), which compacts the file', async (t) => {
  const dir = await tmp();
  const s = await openKnowledgeStore(dir, { retention: { maxExecutions: 3, retainEvery: 5 } });
  let passes = 0;
  const retain = s.retain.bind(s);
  s.retain = async () => {
    passes++;
    return retain();
  };
  for (let i = 0; i < 10; i += 1) await s.recordIntent(rec(`k${i}`, { status: 'succeeded', createdAt: `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z` }));
  t.is(passes, 0, 'no write ran retention');
  t.is((await s.findExecutions({})).length, 10);
  t.true(s.retentionDue());
  t.deepEqual((await s.maintain())?.removed, { decisions: 0, executions: 7, outcomes: 0, weights: 0, approvals: 0 });
  t.false(s.retentionDue());
  t.is(await s.maintain(), undefined, 'not due: nothing runs');
  t.deepEqual((await s.findExecutions({})).map((e) => e.key), ['k9', 'k8', 'k7']);
  const lines = (await readFile(join(dir, 'executions.db'), 'utf8')).trim().split('\n').length;
  t.true(lines <= 3 + 6 + 1, `${lines} lines`); // indexes + live docs, superseded lines compacted away
});

test('a store whose owner never calls maintain() stays bounded by the backstop', async (t) => {
  const s = new MemoryKnowledgeStore({ maxExecutions: 3, retainEvery: 2, backstopEvery: 6 });
  for (let i = 0; i < 6; i += 1) await s.recordIntent(rec(`k${i}`, { status: 'succeeded', createdAt: `2026-01-01T00:00:0${i}.000Z` }));
  t.is((await s.findExecutions({})).length, 3, 'the 6th write ran the backstop pass');
  t.is(resolveRetention({ retainEvery: 7 }).backstopEvery, 70);
});

test("saveDecisions: a cycle's decisions in one append; an id already stored is replaced, not duplicated", async (t) => {
  const dir = await tmp();
  const s = await openKnowledgeStore(dir);
  const ds = ['d1', 'd2', 'd3'].map((id, i) => ({ ...decision('i:x', [], []), id, at: `2026-01-01T00:00:0${i}.000Z` }));
  await s.saveDecisions(ds);
  const before = (await readFile(join(dir, 'decisions.db'), 'utf8')).trim().split('\n').filter((l) => !l.includes('$$indexCreated'));
  t.is(before.length, 3);
  await s.saveDecisions([{ ...ds[0]!, derived: { again: true } }, { ...decision('i:x', [], []), id: 'd4', at: '2026-01-01T00:00:09.000Z' }]);
  t.deepEqual((await s.recentDecisions(10)).map((d) => d.id), ['d4', 'd3', 'd2', 'd1']);
  t.deepEqual((await s.getDecision('d1'))?.derived, { again: true });
  await s.saveDecisions([]);
  await s.close();
});

test('verdicts left by the CLI are taken in by syncApprovals on the service side', async (t) => {
  const dir = await tmp();
  const s = await openKnowledgeStore(dir);
  await s.requestApproval({ id: 'a1', key: 'k', decisionId: 'd', ruleId: 'r', incidentId: 'i', action: candidate().action, state: 'waiting', requestedAt: '2026-01-01T00:00:00.000Z' });
  await writeVerdict(dir, { id: 'a1', state: 'rejected', by: 'carol', reason: 'no', at: '2026-01-01T00:01:00.000Z' });
  await writeVerdict(dir, { id: 'unknown', state: 'approved', by: 'carol', at: '2026-01-01T00:01:00.000Z' });
  await appendFile(join(dir, 'approvals-inbox', 'broken.json'), '{');
  const taken = await s.syncApprovals();
  t.deepEqual(taken.map((a) => [a.id, a.state, a.resolvedBy, a.reason]), [['a1', 'rejected', 'carol', 'no']]);
  t.deepEqual(await readdir(join(dir, 'approvals-inbox')), ['broken.json']);
  t.deepEqual(await s.syncApprovals(), []);
});

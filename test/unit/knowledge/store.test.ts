import test from 'ava';
import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openKnowledgeStore, writeVerdict } from '../../../src/knowledge/index.js';
import { resolveRetention } from '../../../src/knowledge/retention.js';
import { candidate, decision } from '../../support/execute-fakes.js';
import { rec as contractRec } from './contract.js';

const tmp = () => mkdtemp(join(tmpdir(), 'mapek-store-'));

const rec = contractRec;

test('the journal store keeps everything across a reopen, with a schema stamp and one file per collection', async (t) => {
  const dir = await tmp();
  const s = await openKnowledgeStore(dir);
  await s.recordIntent(rec('k1'));
  t.true(await s.transition('k1', ['pending'], { status: 'succeeded' }));
  await s.saveWeightChange({ ruleId: 'r1', from: 1, to: 1.5, samples: 2, successRate: 1, reason: 'because', at: '2026-01-01T00:04:00.000Z' });
  await s.close();
  const again = await openKnowledgeStore(dir);
  t.like(await again.getExecution('k1'), { status: 'succeeded' });
  t.deepEqual(await again.currentWeights(), { r1: 1.5 });
  t.deepEqual(again.loadReports(), []);
  t.like(JSON.parse(await readFile(join(dir, 'schema.json'), 'utf8')), { schemaVersion: 1 });
  t.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.db')).sort(), ['approvals.db', 'controller.db', 'decisions.db', 'executions.db', 'outcomes.db', 'weights.db']);
});

test('a torn or corrupt file: the store still opens, quarantines each bad line with its line number and text, cuts off the torn tail', async (t) => {
  const dir = await tmp();
  const s = await openKnowledgeStore(dir);
  for (const k of ['a', 'b', 'c']) await s.recordIntent(rec(k));
  await s.close();
  const file = join(dir, 'executions.db');
  const original = await readFile(file, 'utf8');
  // a garbled line in the middle, a valid-JSON line of the wrong shape, and a torn last write
  const lines = original.trimEnd().split('\n');
  const torn = '{"_id":"d","body":"{\\"key\\":';
  const damaged = [lines[0], 'garbage{{', ...lines.slice(1), '{"_id":"e","status":7}', torn].join('\n');
  await writeFile(file, damaged);
  const reopened = await openKnowledgeStore(dir, { now: () => new Date('2026-02-03T04:05:06.789Z') });
  const [report] = reopened.loadReports();
  const quarantine = `${file}.quarantine`;
  t.deepEqual(report, { file, dropped: 3, lines: [2, lines.length + 2, lines.length + 3], backup: quarantine });
  t.deepEqual((await readFile(quarantine, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as unknown), [
    { at: '2026-02-03T04:05:06.789Z', line: 2, reason: 'not valid JSON', text: 'garbage{{' },
    { at: '2026-02-03T04:05:06.789Z', line: lines.length + 2, reason: 'body: must be a string (missing)', text: '{"_id":"e","status":7}' },
    { at: '2026-02-03T04:05:06.789Z', line: lines.length + 3, reason: 'incomplete last line (an append that never completed)', text: torn },
  ]);
  t.deepEqual(reopened.quarantined().map((q) => [q.collection, q.id, q.file, q.line]), [
    ['executions', undefined, file, 2],
    ['executions', 'e', file, lines.length + 2],
    ['executions', undefined, file, lines.length + 3],
  ]);
  t.deepEqual((await reopened.findExecutions({})).map((r) => r.key).sort(), ['a', 'b', 'c']);
  // the next write is a line of its own (not glued onto the torn one), and compaction drops the bad lines
  await reopened.recordIntent(rec('f'));
  await reopened.retain();
  await reopened.close();
  t.deepEqual((await readFile(file, 'utf8')).trimEnd().split('\n').map((l) => (JSON.parse(l) as { _id: string })._id).sort(), ['a', 'b', 'c', 'f']);
  t.deepEqual((await openKnowledgeStore(dir)).loadReports(), []);
});

test('a sound last line without its newline is kept and the newline added; a FILE~ left by a dead compaction is removed', async (t) => {
  const dir = await tmp();
  const s = await openKnowledgeStore(dir);
  await s.recordIntent(rec('a'));
  await s.close();
  const file = join(dir, 'executions.db');
  await writeFile(file, (await readFile(file, 'utf8')).trimEnd());
  await writeFile(`${file}~`, 'half a compaction');
  const again = await openKnowledgeStore(dir);
  t.deepEqual(again.loadReports(), []);
  t.is((await again.getExecution('a'))?.key, 'a');
  await again.recordIntent(rec('b'));
  await again.close();
  t.deepEqual((await readdir(dir)).filter((f) => f.endsWith('~')), []);
  t.deepEqual((await readFile(file, 'utf8')).split('\n').map((l) => (l === '' ? '' : (JSON.parse(l) as { _id: string })._id)), ['a', 'b', '']);
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

test('a failed update is not seen by reads: memory changes only after the write is durable', async (t) => {
  const dir = await tmp();
  const s = await openKnowledgeStore(dir);
  await s.recordIntent(rec('x'));
  await rm(dir, { recursive: true });
  await writeFile(dir, 'not a directory');
  await t.throwsAsync(s.transition('x', ['pending'], { status: 'applied' }), { name: 'StoreWriteError' });
  await t.throwsAsync(s.saveDecisions([{ ...decision('i:x', [], []), id: 'd9' }]), { name: 'StoreWriteError' });
  t.is((await s.getExecution('x'))?.status, 'pending');
  t.is(await s.getDecision('d9'), undefined);
  t.regex(s.health().writeError ?? '', new RegExp(`^knowledge store write to "${join(dir, 'decisions.db')}" failed: ENOTDIR`));
  // the directory comes back (empty): the next write succeeds and clears the error
  await rm(dir);
  await mkdir(dir);
  t.true(await s.transition('x', ['pending'], { status: 'applied' }));
  t.is(s.health().writeError, undefined);
  t.is((await readFile(join(dir, 'executions.db'), 'utf8')).split('\n').filter((l) => l !== '').length, 1, 'one whole line, no padding');
  await s.close();
});

test('journal retention: never inside a write; due after N writes, run by maintain(), which compacts the file', async (t) => {
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
  t.is(lines, 3, 'live docs only: superseded lines compacted away');
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

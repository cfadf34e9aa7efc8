/**
 * The audit (src/execute/audit.ts) with hand-made execution records against a real
 * reference Charter: every disagreement kind, with its exact message, and the agreeing case.
 */
import test from 'ava';
import { startCharter, type CharterHandle } from '../../../src/charter/index.js';
import { auditKnowledge, compareWithCharter, type AuditReport } from '../../../src/execute/audit.js';
import { CharterClient } from '../../../src/integration/charter-client.js';
import { readWriteLog } from '../../../src/integration/charter-writes.js';
import { MemoryKnowledgeStore } from '../../../src/knowledge/index.js';
import type { ExecutionRecord } from '../../../src/types/execution.js';
import { record } from '../../support/audit-records.js';
import { call, charterForTest } from '../../support/charter.js';

const COMMITTEE = '/api/v1/committees/committee-ops';


const OPS = { id: 'committee-ops', capacity: 4, queueDepth: 0, version: 1 };

async function audit(charter: CharterHandle, records: readonly ExecutionRecord[]): Promise<AuditReport> {
  const store = new MemoryKnowledgeStore();
  for (const r of records) await store.recordIntent(r);
  const client = new CharterClient({ baseUrl: charter.url, retries: 0 });
  try {
    return await auditKnowledge({ store, charter: client, writeLog: () => readWriteLog(client.http) });
  } finally {
    client.http.close();
  }
}

const put = (c: CharterHandle, capacity: number, key?: string) => call(c, 'PUT', COMMITTEE, { body: { capacity }, ...(key ? { headers: { 'idempotency-key': key } } : {}) });
const messages = (r: AuditReport): string[][] => r.disagreements.map((d) => [d.kind, d.message]);

test('records and Charter agree: a scale that succeeded, its retry replayed, a blocked and an unchanged record', async (t) => {
  const c = await charterForTest(t);
  await put(c, 6, 'k1');
  await put(c, 6, 'k1'); // a retry answered from the idempotency cache: not a second landing
  const r = await audit(c, [record('k1', 'succeeded', { prior: OPS }), record('k1#blocked:cycle-2', 'blocked'), record('k2', 'unchanged', { prior: { ...OPS, capacity: 6 } })]);
  t.deepEqual(messages(r), []);
  t.like(r, { history: 'write_log', records: 3, writes: 1, states: 1 });
});

test('unrecorded_write: a write with no Idempotency-Key, and one whose key no record has', async (t) => {
  const c = await charterForTest(t);
  await put(c, 5);
  await call(c, 'PUT', '/api/v1/targets/node-a', { body: { quarantined: true }, headers: { 'idempotency-key': 'stray' } });
  t.deepEqual(messages(await audit(c, [])), [
    ['unrecorded_write', 'write #1 PUT /api/v1/committees/committee-ops landed with no Idempotency-Key: no execution record accounts for it'],
    ['unrecorded_write', 'write #2 PUT /api/v1/targets/node-a (key "stray") landed but no execution record has that key'],
  ]);
});

test('write_missing: the record says applied, no write landed (once: no state check without a write to compare with)', async (t) => {
  const c = await charterForTest(t);
  const r = await audit(c, [record('k1', 'succeeded', { prior: OPS })]);
  t.deepEqual(messages(r), [
    ['write_missing', 'execution exec-k1 (key "k1", succeeded) says its write landed, but no write under its key landed in charter'],
  ]);
});

test('unexpected_write: the record says error (a timeout), but the write landed', async (t) => {
  const c = await charterForTest(t);
  await put(c, 6, 'k1');
  const r = await audit(c, [record('k1', 'error', { prior: OPS })]);
  t.deepEqual(messages(r), [['unexpected_write', 'execution exec-k1 (key "k1", error) says nothing was written, but write #1 PUT /api/v1/committees/committee-ops landed under its key']]);
  t.deepEqual(r.disagreements[0]!.writes, [1]);
});

test('double_apply: the same key landed twice (Charter restarted between, forgetting the key)', async (t) => {
  const c = await charterForTest(t);
  await put(c, 6, 'k1');
  c.restart();
  await put(c, 8, 'k1'); // the retry read capacity 6 again and wrote 6 + 2
  const r = await audit(c, [record('k1', 'succeeded', { prior: OPS })]);
  t.deepEqual(messages(r), [
    ['double_apply', 'execution exec-k1 (key "k1", succeeded): 2 writes landed under one key (#1, #2)'],
    ['state_mismatch', 'committee "committee-ops": charter holds {"capacity":8} but execution exec-k1 (key "k1", succeeded), the last to write it, says {"capacity":6}'],
  ]);
});

test('unrecorded_undo: an undo landed but the record says failed; an undo for a key no record has', async (t) => {
  const c = await charterForTest(t);
  await put(c, 6, 'k1');
  await put(c, 4, 'k1:rollback');
  await call(c, 'PUT', '/api/v1/targets/node-a', { body: { quarantined: true }, headers: { 'idempotency-key': 'gone:rollback' } });
  const r = await audit(c, [record('k1', 'failed', { prior: OPS })]);
  t.deepEqual(messages(r), [
    ['unrecorded_undo', 'undo write #3 PUT /api/v1/targets/node-a (key "gone:rollback") landed but no execution record has key "gone"'],
    ['unrecorded_undo', 'undo write #2 PUT /api/v1/committees/committee-ops (key "k1:rollback") landed but execution exec-k1 (key "k1", failed) does not say it was rolled back'],
  ]);
});

test('rolled back: agrees with an undo write; without one, the missing undo and the state are reported', async (t) => {
  const c = await charterForTest(t);
  await put(c, 6, 'k1');
  await put(c, 4, 'k1:rollback');
  t.deepEqual(messages(await audit(c, [record('k1', 'rolled_back', { prior: OPS })])), []);
  const d = await charterForTest(t);
  await put(d, 6, 'k1');
  t.deepEqual(messages(await audit(d, [record('k1', 'rolled_back', { prior: OPS })])), [
    ['write_missing', 'execution exec-k1 (key "k1", rolled_back) says it was rolled back, but no undo write (key "k1:rollback") landed in charter'],
    ['state_mismatch', 'committee "committee-ops": charter holds {"capacity":6} but execution exec-k1 (key "k1", rolled_back), the last to write it, says {"capacity":4}'],
  ]);
});

test('an undo journaled as its own record (key <key>:rollback) accounts for its write', async (t) => {
  const c = await charterForTest(t);
  await put(c, 6, 'k1');
  await put(c, 4, 'k1:rollback');
  const undoRecord = record('k1:rollback', 'succeeded', { params: { capacity: 4 }, prior: { ...OPS, capacity: 6, version: 2 } });
  t.deepEqual(messages(await audit(c, [record('k1', 'rolled_back', { prior: OPS }), undoRecord])), []);
  t.deepEqual(messages(await audit(c, [record('k1', 'failed', { prior: OPS }), undoRecord])), []);
  t.deepEqual(messages(await audit(c, [record('k1', 'rolled_back', { prior: OPS }), { ...undoRecord, status: 'error' }])), [
    ['unexpected_write', 'execution exec-k1:rollback (key "k1:rollback", error) says nothing was written, but write #2 PUT /api/v1/committees/committee-ops landed under its key'],
  ]);
});

test('state_mismatch: Charter changed behind the last record (outside the API), and a policy that holds another spec', async (t) => {
  const c = await charterForTest(t);
  await put(c, 6, 'k1');
  c.world.setCommittee('committee-ops', { capacity: 3 });
  const pol = (await call(c, 'GET', '/api/v1/policies/pol-pii')).body;
  const audit1 = await audit(c, [record('k1', 'succeeded', { prior: OPS })]);
  t.deepEqual(messages(audit1), [['state_mismatch', 'committee "committee-ops": charter holds {"capacity":3} but execution exec-k1 (key "k1", succeeded), the last to write it, says {"capacity":6}']]);
  t.like(audit1.disagreements[0], { key: 'k1', executionId: 'exec-k1', resource: 'committee "committee-ops"' });
  // set_enforcement_mode audit → Charter still enforces (the write landed, then a fault re-applied a version).
  await call(c, 'POST', '/api/v1/policies', { body: { policyId: 'pol-pii', spec: { ...pol.spec, enforcementMode: 'audit' }, appliedBy: 'mapek' }, headers: { 'idempotency-key': 'k2' } });
  c.faults.inject('bad_rollout', 'pol-pii');
  const r = await audit(c, [record('k1', 'succeeded', { prior: OPS }), record('k2', 'succeeded', { type: 'set_enforcement_mode', target: 'pol-pii', params: { mode: 'audit' }, prior: pol })]);
  const rules = JSON.stringify([...pol.spec.rules, 'deny-all-unlabelled']);
  t.deepEqual(messages(r), [
    messages(audit1)[0]!,
    ['state_mismatch', `policy "pol-pii": charter holds {"enforcementMode":"enforce","name":"${pol.spec.name}","revision":"${pol.spec.revision}+bad","rules":${rules}} but execution exec-k2 (key "k2", succeeded), the last to write it, says {"enforcementMode":"audit","name":"${pol.spec.name}","revision":"${pol.spec.revision}","rules":${JSON.stringify(pol.spec.rules)}}`],
  ]);
});

test('the last writer decides what the state should be; a record naming a target that does not exist is no disagreement', async (t) => {
  const c = await charterForTest(t);
  await put(c, 6, 'k1');
  await put(c, 8, 'k2');
  const r = await audit(c, [record('k1', 'succeeded', { prior: OPS }), record('k2', 'succeeded', { prior: { ...OPS, capacity: 6, version: 2 } }), record('k3', 'error', { target: 'committee-nope' })]);
  t.deepEqual(messages(r), []);
  t.is(r.states, 1);
});

test('without a write log (another Charter): policy versions applied by mapek are matched by the execution id in their reason', async (t) => {
  const c = await startCharter({ tickMs: 0 }); // test API off: no /api/v1/test/writes
  t.teardown(() => c.close());
  const pol = (await call(c, 'GET', '/api/v1/policies/pol-pii')).body;
  const apply = (mode: string, reason: string) => call(c, 'POST', '/api/v1/policies', { body: { policyId: 'pol-pii', spec: { ...pol.spec, enforcementMode: mode }, appliedBy: 'mapek', reason } });
  await apply('audit', 'mapek relax for policy:pol-pii (e1)');
  const ok = await audit(c, [record('k1', 'succeeded', { id: 'e1', type: 'set_enforcement_mode', target: 'pol-pii', params: { mode: 'audit' }, prior: pol })]);
  t.deepEqual(messages(ok), []);
  t.like(ok, { history: 'policy_history', records: 1, writes: 1, states: 1 });
  await apply('disabled', 'mapek relax for policy:pol-pii (e1)');
  await apply('enforce', 'mapek relax for policy:pol-pii (e2)');
  await apply('audit', 'hand edit');
  const r = await audit(c, [record('k1', 'succeeded', { id: 'e1', type: 'set_enforcement_mode', target: 'pol-pii', params: { mode: 'audit' }, prior: pol }), record('k3', 'error', { id: 'e3', type: 'rollback_policy', target: 'pol-access' })]);
  t.deepEqual(messages(r), [
    ['unrecorded_write', 'policy "pol-pii" version 4 was applied by mapek for execution e2, and no execution record of that policy has that id'],
    ['unrecorded_write', 'policy "pol-pii" version 5 was applied by mapek without an execution id in its reason, and no execution record of that policy has that id'],
    ['double_apply', 'execution e1 (key "k1", succeeded): 2 versions of policy "pol-pii" were applied for it (v2, v3)'],
  ]);
  // The spec is as e1 left it (audit), so no state mismatch; the undo of a rolled-back record is told apart by its spec.
  await apply(pol.spec.enforcementMode, 'mapek relax for policy:pol-pii (e1)');
  const undone = await audit(c, [record('k1', 'failed', { id: 'e1', type: 'set_enforcement_mode', target: 'pol-pii', params: { mode: 'audit' }, prior: pol })]);
  const spec = (mode: string) => JSON.stringify({ enforcementMode: mode, name: pol.spec.name, revision: pol.spec.revision, rules: pol.spec.rules });
  t.deepEqual(messages(undone), [
    messages(r)[0]!,
    messages(r)[1]!,
    ['unrecorded_undo', 'policy "pol-pii" v6 undid execution e1, but execution e1 (key "k1", failed) does not say it was rolled back'],
    ['double_apply', 'execution e1 (key "k1", failed): 2 versions of policy "pol-pii" were applied for it (v2, v3)'],
    ['state_mismatch', `policy "pol-pii": charter holds ${spec('enforce')} but execution e1 (key "k1", failed), the last to write it, says ${spec('audit')}`],
  ]);
});

test('compareWithCharter is pure: hand-made writes and state, no Charter', (t) => {
  const w = (id: number, key: string | undefined, capacity: number, applied = true) => ({ id, at: '2026-01-01T00:00:00.000Z', method: 'PUT', path: COMMITTEE, body: { capacity }, ...(key ? { idempotencyKey: key } : {}), status: 200, applied, replayed: !applied });
  const r = compareWithCharter({ records: [record('k1', 'succeeded', { prior: OPS }), record('n1', 'succeeded', { type: 'notify', target: 'oncall', params: { message: 'x' } })], writes: [w(1, 'k1', 6), w(2, 'k1', 6, false)], current: new Map([['committee:committee-ops', { ...OPS, capacity: 6 }]]) });
  t.deepEqual(r, { history: 'write_log', records: 1, writes: 1, states: 1, disagreements: [] });
});

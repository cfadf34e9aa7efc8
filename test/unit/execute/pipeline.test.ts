import test from 'ava';
import { alert, candidate, decision, snapshot, FakeError } from '../../support/execute-fakes.js';
import { harness } from './harness.js';
import { VERIFY_RETRY_MS } from '../../../src/execute/verify-stage.js';

const overload = alert('CommitteeOverloaded', { committee_id: 'c1' });
const snap = snapshot([overload]);

test('applies a chosen action once: read → write with If-Match and Idempotency-Key, then verifies after the settle time', async (t) => {
  const h = harness();
  const d = decision('committee:c1', ['CommitteeOverloaded'], [candidate()]);
  const [r] = await h.executor.execute([d], snap, 'cycle-1');
  t.is(r?.status, 'applied');
  t.deepEqual(r?.prior, { id: 'c1', capacity: 4, queueDepth: 10, version: 1 });
  t.is(h.charter.writes.length, 1);
  t.deepEqual(h.charter.writes[0], { op: 'putCommittee', id: 'c1', body: { capacity: 6 }, opts: { ifMatch: '"c1-v1"', idempotencyKey: 'scale-committee|c1|committee:c1|2026-03-01T11:00:00.000Z' } });
  t.deepEqual(h.executor.pending().map((p) => p.dueAt - h.time.now()), [5_000]);
  t.deepEqual(await h.executor.verifyDue(), []); // not due yet
  const verified = await h.executor.drain();
  t.is(verified[0]?.status, 'succeeded');
  t.is(verified[0]?.verify, 'succeeded');
  t.deepEqual((await h.store.outcomes()).map((o) => [o.ruleId, o.result]), [['scale-committee', 'succeeded']]);
  t.is(h.executor.pending().length, 0);
});

test('a duplicate trigger (same rule, target, incident and episode) never applies twice', async (t) => {
  const h = harness();
  const c = candidate();
  await h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [c])], snap, 'cycle-1');
  const again = await h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [c], [], 'cycle-2')], snap, 'cycle-2');
  t.deepEqual(again, []);
  // two overlapping triggers in flight at once
  const [a, b] = await Promise.all([
    h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [c], [], 'cycle-3')], snap, 'cycle-3'),
    h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [c], [], 'cycle-4')], snap, 'cycle-4'),
  ]);
  t.deepEqual([a, b], [[], []]);
  t.is(h.charter.writes.length, 1);
});

test('a new episode of the same incident (alert re-fired) is a new intent', async (t) => {
  const h = harness();
  const c = candidate();
  await h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [c])], snap, 'cycle-1');
  const refired = snapshot([alert('CommitteeOverloaded', { committee_id: 'c1' }, { startsAt: '2026-03-01T11:30:00.000Z' })]);
  const [r] = await h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [c], [], 'cycle-2')], refired, 'cycle-2');
  t.is(r?.status, 'applied');
  t.is(h.charter.writes.length, 2);
});

test('unchanged: the desired state already holds, nothing is written', async (t) => {
  const h = harness();
  const [r] = await h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [candidate({ params: { capacity: 4 } })])], snap, 'cycle-1');
  t.is(r?.status, 'unchanged');
  t.is(h.charter.writes.length, 0);
  const [v] = await h.executor.drain();
  t.is(v?.status, 'unchanged');
  t.is(v?.verify, 'succeeded');
});

test('retries a retryable error with backoff under the same Idempotency-Key; gives up after the attempts', async (t) => {
  const h = harness({ retry: { attempts: 3, baseMs: 100, maxMs: 150 } });
  h.charter.failWrites = [new FakeError('timeout', true), new FakeError('timeout', true)];
  const [r] = await h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [candidate()])], snap, 'cycle-1');
  t.is(r?.status, 'applied');
  t.deepEqual(h.time.slept, [100, 150]);

  const h2 = harness({ retry: { attempts: 2, baseMs: 10, maxMs: 10 } });
  h2.charter.failWrites = [new FakeError('timeout', true), new FakeError('still timing out', true)];
  const [e] = await h2.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [candidate()])], snap, 'cycle-1');
  t.is(e?.status, 'error');
  t.is(e?.error, 'write failed: still timing out');
  t.is(h2.charter.writes.length, 0);
});

test('a terminal error is not retried', async (t) => {
  const h = harness();
  h.charter.failNext = [new FakeError('forbidden', false)];
  const [r] = await h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [candidate()])], snap, 'cycle-1');
  t.is(r?.status, 'error');
  t.is(r?.error, 'read failed: forbidden');
  t.deepEqual(h.time.slept, []);
});

test('a concurrent change (If-Match conflict) aborts and is recorded, not overwritten', async (t) => {
  const h = harness();
  h.charter.failWrites = [new FakeError('etag mismatch on c1', false, 'CharterConflictError')];
  const [r] = await h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [candidate()])], snap, 'cycle-1');
  t.is(r?.status, 'conflict');
  t.is(r?.error, 'c1 changed concurrently; not overwritten: etag mismatch on c1');
  t.is(h.executor.breaker().failures, 0);
});

test('bad params fail the action with the catalog message', async (t) => {
  const h = harness();
  const [r] = await h.executor.execute([decision('policy:p1', ['PolicyLoadFailure'], [candidate({ type: 'set_enforcement_mode', target: 'p1', params: { mode: 'loud' } })])], snapshot([alert('PolicyLoadFailure', { policy_id: 'p1' })]), 'c');
  t.is(r?.status, 'error');
  t.is(r?.error, 'read failed: action "set_enforcement_mode": param "mode": expected one of enforce, audit, disabled, got "loud"');
});

test('failed verification of a reversible action rolls back to the prior state, then tries the next-best candidate', async (t) => {
  const failing = { all: [{ fact: 'metrics.committeeQueueDepth', operator: 'lessThan', value: 1 }] };
  const h = harness({}, { verify: { [JSON.stringify(failing)]: ['failed'] } });
  const best = candidate({ conditions: failing, priority: 80 });
  // a notify is not an attempt at a fix: the next-best is the next change action
  const tell = candidate({ ruleId: 'notify-oncall', type: 'notify', target: 'oncall', params: { message: 'committee c1 overloaded' }, priority: 90, afterMs: 0 });
  const next = candidate({ ruleId: 'scale-committee-again', priority: 10, afterMs: 0 });
  await h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [best], [tell, next])], snap, 'cycle-1');
  h.monitor.snap = snap;
  const out = await h.executor.drain();
  t.deepEqual(out.map((r) => [r.ruleId, r.status, r.verify]), [
    ['scale-committee', 'rolled_back', 'failed'],
    ['scale-committee-again', 'applied', undefined],
    ['scale-committee-again', 'succeeded', 'succeeded'],
  ]);
  t.deepEqual(h.charter.writes.map((w) => [w.op, w.body, w.opts?.idempotencyKey?.split('|')[0]]), [
    ['putCommittee', { capacity: 6 }, 'scale-committee'],
    ['putCommittee', { capacity: 4 }, 'scale-committee'],
    ['putCommittee', { capacity: 6 }, 'scale-committee-again'],
  ]);
  t.is(h.charter.writes[1]?.opts?.ifMatch, '"c1-v2"');
  t.true(h.charter.writes[1]?.opts?.idempotencyKey?.endsWith(':rollback'));
});

test('failed verification of an irreversible action is recorded failed, never rolled back', async (t) => {
  const h = harness({}, { verify: { '*': ['failed'] } });
  const svc = snapshot([alert('ValidationLatencySLA')]);
  await h.executor.execute([decision('service:charter', ['ValidationLatencySLA'], [candidate({ ruleId: 'reload', type: 'reload_policies', target: 'charter' })])], svc, 'cycle-1');
  const [r] = await h.executor.drain();
  t.is(r?.status, 'failed');
  t.is(h.charter.reloads, 1);
  t.is(h.charter.writes.length, 1);
});

test('inconclusive verification is looked at again, then left in place and a human told: never rolled back, never a failure', async (t) => {
  const h = harness({ verification: { looks: 3, againMs: 5_000 } }, { verify: { '*': ['inconclusive', 'inconclusive', 'inconclusive'] }, alertmanager: true });
  await h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [candidate()])], snap, 'cycle-1');
  const [r] = await h.executor.drain();
  t.is(r?.status, 'inconclusive');
  t.is(r?.looks, 3);
  t.is(h.verify.calls.length, 3);
  t.is(h.charter.writes.length, 1);
  t.is(h.executor.breaker().failures, 0);
  t.deepEqual(h.am.posted.map((a) => a.labels['alertname']), ['MapekNeedsHuman']);
  t.regex(h.am.posted[0]?.annotations?.['summary'] ?? '', /^verification of scale_committee "c1" stayed inconclusive after 3 looks; the action was left in place$/);
});

test('an inconclusive look followed by a clear one gives the clear verdict (looked again, not closed)', async (t) => {
  const h = harness({ verification: { looks: 3, againMs: 5_000 } }, { verify: { '*': ['inconclusive', 'succeeded'] } });
  await h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [candidate()])], snap, 'cycle-1');
  const [r] = await h.executor.drain();
  t.is(r?.status, 'succeeded');
  t.is(r?.looks, 1);
  t.true(h.logs.includes('info verification inconclusive; looking again'));
});

test('a verification that throws is inconclusive and says why', async (t) => {
  const h = harness();
  const bad = { all: [{ fact: 'x', operator: 'equal', value: 1 }] };
  const { createExecutor } = await import('../../../src/execute/index.js');
  const exec = createExecutor({ charter: h.charter, store: h.store, monitor: h.monitor, verify: () => { throw new Error('unknown fact "x"'); }, clock: h.time.now, sleep: h.time.sleep, options: { hysteresis: { minCycles: 1 }, cooldownMs: 0 } });
  await exec.execute([decision('committee:c1', ['CommitteeOverloaded'], [candidate({ conditions: bad })])], snap, 'cycle-1');
  const [r] = await exec.drain();
  t.is(r?.status, 'inconclusive');
  t.is(r?.error, 'verification error: unknown fact "x"');
});

test('rollback is skipped when the target changed since the action', async (t) => {
  const h = harness({}, { verify: { '*': ['failed'] } });
  await h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [candidate()])], snap, 'cycle-1');
  h.charter.committees.set('c1', { id: 'c1', capacity: 9, queueDepth: 0, version: 3 }); // a human scaled it further
  const [r] = await h.executor.drain();
  t.is(r?.status, 'failed');
  t.is(r?.error, 'rollback skipped: "c1" changed since the action');
  t.is(h.charter.writes.length, 1);
});

test('a failed rollback is recorded failed with its error', async (t) => {
  const h = harness({ retry: { attempts: 1 } }, { verify: { '*': ['failed'] } });
  await h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [candidate()])], snap, 'cycle-1');
  h.charter.failWrites = [new FakeError('charter 503', true)];
  const [r] = await h.executor.drain();
  t.is(r?.status, 'failed');
  t.is(r?.error, 'rollback failed: charter 503');
});

test('verification waits when the monitor fails and runs on a later call, put off by VERIFY_RETRY_MS (the controller does not spin on a past due time)', async (t) => {
  const h = harness();
  await h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [candidate()])], snap, 'cycle-1');
  h.time.advance(5_000);
  h.monitor.fail = true;
  t.deepEqual(await h.executor.verifyDue(), []);
  t.true(h.logs.includes('warn verification postponed: monitor failed'));
  t.deepEqual(h.executor.pending().map((p) => p.dueAt - h.time.now()), [VERIFY_RETRY_MS]);
  h.monitor.fail = false;
  t.deepEqual(await h.executor.verifyDue(), [], 'not due again yet');
  h.time.advance(VERIFY_RETRY_MS);
  const [r] = await h.executor.verifyDue();
  t.is(r?.status, 'succeeded');
});

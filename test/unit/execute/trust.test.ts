/**
 * The executor's trust rules (issue #9), each on hand-written fakes: a verdict never rests on
 * data from before the action; only a confident failure undoes; an undo is journaled before
 * its write; a lost answer is read back; a 404 is not a Charter failure; a record the store
 * refuses after a write is kept and written later; one retry owner, bounded in time.
 */
import test from 'ava';
import { MemoryKnowledgeStore } from '../../../src/knowledge/index.js';
import { conditionWindowMs, factWindowMs } from '../../../src/execute/verify-window.js';
import { withRetry } from '../../../src/execute/retry.js';
import { alert, candidate, decision, FakeError, snapshot } from '../../support/execute-fakes.js';
import { harness } from './harness.js';

const snap = snapshot([alert('CommitteeOverloaded', { committee_id: 'c1' })]);
const d = (cycle = 'cycle-1') => decision('committee:c1', ['CommitteeOverloaded'], [candidate({ afterMs: 45_000 })], [], cycle);

test('a verification waits until the facts it reads cover only time after the action landed', async (t) => {
  const h = harness({}, { verify: { '*': ['succeeded'] }, snap: snapshot([], { windows: { alertsMs: 60_000, metricsMs: 60_000 } }) });
  h.monitor.clock = h.time.now;
  const start = h.time.now();
  const [applied] = await h.executor.execute([d()], snap, 'cycle-1');
  t.is(applied?.status, 'applied');
  h.time.advance(45_000); // verify.after: the 60 s window still reaches back before the write
  t.deepEqual(await h.executor.verifyDue(), []);
  t.is(h.verify.calls.length, 0, 'no verdict was computed on data from before the action');
  t.true(h.logs.includes('info verification waits: the data read still covers time before the action'));
  t.is(h.executor.pending()[0]?.dueAt, start + 60_000);
  h.time.advance(15_000);
  const [r] = await h.executor.verifyDue();
  t.is(r?.status, 'succeeded');
  t.is(h.verify.calls.length, 1);
});

test('instant facts (window 0) are judged at the settle time', async (t) => {
  const h = harness({}, { verify: { '*': ['succeeded'] }, snap: snapshot([], { windows: { alertsMs: 0, metricsMs: 60_000 } }) });
  h.monitor.clock = h.time.now;
  await h.executor.execute([d()], snap, 'cycle-1');
  h.time.advance(45_000);
  const [r] = await h.executor.verifyDue(); // the condition reads `severity` (alerts): no look-back
  t.is(r?.status, 'succeeded');
});

test('the window of a fact: metrics by name, alerts, violations, derived facts and named conditions conservatively', (t) => {
  const w = { metricsMs: 60_000, metricMs: { policyVersion: 0, violationRate: 60_000 }, alertsMs: 5_000, violationsMs: 30_000 };
  t.is(factWindowMs({ fact: 'metrics', path: '$.policyVersion' }, w), 0);
  t.is(factWindowMs({ fact: 'metrics', path: '$.violationRate' }, w), 60_000);
  t.is(factWindowMs({ fact: 'metrics', path: '$.unknownOne' }, w), 60_000);
  t.is(factWindowMs({ fact: 'alertnames' }, w), 5_000);
  t.is(factWindowMs({ fact: 'global', path: '$.firingAlertnames' }, w), 5_000);
  t.is(factWindowMs({ fact: 'violations', path: '$.total' }, w), 30_000);
  t.is(factWindowMs({ fact: 'rootCause' }, w), 60_000);
  t.is(factWindowMs({ fact: 'subject' }, w), 0);
  t.is(conditionWindowMs({ all: [{ fact: 'alertnames', operator: 'doesNotContain', value: 'X' }, { not: { fact: 'violations', path: '$.total', operator: 'greaterThan', value: 0 } }] }, w), 30_000);
  t.is(conditionWindowMs({ any: [{ condition: 'someNamed' }] }, w), 60_000);
  t.is(conditionWindowMs({ all: [] }, w), 0);
});

test('the undo is journaled (rolling_back, its own key) before its write is sent', async (t) => {
  let seen: unknown;
  const store = new MemoryKnowledgeStore();
  const h = harness({}, {
    store,
    verify: { '*': ['failed'] },
    hooks: { beforeUndo: async (key) => { seen = await store.getExecution(key); } },
  });
  const c = candidate({ ruleId: 'rollback-p1', type: 'rollback_policy', target: 'p1', afterMs: 0 });
  await h.executor.execute([decision('policy:p1', ['CriticalViolationDetected'], [c])], snapshot([alert('CriticalViolationDetected', { policy_id: 'p1' })]), 'cycle-1');
  const [r] = await h.executor.drain();
  t.like(seen, { status: 'rolling_back', verify: 'failed', undo: { key: `${r?.key}:rollback`, reason: 'verification failed' } });
  t.is(r?.status, 'rolled_back');
  t.truthy(r?.undo?.sentAt);
  t.truthy(r?.undo?.doneAt);
  t.deepEqual(h.charter.writes.map((w) => w.opts?.idempotencyKey), [r?.key, `${r?.key}:rollback`]);
});

test('a write whose answer is lost but which landed is recorded applied (read back) and verified', async (t) => {
  const h = harness({ retry: { attempts: 1 } }, { verify: { '*': ['succeeded'] } });
  // The write lands, then its answer is lost.
  const put = h.charter.putCommittee.bind(h.charter);
  h.charter.putCommittee = async (id, body, opts) => {
    await put(id, body, opts);
    throw Object.assign(new FakeError('PUT http://charter/api/v1/committees/c1 timed out after 5000 ms', true, 'HttpTimeoutError'), { status: 0 });
  };
  const [r] = await h.executor.execute([d()], snap, 'cycle-1');
  t.is(r?.status, 'applied');
  t.regex(r?.note ?? '', /^answer lost \(PUT .* timed out after 5000 ms\); landed, confirmed by reading back$/);
  t.is(r?.error, undefined);
  const [v] = await h.executor.drain();
  t.is(v?.status, 'succeeded');
});

test('a write that failed with no answer and did not land is recorded not applied', async (t) => {
  const h = harness({ retry: { attempts: 2, baseMs: 1, maxMs: 1 } });
  h.charter.failWrites = [0, 1].map(() => Object.assign(new FakeError('PUT committees/c1 answered 503', true, 'CharterApiError'), { status: 503 }));
  const [r] = await h.executor.execute([d()], snap, 'cycle-1');
  t.is(r?.status, 'error');
  t.is(r?.error, 'write failed, not applied (read back: unchanged): PUT committees/c1 answered 503');
  t.is(h.charter.writes.length, 0);
});

test('a write whose outcome cannot be read back stays pending and is reconciled in-process', async (t) => {
  const h = harness({ retry: { attempts: 1 } }, { verify: { '*': ['succeeded'] } });
  const timeout = (): Error => Object.assign(new FakeError('timed out', true, 'HttpTimeoutError'), { status: 0 });
  const put = h.charter.putCommittee.bind(h.charter);
  let lose = true;
  h.charter.putCommittee = async (id, body, opts) => {
    await put(id, body, opts);
    if (lose) {
      lose = false;
      h.charter.failNext = [timeout()]; // and the read-back fails too
      throw timeout();
    }
    return put(id, body, opts);
  };
  const [r] = await h.executor.execute([d()], snap, 'cycle-1');
  t.is(r?.status, 'pending');
  t.regex(r?.error ?? '', /^write outcome unknown \(timed out\); read-back failed \(timed out\); reconciling$/);
  t.is(h.executor.debt().reconciling, 1);
  const next = await h.executor.execute([], snap, 'cycle-2');
  t.like(next.find((x) => x.key === r?.key), { status: 'applied' });
  t.is(h.executor.debt().reconciling, 0);
  t.is(h.charter.writes.length, 1, 'not written twice');
});

test('a 404 is target_not_found: not a breaker failure, no outcome for the learner', async (t) => {
  const h = harness({ breaker: { failures: 1 } });
  const notFound = (): Error => Object.assign(new FakeError('GET committees/ghost answered 404 not_found: committee "ghost" not found', false, 'CharterApiError'), { status: 404 });
  const ghost = (cycle: string) => decision('committee:ghost', ['CommitteeOverloaded'], [candidate({ target: 'ghost' })], [], cycle);
  for (const cycle of ['a', 'b', 'c']) {
    h.charter.failNext = [notFound()];
    const [r] = await h.executor.execute([ghost(cycle)], snapshot([alert('CommitteeOverloaded', { committee_id: 'ghost' }, { startsAt: `2026-03-01T11:0${cycle.charCodeAt(0) - 96}:00.000Z` })]), cycle);
    t.is(r?.status, 'target_not_found');
    t.regex(r?.error ?? '', /^"ghost" does not exist in Charter: /);
  }
  t.is(h.executor.breaker().mode, 'closed');
  t.is(h.executor.breaker().failures, 0);
  t.deepEqual(await h.store.outcomes(), []);
});

test('Charter failing (5xx, timeouts) still counts on the breaker', async (t) => {
  const h = harness({ breaker: { failures: 1 }, retry: { attempts: 1 } });
  h.charter.failNext = [Object.assign(new FakeError('GET committees/c1 answered 503', true, 'CharterApiError'), { status: 503 })];
  const [r] = await h.executor.execute([d()], snap, 'cycle-1');
  t.is(r?.status, 'error');
  t.is(h.executor.breaker().mode, 'open');
});

test('a record the store refuses after the write is kept, written once the store works, and shown as debt', async (t) => {
  const store = new MemoryKnowledgeStore();
  const h = harness({}, { store, verify: { '*': ['succeeded'] } });
  const real = store.updateExecution.bind(store);
  let broken = false;
  store.updateExecution = async (key, patch) => {
    if (broken) throw new Error("EPERM: operation not permitted, open 'knowledge/executions.db'");
    return real(key, patch);
  };
  const c = candidate({ afterMs: 45_000 });
  const origPut = h.charter.putCommittee.bind(h.charter);
  h.charter.putCommittee = async (id, body, opts) => {
    const out = await origPut(id, body, opts);
    broken = true; // the store fails right after Charter took the write
    return out;
  };
  const [r] = await h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [c])], snap, 'cycle-1');
  t.is(r?.status, 'applied', 'the executor knows the truth');
  t.is((await store.getExecution(r?.key ?? ''))?.status, 'pending', 'the store is behind');
  t.deepEqual(h.executor.debt(), { behind: 1, reconciling: 0 });
  t.true(h.logs.includes('error execution record not written; kept and retried until it is'));
  await h.executor.execute([], snap, 'cycle-2'); // still broken: kept
  t.is(h.executor.debt().behind, 1);
  broken = false;
  h.time.advance(5_000); // past the backoff
  await h.executor.execute([], snap, 'cycle-3');
  t.deepEqual(h.executor.debt(), { behind: 0, reconciling: 0 });
  t.like(await store.getExecution(r?.key ?? ''), { status: 'applied' });
  t.is(h.charter.writes.length, 1);
});

test('one retry owner bounded in total time: no new attempt after totalMs', async (t) => {
  let now = 0;
  let calls = 0;
  const err = Object.assign(new Error('timed out'), { retryable: true });
  const fn = async (): Promise<never> => {
    calls += 1;
    now += 5_000; // each attempt times out after 5 s
    throw err;
  };
  await t.throwsAsync(withRetry(fn, { attempts: 10, baseMs: 200, maxMs: 5_000, totalMs: 12_000 }, async (ms) => { now += ms; }, () => now), { is: err });
  // attempts start at 0, 5.2 and 10.6 s; a fourth would start at 16.4 s, past the bound:
  // one write takes at most totalMs + one request timeout (17 s here, was 6 × 5 s + backoffs).
  t.is(calls, 3);
  t.true(now <= 12_000 + 5_000);
});

test('a released intent no cycle runs again within releasedTtlMs is closed abandoned', async (t) => {
  const h = harness({ releasedTtlMs: 600_000 });
  const r = { key: 'k|c1|committee:c1|e1', id: 'x1', decisionId: 'd', cycleId: 'c', ruleId: 'scale', incidentId: 'committee:c1', incidentKind: 'CommitteeOverloaded', action: candidate().action, status: 'released' as const, createdAt: new Date(h.time.now()).toISOString(), updatedAt: new Date(h.time.now()).toISOString() };
  await h.store.recordIntent(r);
  t.deepEqual((await h.executor.recover()).map((x) => x.status), []);
  h.time.advance(600_001);
  const [closed] = await h.executor.recover();
  t.is(closed?.status, 'abandoned');
  t.is(closed?.error, 'released and not proposed again within 600s; nothing was written');
  t.is(h.charter.writes.length, 0);
});

test('a write found landed at recovery keeps the time it was sent as appliedAt (the cooldown counts from the write)', async (t) => {
  const h = harness();
  const sentAt = new Date(h.time.now() - 120_000).toISOString();
  const prior = { ...h.charter.committees.get('c1')! };
  h.charter.committees.set('c1', { ...prior, capacity: prior.capacity + 2, version: prior.version + 1 }); // the write landed
  await h.store.recordIntent({ key: 'scale|c1|committee:c1|e', id: 'x-sent', decisionId: 'd', cycleId: 'c', ruleId: 'scale', incidentId: 'committee:c1', incidentKind: 'CommitteeOverloaded', action: candidate().action, status: 'pending', prior, sentAt, createdAt: sentAt, updatedAt: sentAt });
  const [r] = await h.executor.recover();
  t.is(r?.status, 'applied');
  t.is(r?.appliedAt, sentAt);
  t.is(h.charter.writes.length, 0, 'confirmed, not re-sent');
});

test('a shadow rule\'s would-be action is recorded once per episode with status shadow, and never executed', async (t) => {
  const h = harness();
  const live = candidate({ ruleId: 'scale-live' });
  const shadow = candidate({ ruleId: 'scale-shadow', params: { delta: 4 } });
  const dec = (cycle: string) => ({ ...decision('committee:c1', ['CommitteeOverloaded'], [live], [], cycle), shadow: { candidates: [shadow], chosen: [shadow] } });
  const first = await h.executor.execute([dec('cycle-1')], snap, 'cycle-1');
  const recorded = first.filter((r) => r.status === 'shadow');
  t.deepEqual(recorded.map((r) => [r.ruleId, r.key.endsWith('#shadow')]), [['scale-shadow', true]]);
  t.deepEqual(h.charter.writes.map((w) => w.opts?.idempotencyKey), [first.find((r) => r.ruleId === 'scale-live')?.key], 'only the live action wrote');
  const again = await h.executor.execute([dec('cycle-2')], snap, 'cycle-2');
  t.deepEqual(again.filter((r) => r.status === 'shadow'), [], 'once per episode');
  t.is((await h.store.findExecutions({ status: ['shadow'] })).length, 1);
});

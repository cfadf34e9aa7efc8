import test from 'ava';
import { alert, candidate, decision, snapshot } from '../../support/execute-fakes.js';
import { harness } from './harness.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryKnowledgeStore, openKnowledgeStore } from '../../../src/knowledge/index.js';
import type { ExecutionRecord } from '../../../src/types/execution.js';

const overload = alert('CommitteeOverloaded', { committee_id: 'c1' });
const snap = snapshot([overload]);
const dec = (c = candidate(), cycle = 'cycle-1') => decision('committee:c1', ['CommitteeOverloaded'], [c], [], cycle);
const brief = (rs: readonly ExecutionRecord[]) => rs.map((r) => [r.status, r.guard, r.guardDetail]);

test('dry run plans and records, never writes', async (t) => {
  const h = harness({ dryRun: true });
  const out = await h.executor.execute([dec()], snap, 'cycle-1');
  t.deepEqual(brief(out), [['blocked', 'dry_run', 'dry run: would scale_committee "c1"']]);
  t.is(h.charter.writes.length, 0);
  t.is((await h.store.findExecutions({ status: ['blocked'] })).length, 1);
});

test('per-target cooldown: the proposal’s cooldown or the floor, whichever is longer; survives in the store', async (t) => {
  const h = harness({ cooldownMs: 60_000 });
  await h.executor.execute([dec(candidate({ cooldownMs: 120_000 }))], snap, 'cycle-1');
  await h.executor.drain();
  const other = candidate({ ruleId: 'other-rule', cooldownMs: 0 });
  // a re-fire (started after the fix), so that the cooldown and not already_remediated is what stops it
  const refired = snapshot([alert('CommitteeOverloaded', { committee_id: 'c1' }, { startsAt: new Date(h.time.now()).toISOString() })]);
  const out = await h.executor.execute([dec(other, 'cycle-2')], refired, 'cycle-2');
  t.deepEqual(brief(out), [['blocked', 'cooldown', '"c1" was acted on 5s ago; cooldown 60s']]);
  h.time.advance(60_000);
  t.deepEqual(brief(await h.executor.execute([dec(other, 'cycle-3')], refired, 'cycle-3')), [['applied', undefined, undefined]]);
});

test('cooldown is per target and per kind of action: a notification never blocks the remediation of the same policy, nor the reverse', async (t) => {
  // shipped-like: notify-policy-high-risk (cooldown 30m) and a rollback (5m) on one policy
  const h = harness({ cooldownMs: 60_000 });
  const crit = snapshot([alert('CriticalViolationDetected', { policy_id: 'p1' })]);
  const notify = candidate({ ruleId: 'notify-policy-high-risk', type: 'notify', target: 'p1', params: { message: 'p1 is bad' }, cooldownMs: 30 * 60_000, afterMs: 30 * 60_000 });
  const rollback = candidate({ ruleId: 'rollback-bad-rollout', type: 'rollback_policy', target: 'p1', cooldownMs: 5 * 60_000 });
  const onP1 = (cs: ReturnType<typeof candidate>[], cycle: string) => decision('policy:p1', ['CriticalViolationDetected'], cs, [], cycle);
  const out = await h.executor.execute([onP1([notify, rollback], 'cycle-1')], crit, 'cycle-1');
  t.deepEqual(out.map((r) => [r.action.type, r.status]), [['notify', 'applied'], ['rollback_policy', 'applied']]);
  t.is(h.charter.writes.filter((w) => w.op === 'applyPolicy').length, 1);

  // a later episode, 10 minutes on: the remediation's cooldown is over, the notification's is not
  h.time.advance(10 * 60_000);
  const later = snapshot([alert('CriticalViolationDetected', { policy_id: 'p1' }, { startsAt: '2026-03-01T12:05:00.000Z' })]);
  const rollback2 = candidate({ ruleId: 'rollback-bad-rollout', type: 'rollback_policy', target: 'p1', params: { toVersion: 2 }, cooldownMs: 5 * 60_000 });
  const out2 = await h.executor.execute([onP1([notify, rollback2], 'cycle-2')], later, 'cycle-2');
  t.deepEqual(brief(out2.filter((r) => r.cycleId === 'cycle-2')), [
    ['blocked', 'cooldown', '"p1" was notified about 600s ago; cooldown 1800s'],
    ['applied', undefined, undefined],
  ]);
});

test('hysteresis: acts only after N consecutive cycles; a gap starts over; or once the alert is old enough', async (t) => {
  const h = harness({ hysteresis: { minCycles: 3, minFiringMs: 0 } });
  const c = candidate();
  t.deepEqual(brief(await h.executor.execute([dec(c, 'a')], snap, 'a')), [['blocked', 'hysteresis', 'seen in 1 consecutive cycle(s), needs 3']]);
  t.deepEqual(brief(await h.executor.execute([dec(c, 'b')], snap, 'b')), [['blocked', 'hysteresis', 'seen in 2 consecutive cycle(s), needs 3']]);
  await h.executor.execute([], snap, 'gap');
  t.deepEqual(brief(await h.executor.execute([dec(c, 'c')], snap, 'c')), [['blocked', 'hysteresis', 'seen in 1 consecutive cycle(s), needs 3']]);
  await h.executor.execute([dec(c, 'd')], snap, 'd');
  t.deepEqual(brief(await h.executor.execute([dec(c, 'e')], snap, 'e')), [['applied', undefined, undefined]]);

  const old = harness({ hysteresis: { minCycles: 5, minFiringMs: 30 * 60_000 } });
  t.deepEqual(brief(await old.executor.execute([dec(c, 'a')], snap, 'a')), [['applied', undefined, undefined]]); // firing since 11:00, now 12:00
});

test('global and per-type rate limits (token buckets refill over time)', async (t) => {
  const h = harness({ rateLimit: { global: { burst: 2, perMinute: 1 }, perType: { burst: 5, perMinute: 5 } } });
  const on = (target: string, type = 'quarantine_target' as const) => decision(`target:${target}`, ['TargetViolatingManyPolicies'], [candidate({ ruleId: 'q', type, target, risk: 'low' })]);
  const s = snapshot(['n1', 'n2', 'n3'].map((n) => alert('TargetViolatingManyPolicies', { node_or_service: n })));
  h.charter.targets = new Map(Array.from({ length: 20 }, (_, i) => [`n${i}`, { id: `n${i}`, quarantined: false, version: 1 }]));
  const out = await h.executor.execute([on('n1'), on('n2'), on('n3')], s, 'c1');
  t.deepEqual(brief(out).map((b) => b[1] ?? b[0]), ['applied', 'applied', 'rate_limit_global']);
  t.is(out[2]?.guardDetail, 'more than 1 action(s) per minute (burst 2)');

  const ty = harness({ rateLimit: { global: { burst: 10, perMinute: 10 }, perType: { burst: 1, perMinute: 1 }, types: { notify: { burst: 5, perMinute: 5 } } } });
  ty.charter.targets = new Map(Array.from({ length: 20 }, (_, i) => [`n${i}`, { id: `n${i}`, quarantined: false, version: 1 }]));
  const o2 = await ty.executor.execute([on('n1'), on('n2')], s, 'c1');
  t.deepEqual(brief(o2).map((b) => b[1] ?? b[0]), ['applied', 'rate_limit_type']);
  t.is(o2[1]?.guardDetail, 'more than 1 quarantine_target action(s) per minute (burst 1)');
  ty.time.advance(60_000);
  t.deepEqual(brief(await ty.executor.execute([on('n3')], s, 'c2')).map((b) => b[0]), ['succeeded', 'applied']); // n1 verified first
});

test('max concurrent: applied-but-unverified actions count until verified', async (t) => {
  const h = harness({ maxConcurrent: 1 });
  const s = snapshot([overload, alert('CommitteeOverloaded', { committee_id: 'c2' })]);
  h.charter.committees.set('c2', { id: 'c2', capacity: 4, queueDepth: 9, version: 1 });
  const d2 = decision('committee:c2', ['CommitteeOverloaded'], [candidate({ target: 'c2' })]);
  const out = await h.executor.execute([dec(), d2], s, 'c1');
  t.deepEqual(brief(out), [['applied', undefined, undefined], ['blocked', 'max_concurrent', '1 action(s) in flight, at most 1']]);
  await h.executor.drain();
  const d3 = decision('committee:c2', ['CommitteeOverloaded'], [candidate({ target: 'c2' })], [], 'c2');
  t.deepEqual(brief(await h.executor.execute([d3], s, 'c2')).map((b) => b[0]), ['applied']);
});

test('circuit breaker: N failures open it, raise an alert, stop acting; after openMs one trial; success closes it', async (t) => {
  const h = harness({ breaker: { failures: 2, windowMs: 600_000, openMs: 60_000 } }, { verify: { '*': ['failed', 'failed'] }, alertmanager: true });
  const svc = (n: number) => snapshot([alert('ValidationLatencySLA', {}, { startsAt: `2026-03-01T11:0${n}:00.000Z` })]);
  const reload = (cycle: string) => decision('service:charter', ['ValidationLatencySLA'], [candidate({ ruleId: 'reload', type: 'reload_policies', target: 'charter', afterMs: 0 })], [], cycle);
  h.monitor.snap = svc(1);
  await h.executor.execute([reload('a')], svc(1), 'a');
  await h.executor.drain();
  t.is(h.executor.breaker().mode, 'closed');
  await h.executor.execute([reload('b')], svc(2), 'b');
  await h.executor.drain();
  t.like(h.executor.breaker(), { mode: 'open', failures: 2 });
  // (each failed incident with no attempt left is also escalated: MapekEscalation, tested in escalate.test.ts)
  t.deepEqual(h.am.posted.filter((a) => a.labels['alertname'] !== 'MapekEscalation').map((a) => [a.labels['alertname'], a.annotations?.['summary']]), [['MapekCircuitOpen', 'mapek stopped acting: 2 failure(s) within 600s']]);
  t.true(h.logs.includes('warn circuit breaker opened'));
  const blocked = await h.executor.execute([reload('c')], svc(3), 'c');
  t.is(blocked[0]?.guard, 'circuit_open');
  t.regex(blocked[0]?.guardDetail ?? '', /^circuit breaker open after 2 failure\(s\); trial at /);
  h.time.advance(60_000);
  t.is(h.executor.breaker().mode, 'half_open');
  const trial = await h.executor.execute([reload('d')], svc(4), 'd');
  t.is(trial[0]?.status, 'applied');
  await h.executor.drain();
  t.is(h.executor.breaker().mode, 'closed');
});

test('a failure in half-open state reopens the breaker', async (t) => {
  const h = harness({ breaker: { failures: 1, windowMs: 600_000, openMs: 1_000 } }, { verify: { '*': ['failed', 'failed'] } });
  const svc = (n: number) => snapshot([alert('ValidationLatencySLA', {}, { startsAt: `2026-03-01T11:0${n}:00.000Z` })]);
  const reload = (cycle: string) => decision('service:charter', ['ValidationLatencySLA'], [candidate({ ruleId: 'reload', type: 'reload_policies', target: 'charter', afterMs: 0 })], [], cycle);
  await h.executor.execute([reload('a')], svc(1), 'a');
  await h.executor.drain();
  t.is(h.executor.breaker().mode, 'open');
  h.time.advance(1_000);
  await h.executor.execute([reload('b')], svc(2), 'b');
  await h.executor.drain();
  t.is(h.executor.breaker().mode, 'open');
});

test('the circuit breaker is kept in the store: a restart (crash loop) keeps it open; a closing success is kept too', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mapek-breaker-'));
  const opts = { breaker: { failures: 2, windowMs: 600_000, openMs: 60_000 } };
  const svc = (n: number) => snapshot([alert('ValidationLatencySLA', {}, { startsAt: `2026-03-01T11:0${n}:00.000Z` })]);
  const reload = (cycle: string) => decision('service:charter', ['ValidationLatencySLA'], [candidate({ ruleId: 'reload', type: 'reload_policies', target: 'charter', afterMs: 0 })], [], cycle);
  const start = async (at: number, verify: Record<string, ('succeeded' | 'failed')[]>) => {
    const store = await openKnowledgeStore(dir);
    const h = harness(opts, { store, verify });
    h.time.advance(at - h.time.now());
    await h.executor.recover();
    return h;
  };
  const h1 = await start(Date.parse('2026-03-01T12:00:00.000Z'), { '*': ['failed', 'failed'] });
  await h1.executor.execute([reload('a')], svc(1), 'a');
  await h1.executor.drain();
  await h1.executor.execute([reload('b')], svc(2), 'b');
  await h1.executor.drain();
  t.like(h1.executor.breaker(), { mode: 'open', failures: 2 });
  await h1.store.close();

  // restarted 10 s later: still open, so the next action is refused
  const h2 = await start(h1.time.now() + 10_000, { '*': ['succeeded'] });
  t.like(h2.executor.breaker(), { mode: 'open', failures: 2 });
  t.true(h2.logs.includes('info circuit breaker restored'));
  const blocked = await h2.executor.execute([reload('c')], svc(3), 'c');
  t.deepEqual(blocked.map((r) => r.guard), ['circuit_open']);
  t.is(h2.charter.reloads, 0);
  // after openMs the trial succeeds and closes it; that is kept as well
  h2.time.advance(60_000);
  t.is((await h2.executor.execute([reload('d')], svc(4), 'd'))[0]?.status, 'applied');
  await h2.executor.drain();
  t.is(h2.executor.breaker().mode, 'closed');
  await h2.store.close();
  const h3 = await start(h2.time.now() + 1_000, {});
  t.like(h3.executor.breaker(), { mode: 'closed', failures: 0 });
  t.deepEqual(await h3.store.loadControllerState('circuit-breaker'), { failures: [] });
  await h3.store.close();
});

test('a stored breaker state that is not understood is ignored with a warning; a store that cannot be read starts closed', async (t) => {
  const store = new MemoryKnowledgeStore();
  await store.saveControllerState('circuit-breaker', { failures: 'many' });
  const h = harness({}, { store });
  await h.executor.recover();
  t.true(h.logs.includes('warn stored circuit-breaker state ignored: not { failures: number[], openedAt?: number }'));
  t.is(h.executor.breaker().mode, 'closed');
  const broken = new MemoryKnowledgeStore();
  broken.loadControllerState = async () => {
    throw new Error('EIO');
  };
  broken.saveControllerState = async () => {
    throw new Error('ENOSPC');
  };
  const h2 = harness({}, { store: broken, verify: { '*': ['failed'] } });
  await h2.executor.execute([dec()], snap, 'c');
  t.true(h2.logs.includes('error could not load the circuit-breaker state; starting closed'));
  await h2.executor.drain();
  t.true(h2.logs.includes('error could not save the circuit-breaker state'));
  t.is(h2.executor.breaker().failures, 1, 'the breaker still counts in memory');
});

test('blast radius: never quarantine beyond the share, from Charter’s target list or else the metric', async (t) => {
  const h = harness({ maxQuarantineShare: 0.2, approvalRisk: 'none' });
  const q = (n: string, cycle = 'c') => decision(`target:${n}`, ['TargetViolatingManyPolicies'], [candidate({ ruleId: 'q', type: 'quarantine_target', target: n, risk: 'high' })], [], cycle);
  const s = snapshot(['node-1', 'node-2', 'node-3'].map((n) => alert('TargetViolatingManyPolicies', { node_or_service: n })));
  const out = await h.executor.execute([q('node-1'), q('node-2'), q('node-3')], s, 'c');
  t.deepEqual(out.map((r) => r.guard ?? r.status), ['applied', 'applied', 'blast_radius']);
  t.is(out[2]?.guardDetail, 'quarantining would exceed 20% of targets (3 of 10 targets)');

  const m = harness({ maxQuarantineShare: 0.2, approvalRisk: 'none' });
  m.charter.listTargetsFails = true;
  const share = (v: number) => snapshot(s.alerts, { metrics: { quarantinedShare: [{ labels: {}, value: v }] } });
  t.is((await m.executor.execute([q('node-1')], share(0.25), 'c'))[0]?.guardDetail, 'quarantining would exceed 20% of targets (metrics.quarantinedShare 0.25 before this one)');
  t.is((await m.executor.execute([q('node-2', 'd')], share(0.1), 'd'))[0]?.status, 'applied');
  t.is((await m.executor.execute([q('node-3', 'e')], s, 'e'))[0]?.guardDetail, "blast radius unknown: Charter's target list and metrics.quarantinedShare are unavailable");
});

test('approval: a high-risk action waits; approve lets it run once on the next cycle', async (t) => {
  const h = harness();
  const s = snapshot([alert('TargetViolatingManyPolicies', { node_or_service: 'node-1' })]);
  const q = (cycle: string) => decision('target:node-1', ['TargetViolatingManyPolicies'], [candidate({ ruleId: 'q', type: 'quarantine_target', target: 'node-1', risk: 'high' })], [], cycle);
  const [w] = await h.executor.execute([q('a')], s, 'a');
  t.is(w?.status, 'awaiting_approval');
  t.is(w?.guardDetail, 'high-risk quarantine_target on "node-1" waits for mapek approve');
  t.deepEqual((await h.store.listApprovals(['waiting'])).map((a) => a.id), [w?.id]);
  t.deepEqual(await h.executor.execute([q('b')], s, 'b'), []); // still waiting: nothing new recorded
  t.is(h.charter.writes.length, 0);
  await h.store.resolveApproval(w?.id ?? '', 'approved', 'alice');
  const [r] = await h.executor.execute([q('c')], s, 'c');
  t.is(r?.status, 'applied');
  t.is(r?.key, w?.key);
  t.deepEqual(await h.executor.execute([q('d')], s, 'd'), []);
  t.is(h.charter.writes.length, 1);
});

test('approval: reject closes the intent on the next cycle; a stale approval expires', async (t) => {
  const h = harness({ approvalTtlMs: 60_000 });
  const s = snapshot([alert('TargetViolatingManyPolicies', { node_or_service: 'node-1' }), alert('TargetViolatingManyPolicies', { node_or_service: 'node-2' })]);
  const q = (n: string, cycle: string) => decision(`target:${n}`, ['TargetViolatingManyPolicies'], [candidate({ ruleId: 'q', type: 'quarantine_target', target: n, risk: 'high' })], [], cycle);
  const [w1, w2] = await h.executor.execute([q('node-1', 'a'), q('node-2', 'a')], s, 'a');
  await h.store.resolveApproval(w1?.id ?? '', 'rejected', 'bob', 'not during the launch');
  await h.executor.execute([], s, 'b');
  t.like(await h.store.getExecution(w1?.key ?? ''), { status: 'rejected', error: 'rejected by bob: not during the launch' });
  h.time.advance(60_000);
  const [e] = await h.executor.execute([q('node-2', 'c')], s, 'c');
  t.like(e, { status: 'blocked', guard: 'approval_required', guardDetail: 'approval expired after 60s' });
  t.is(e?.key, w2?.key);
  t.is(h.charter.writes.length, 0);
});

test('never acts on a resolved alert', async (t) => {
  const h = harness();
  const resolved = snapshot([alert('CommitteeOverloaded', { committee_id: 'c1' }, { state: 'resolved' })]);
  t.deepEqual(brief(await h.executor.execute([dec()], resolved, 'a')), [['blocked', 'alert_resolved', 'CommitteeOverloaded resolved']]);
  t.deepEqual(brief(await h.executor.execute([dec(candidate(), 'b')], snapshot([]), 'b')), [['blocked', 'alert_resolved', 'CommitteeOverloaded no longer in the snapshot']]);
  t.is(h.charter.writes.length, 0);
});

test('respects Alertmanager silences (configurable)', async (t) => {
  const silenced = snapshot([alert('CommitteeOverloaded', { committee_id: 'c1' }, { silenced: true })]);
  const h = harness();
  t.deepEqual(brief(await h.executor.execute([dec()], silenced, 'a')), [['blocked', 'silenced', 'CommitteeOverloaded silenced in Alertmanager']]);
  const off = harness({ respectSilences: false });
  t.is((await off.executor.execute([dec()], silenced, 'a'))[0]?.status, 'applied');
});

test('maintenance windows: explicit ranges and weekly UTC windows', async (t) => {
  const h = harness({ maintenance: [{ start: '2026-03-01T11:30:00Z', end: '2026-03-01T12:30:00Z' }] });
  t.deepEqual(brief(await h.executor.execute([dec()], snap, 'a')), [['blocked', 'maintenance_window', 'inside maintenance window 2026-03-01T11:30:00Z–2026-03-01T12:30:00Z']]);
  // 2026-03-01 is a Sunday
  const w = harness({ maintenance: [{ days: ['sun'], from: '11:00', to: '13:00' }] });
  t.is((await w.executor.execute([dec()], snap, 'a'))[0]?.guardDetail, 'inside maintenance window sun 11:00–13:00 UTC');
  const other = harness({ maintenance: [{ days: ['mon'], from: '11:00', to: '13:00' }] });
  t.is((await other.executor.execute([dec()], snap, 'a'))[0]?.status, 'applied');
});

test('Charter known down: no write is attempted (notify still goes)', async (t) => {
  const h = harness();
  const down = snapshot([overload], { sources: { charter: { ok: false, error: 'connect ECONNREFUSED' } } });
  t.deepEqual(brief(await h.executor.execute([dec()], down, 'a')), [['blocked', 'charter_unavailable', 'Charter unavailable: connect ECONNREFUSED']]);
  const n = candidate({ ruleId: 'n', type: 'notify', target: 'oncall', params: { message: 'hi' } });
  t.is((await h.executor.execute([dec(n, 'b')], down, 'b'))[0]?.status, 'applied');
});

test('a store write error fails the action safely: no Charter write without a recorded intent', async (t) => {
  const h = harness();
  const store = h.store as unknown as { recordIntent: () => Promise<boolean> };
  store.recordIntent = async () => {
    throw new Error('ENOSPC: no space left on device');
  };
  const [r] = await h.executor.execute([dec()], snap, 'a');
  t.is(r?.status, 'error');
  t.is(r?.error, 'intent not recorded: ENOSPC: no space left on device');
  t.is(h.charter.writes.length, 0);
  t.true(h.logs.includes('error intent not recorded; action not applied'));
});

test('already remediated: after a verified fix, another change for the alerts that were firing then is held back; a re-fire, notify and the fallback are not', async (t) => {
  const h = harness();
  const fix = candidate({ ruleId: 'scale-it' });
  t.deepEqual(brief(await h.executor.execute([dec(fix)], snap, 'cycle-1')), [['applied', undefined, undefined]]);
  const [verified] = await h.executor.drain();
  t.is(verified?.status, 'succeeded');
  // the alert is still in the snapshot (the data window, Alertmanager's resolve delay): another rule would act on the fixed occurrence
  const other = candidate({ ruleId: 'other-rule' });
  const held = await h.executor.execute([dec(other, 'cycle-2')], snap, 'cycle-2');
  t.deepEqual(brief(held), [['blocked', 'already_remediated', `incident "committee:c1" was remediated by scale_committee "c1" (rule scale-it, execution ${verified!.id}, applied ${verified!.appliedAt}, verified) after its alerts (the newest firing since 2026-03-01T11:00:00.000Z) had started: they are the fixed occurrence`]]);
  t.is(h.charter.writes.length, 1, 'nothing written after the fix');
  // a notification still goes
  const tell = candidate({ ruleId: 'tell', type: 'notify', target: 'c1', params: { message: 'c1' } });
  t.not((await h.executor.execute([dec(tell, 'cycle-3')], snap, 'cycle-3'))[0]?.status, 'blocked');
  // the alert resolved and fired again: a new occurrence, acted on
  h.time.advance(60_000);
  const again = snapshot([alert('CommitteeOverloaded', { committee_id: 'c1' }, { startsAt: new Date(h.time.now()).toISOString() })]);
  t.deepEqual(brief((await h.executor.execute([dec(other, 'cycle-4')], again, 'cycle-4')).filter((r) => r.ruleId === 'other-rule')), [['applied', undefined, undefined]]);
});

test('already remediated does not hold back the next attempt after a failed verification', async (t) => {
  const h = harness({}, { verify: { '*': ['failed', 'succeeded'] }, snap });
  const first = candidate({ ruleId: 'scale-it' });
  const next = candidate({ ruleId: 'next-best' });
  await h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [first], [next], 'cycle-1')], snap, 'cycle-1');
  const done = [...(await h.executor.drain()), ...(await h.executor.drain())];
  t.deepEqual(done.filter((r) => r.ruleId === 'next-best').map((r) => r.status), ['applied', 'succeeded'], JSON.stringify(done.map((r) => [r.ruleId, r.status, r.guard])));
});

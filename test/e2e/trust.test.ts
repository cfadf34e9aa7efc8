/**
 * The fault-injection suite (issue #9): `mapek run` as a child process, the reference
 * Charter, faults injected by real means (Charter's client faults: latency and answers that
 * never come; SIGKILL; a read-only file system under the store). After every case Charter's
 * write log and the store's records agree (`mapek knowledge audit`'s comparison), no write landed twice
 * and no acknowledged record is lost. The totals are printed at the end.
 */
import test, { type ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { NedbKnowledgeStore } from '../../src/knowledge/index.js';
import type { ExecutionRecord } from '../../src/types/execution.js';
import { NEVER_HOLDS, startFaultWorld, type FaultWorld } from '../support/fault-world.js';
import { auditStore } from '../support/audit.js';
import { halfDone, SuiteTally } from '../support/invariants.js';
import { waitUntil } from '../support/stack.js';

const tally = new SuiteTally();
test.after.always(() => {
  console.log(tally.summary());
});

const POLICY = 'pol-access';
const FINAL = (r: ExecutionRecord): boolean => !['pending', 'applied', 'rolling_back', 'released'].includes(r.status);

async function rollbackOf(w: FaultWorld, pred: (r: ExecutionRecord) => boolean, what: string, ms = 60_000): Promise<ExecutionRecord> {
  return waitUntil(async () => (await w.executions()).find((r) => r.ruleId === 'rollback-bad-rollout' && pred(r)), ms, what, 100);
}

async function acknowledged(w: FaultWorld): Promise<string[]> {
  const res = await fetch(`${w.mapek.url}/api/v1/decisions?limit=20`).catch(() => undefined);
  if (!res?.ok) return [];
  return ((await res.json()) as { decisions: { id: string }[] }).decisions.map((d) => d.id);
}

/** After the case: stop the child, compare store and Charter, count what an API had served and the store lost. */
async function audit(t: ExecutionContext, w: FaultWorld, served: readonly string[] = []): Promise<void> {
  await w.mapek.stop();
  const records = await w.executions();
  const s = await NedbKnowledgeStore.open(w.knowledgeDir);
  let lost = 0;
  for (const id of served) if ((await s.getDecision(id)) === undefined) lost += 1;
  await s.close();
  // The operator's check: `mapek knowledge audit`'s comparison, against Charter itself.
  const audited = await auditStore(w.knowledgeDir, w.charter.url);
  const unsettled = halfDone(records);
  tally.add(audited, unsettled, lost);
  t.deepEqual(audited.disagreements.map((d) => d.message), [], `mapek knowledge audit; writes: ${JSON.stringify(w.appliedWrites().map((x) => [x.idempotencyKey, x.path]))}`);
  t.deepEqual(unsettled, [], `records: ${JSON.stringify(records.map((r) => [r.key, r.status, r.error ?? r.note ?? '']))}`);
  t.is(lost, 0, 'acknowledged decisions lost');
}

test.serial('without Prometheus, a correct rollback is not judged on the window from before it, and not undone (item 1)', async (t) => {
  t.timeout(120_000);
  // Alerts evaluated in-process over a 20 s window; the rule verifies after 8 s.
  const w = await startFaultWorld({ env: { MAPEK_CHARTER_WINDOW: '20' } });
  t.teardown(() => w.stop());
  const f = w.charter.faults.inject('bad_rollout', POLICY);
  const applied = await rollbackOf(w, (r) => r.status === 'applied', 'the rollback applied', 45_000);
  await waitUntil(() => (w.charter.faults.get(f.id)?.state === 'cleared' ? true : undefined), 30_000, 'the fault cleared by the rollback');
  const done = await rollbackOf(w, FINAL, 'the rollback verified', 60_000);
  t.is(done.status, 'succeeded', `${done.status}: ${done.error ?? ''} ${JSON.stringify(w.mapek.logs().filter((l) => /verif|rollback|undo/.test(String(l['msg']))).slice(0, 12))}`);
  t.true(Date.parse(done.verifiedAt ?? '') - Date.parse(applied.appliedAt ?? '') >= 20_000, 'judged only once the window covered time after the rollback');
  t.truthy(w.mapek.logs().find((l) => l['msg'] === 'verification waits: the data read still covers time before the action'));
  t.false(w.appliedWrites().some((x) => x.idempotencyKey?.endsWith(':rollback')), 'no undo: the fix stays');
  t.is(w.charter.faults.get(f.id)?.state, 'cleared');
  await audit(t, w, await acknowledged(w));
});

test.serial('SIGKILL during the undo: the restart finishes the journaled undo, records its outcome and tries the next best (item 2)', async (t) => {
  t.timeout(120_000);
  // The rollback's verification fails on purpose (instant fact: no window to wait for).
  const w = await startFaultWorld({ rollbackVerify: '{ fact: subject, path: $.kind, operator: equal, value: never }', verifyAfter: '2s' });
  t.teardown(() => w.stop());
  w.charter.faults.inject('bad_rollout', POLICY);
  await rollbackOf(w, (r) => r.status === 'applied', 'the rollback applied', 45_000);
  w.charter.clientFaults.set({ latencyMs: 2_500, routes: ['/api/v1/policies'] }); // the undo's read and write are slow
  const undoing = await rollbackOf(w, (r) => r.status === 'rolling_back', 'the undo journaled', 30_000);
  t.is(undoing.undo?.key, `${undoing.key}:rollback`);
  await new Promise((r) => setTimeout(r, 3_500)); // the read is done, the undo write is in flight
  const served = await acknowledged(w);
  await w.mapek.kill();
  w.charter.clientFaults.set({ latencyMs: 0 });
  await w.startMapek();
  const done = await rollbackOf(w, (r) => r.key === undoing.key && FINAL(r), 'the undo finished by recovery', 30_000);
  t.is(done.status, 'rolled_back', `${done.status}: ${done.error ?? ''}`);
  t.truthy(done.undo?.doneAt);
  const next = await waitUntil(async () => (await w.executions()).find((r) => r.ruleId === 'audit-mode-bad-rollout'), 30_000, 'the next-best candidate tried');
  t.truthy(next);
  t.is(w.appliedWrites().filter((x) => x.idempotencyKey === `${undoing.key}:rollback`).length, 1, 'the undo landed once');
  await audit(t, w, served);
  const outcome = (await w.outcomes()).find((o) => o.key === undoing.key);
  t.is(outcome?.result, 'failed', 'the outcome of the undone action is recorded');
});

test.serial('a write whose answer never arrives is found landed and recorded applied, then verified (item 3)', async (t) => {
  t.timeout(120_000);
  const w = await startFaultWorld({ env: { MAPEK_REQUEST_TIMEOUT: '1' } });
  t.teardown(() => w.stop());
  // Policy writes are processed but never answered (every retry too); reads are answered.
  w.charter.clientFaults.set({ timeoutRate: 1, routes: ['/api/v1/policies'], methods: ['POST'] });
  w.charter.faults.inject('bad_rollout', POLICY);
  const applied = await rollbackOf(w, (r) => r.status !== 'pending', 'the rollback recorded after its lost answer', 45_000);
  t.is(applied.status, 'applied', `${applied.status}: ${applied.error ?? ''}`);
  t.regex(applied.note ?? '', /^answer lost \(.*timed out after 1000 ms\); landed, confirmed by reading back$/);
  w.charter.clientFaults.set({});
  const done = await rollbackOf(w, (r) => r.key === applied.key && FINAL(r), 'the rollback verified', 45_000);
  t.is(done.status, 'succeeded', `${done.status}: ${done.error ?? ''}`);
  t.is(w.appliedWrites().filter((x) => x.idempotencyKey === applied.key).length, 1, 'applied exactly once');
  await audit(t, w, await acknowledged(w));
});

test.serial('a write whose outcome cannot be read back stays pending (reconciling, shown in /healthz) and is confirmed once Charter answers (item 3)', async (t) => {
  t.timeout(120_000);
  const w = await startFaultWorld({ env: { MAPEK_REQUEST_TIMEOUT: '1' } });
  t.teardown(() => w.stop());
  // The write lands and its answer never comes (nor those of its retries, ~3 s); while the
  // executor retries, reads stop being answered too, so it cannot read back.
  w.charter.clientFaults.set({ timeoutRate: 1, routes: ['/api/v1/policies'], methods: ['POST'] });
  w.charter.faults.inject('bad_rollout', POLICY);
  await rollbackOf(w, (r) => r.prior !== undefined, 'the rollback write sent', 45_000);
  w.charter.clientFaults.set({ timeoutRate: 1, routes: ['/api/v1/policies'] });
  const pending = await rollbackOf(w, (r) => r.status === 'pending' && /reconciling/.test(r.error ?? ''), 'the write outcome unknown, reconciling', 45_000);
  t.regex(pending.error ?? '', /^write outcome unknown \(.*\); read-back failed \(.*\); reconciling$/);
  const h = (await (await fetch(`${w.mapek.url}/healthz`)).json()) as { records?: { reconciling?: number } };
  t.true((h.records?.reconciling ?? 0) >= 1, 'healthz shows the write being reconciled');
  w.charter.clientFaults.set({});
  const done = await rollbackOf(w, (r) => r.key === pending.key && FINAL(r), 'the reconciled write verified', 45_000);
  t.true(['succeeded', 'failed', 'rolled_back', 'inconclusive'].includes(done.status), `${done.status}: ${done.error ?? ''}`);
  t.is(w.appliedWrites().filter((x) => x.idempotencyKey === pending.key).length, 1, 'applied exactly once');
  await audit(t, w, await acknowledged(w));
});

test.serial('one owner of the retry policy: a hung Charter gets at most the executor\'s attempts per write, within the time bound (item 10)', async (t) => {
  t.timeout(120_000);
  const w = await startFaultWorld({ env: { MAPEK_REQUEST_TIMEOUT: '1' }, executor: '  retry: { attempts: 3, baseMs: 100, maxMs: 200, totalMs: 4000 }\n' });
  t.teardown(() => w.stop());
  w.charter.clientFaults.set({ timeoutRate: 1, routes: ['/api/v1/policies'], methods: ['POST'] });
  w.charter.faults.inject('bad_rollout', POLICY);
  const pending = await rollbackOf(w, (r) => r.prior !== undefined, 'the rollback write sent', 45_000);
  await new Promise((r) => setTimeout(r, 6_000));
  const sent = w.charter.writes.list().filter((x) => x.idempotencyKey === pending.key);
  t.true(sent.length >= 1 && sent.length <= 3, `${sent.length} requests for one write (the client's retries on top would make 6)`);
  w.charter.clientFaults.set({});
  await rollbackOf(w, (r) => r.key === pending.key && r.status !== 'pending', 'reconciled', 45_000);
  await audit(t, w, await acknowledged(w));
});

test.serial('SIGTERM with a write in flight stops within the grace period (item 12)', async (t) => {
  t.timeout(120_000);
  const w = await startFaultWorld({ env: { MAPEK_SHUTDOWN_GRACE: '3' } });
  t.teardown(() => w.stop());
  w.charter.clientFaults.set({ latencyMs: 10_000, routes: ['/api/v1/policies'] });
  w.charter.faults.inject('bad_rollout', POLICY);
  await rollbackOf(w, (r) => r.status === 'pending', 'the rollback in flight', 45_000);
  const t0 = Date.now();
  const code = await w.mapek.stop();
  const took = Date.now() - t0;
  t.log(`stopped in ${took} ms (grace 3 s), exit ${code}`);
  t.is(code, 0);
  // Grace + 2 s for the process to end on a loaded 2-core machine (4.6 s seen with the whole
  // suite running, 3.2 s alone); before the fix it took 6.8 s.
  t.true(took < 5_000, `stop took ${took} ms`);
  w.charter.clientFaults.set({ latencyMs: 0 });
  await w.startMapek();
  await rollbackOf(w, (r) => FINAL(r), 'the interrupted rollback reconciled after the restart', 60_000);
  await audit(t, w, await acknowledged(w));
});

/** SIGKILL at each point of an action's life; after the restart the records and Charter agree. */
interface KillPoint {
  readonly name: string;
  /** Client faults while the action runs (so that the point lasts long enough to be hit). */
  readonly faults: Parameters<FaultWorld['charter']['clientFaults']['set']>[0];
  readonly at: (r: ExecutionRecord) => boolean;
  readonly waitMs?: number;
  /** Faults while the restarted service recovers, and a second kill during recovery. */
  readonly killDuringRecovery?: boolean;
  readonly executor?: string;
}

const KILL_POINTS: readonly KillPoint[] = [
  // Released by recovery; the restarted in-process alerts have a new startsAt (a new episode),
  // so the released intent is closed `abandoned` after releasedTtlMs and the new one acts.
  { name: 'after the intent, before Charter was read', faults: { latencyMs: 3_000, routes: ['/api/v1/policies'], methods: ['GET'] }, at: (r) => r.status === 'pending' && r.prior === undefined, executor: '  releasedTtlMs: 3000\n' },
  { name: 'the write in flight', faults: { latencyMs: 3_000, routes: ['/api/v1/policies'], methods: ['POST'] }, at: (r) => r.status === 'pending' && r.prior !== undefined, waitMs: 500 },
  { name: 'the write landed, its answer not yet back', faults: { timeoutRate: 1, routes: ['/api/v1/policies'], methods: ['POST'] }, at: (r) => r.status === 'pending' && r.prior !== undefined, waitMs: 500 },
  { name: 'after applied, verification due', faults: {}, at: (r) => r.status === 'applied', waitMs: 1_000 },
  { name: 'during recovery', faults: { latencyMs: 3_000, routes: ['/api/v1/policies'], methods: ['POST'] }, at: (r) => r.status === 'pending' && r.prior !== undefined, waitMs: 500, killDuringRecovery: true },
];

for (const p of KILL_POINTS) {
  test.serial(`SIGKILL ${p.name}: after the restart every Charter write has one record, nothing applied twice`, async (t) => {
    t.timeout(150_000);
    const w = await startFaultWorld(p.executor ? { executor: p.executor } : {});
    t.teardown(() => w.stop());
    w.charter.clientFaults.set(p.faults);
    w.charter.faults.inject('bad_rollout', POLICY);
    const hit = await rollbackOf(w, p.at, p.name, 45_000);
    if (p.waitMs) await new Promise((r) => setTimeout(r, p.waitMs));
    const served = await acknowledged(w);
    await w.mapek.kill();
    if (p.killDuringRecovery) {
      // The restart reconciles with Charter slow to answer; it is killed again mid-recovery.
      w.charter.clientFaults.set({ latencyMs: 3_000, routes: ['/api/v1/policies'] });
      await w.startMapek();
      await new Promise((r) => setTimeout(r, 1_500));
      await w.mapek.kill();
    }
    w.charter.clientFaults.set({});
    await w.startMapek();
    const done = await rollbackOf(w, (r) => r.key === hit.key && FINAL(r), 'the interrupted rollback settled', 60_000);
    t.log(`${p.name}: ${hit.status} → ${done.status}${done.note ? ` (${done.note})` : ''}`);
    t.true(['succeeded', 'rolled_back', 'failed', 'inconclusive', 'abandoned', 'error'].includes(done.status), `${done.status}: ${done.error ?? ''}`);
    t.true(w.appliedWrites().filter((x) => x.idempotencyKey === hit.key).length <= 1);
    await audit(t, w, served);
  });
}

const asRoot = process.getuid?.() === 0;
const sh = (cmd: string, args: readonly string[]): Promise<void> =>
  new Promise<void>((resolve, reject) => execFile(cmd, args, (err, _o, stderr) => (err ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`)) : resolve())));

(asRoot ? test.serial : test.serial.skip)('the store goes read-only right after a Charter write: the record is kept, /readyz says so, and it is written once the store is writable (item 4; a real tmpfs, root only)', async (t) => {
  t.timeout(150_000);
  const w = await startFaultWorld({
    beforeStart: async (dir) => {
      await mkdir(dir, { recursive: true });
      await sh('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir]);
    },
    afterStop: (dir) => sh('umount', [dir]),
  });
  t.teardown(() => w.stop());
  w.charter.clientFaults.set({ latencyMs: 3_000, routes: ['/api/v1/policies'], methods: ['POST'] });
  w.charter.faults.inject('bad_rollout', POLICY);
  const sent = await rollbackOf(w, (r) => r.status === 'pending' && r.prior !== undefined, 'the rollback write sent', 45_000);
  await sh('mount', ['-o', 'remount,ro', w.knowledgeDir]); // the write lands after this
  const notReady = await waitUntil(async () => {
    const res = await fetch(`${w.mapek.url}/readyz`);
    const body = (await res.json()) as { reasons: string[] };
    return res.status === 503 && body.reasons.some((x) => /execution record update\(s\) not yet written/.test(x)) ? body : undefined;
  }, 30_000, '/readyz not ready while the record is behind');
  t.truthy(notReady);
  const health = (await (await fetch(`${w.mapek.url}/healthz`)).json()) as { records: { behind: number }; degraded: { source: string }[] };
  t.true(health.records.behind >= 1);
  t.true(health.degraded.some((d) => d.source === 'knowledge'));
  t.is((await w.executions()).find((r) => r.key === sent.key)?.status, 'pending', 'the file still says pending');
  await sh('mount', ['-o', 'remount,rw', w.knowledgeDir]);
  await waitUntil(async () => ((await fetch(`${w.mapek.url}/readyz`)).status === 200 ? true : undefined), 90_000, '/readyz ready again');
  const done = await rollbackOf(w, (r) => r.key === sent.key && FINAL(r), 'the record written and verified', 60_000);
  t.is(done.status, 'succeeded', `${done.status}: ${done.error ?? ''}`);
  t.is(w.appliedWrites().filter((x) => x.idempotencyKey === sent.key).length, 1);
  await audit(t, w, await acknowledged(w));
});

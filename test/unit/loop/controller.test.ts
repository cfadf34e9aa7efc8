import test from 'ava';
import { Controller } from '../../../src/loop/controller.js';
import type { CycleReport } from '../../../src/loop/cycle.js';
import { cycleIdGenerator } from '../../../src/loop/ids.js';
import { createLogger, createServiceMetrics, silentLogger } from '../../../src/observability/index.js';
import type { Trigger } from '../../../src/observability/metrics.js';
import { FakeTimers } from './fake-timers.js';

interface Run { id: string; triggers: readonly Trigger[]; release: () => void; signal: AbortSignal }

function harness(opts: { intervalMs?: number; timeoutMs?: number; nextVerificationAt?: () => number | undefined; autoRelease?: boolean } = {}) {
  const timers = new FakeTimers();
  const runs: Run[] = [];
  const reports: CycleReport[] = [];
  const metrics = createServiceMetrics({ defaultMetrics: false });
  const logs: string[] = [];
  let n = 0;
  const c = new Controller({
    intervalMs: opts.intervalMs ?? 30_000,
    cycleTimeoutMs: opts.timeoutMs ?? 10_000,
    timers,
    newCycleId: () => `c${++n}`,
    metrics,
    log: createLogger({ level: 'debug', write: (l) => logs.push(l), now: () => new Date(timers.now()) }),
    nextVerificationAt: opts.nextVerificationAt,
    onCycle: (r) => reports.push(r),
    runCycle: (id, triggers, signal) =>
      new Promise<CycleReport>((resolve) => {
        const release = () => resolve({ cycleId: id, triggers, status: 'ok', decisions: [], executions: [], executionSkipped: false, durationsMs: {} });
        runs.push({ id, triggers, release, signal });
        if (opts.autoRelease === true) release();
      }),
  });
  return { c, timers, runs, reports, metrics, logs };
}

test('start runs a first cycle, then the timer runs one every interval after the last', async (t) => {
  const h = harness({ intervalMs: 1_000, autoRelease: true });
  h.c.start();
  h.c.start(); // idempotent
  await h.timers.advance(0);
  t.deepEqual(h.runs.map((r) => [r.id, r.triggers]), [['c1', ['startup']]]);
  await h.timers.advance(999);
  t.is(h.runs.length, 1);
  await h.timers.advance(1);
  t.deepEqual(h.runs.map((r) => r.triggers), [['startup'], ['timer']]);
  await h.timers.advance(3_000);
  t.is(h.runs.length, 5);
  t.is(h.c.completed(), 5);
});

test('triggers during a cycle coalesce into exactly one next cycle', async (t) => {
  const h = harness();
  h.c.start();
  await h.timers.advance(0);
  t.is(h.runs.length, 1);
  t.true(h.c.isRunning());
  for (let i = 0; i < 50; i++) h.c.trigger('webhook');
  h.c.trigger('timer');
  await h.timers.advance(5);
  t.is(h.runs.length, 1, 'one cycle at a time');
  h.runs[0]?.release();
  await h.timers.advance(0);
  t.is(h.runs.length, 2);
  t.deepEqual(h.runs[1]?.triggers, ['webhook', 'timer']);
  h.runs[1]?.release();
  await h.timers.advance(0);
  t.is(h.runs.length, 2, 'nothing pending after the coalesced cycle');
  t.regex(await h.metrics.registry.metrics(), /mapek_triggers_coalesced_total 51/);
});

test('a burst of triggers while idle shares one cycle', async (t) => {
  const h = harness({ autoRelease: true });
  for (let i = 0; i < 10; i++) h.c.trigger('webhook');
  await h.timers.advance(0);
  t.is(h.runs.length, 1);
  await h.c.idle();
  t.pass();
});

test('a cycle that exceeds its timeout is reported as timed out, aborted, and the next waits for it', async (t) => {
  const h = harness({ timeoutMs: 100 });
  h.c.start();
  await h.timers.advance(0);
  h.c.trigger('webhook');
  await h.timers.advance(100);
  t.true(h.runs[0]?.signal.aborted);
  t.deepEqual(h.reports.map((r) => [r.cycleId, r.status, r.error]), [['c1', 'timeout', 'cycle c1 exceeded 100 ms']]);
  t.is(h.runs.length, 1, 'no overlap while the timed-out cycle is still unwinding');
  h.runs[0]?.release();
  await h.timers.advance(0);
  t.is(h.runs.length, 2);
  t.true(h.logs.some((l) => JSON.parse(l).msg === 'cycle timed out; no new phase will start' && JSON.parse(l).cycleId === 'c1'));
  t.regex(await h.metrics.registry.metrics(), /mapek_cycles_total\{trigger="startup",result="timeout"\} 1/);
});

test('a failing cycle is reported with its error and the loop goes on', async (t) => {
  const timers = new FakeTimers();
  const reports: CycleReport[] = [];
  let calls = 0;
  const c = new Controller({
    intervalMs: 1_000, cycleTimeoutMs: 500, timers, newCycleId: () => `c${++calls}`, log: silentLogger,
    onCycle: (r) => { reports.push(r); throw new Error('observer bug'); },
    runCycle: async () => { throw new Error('store closed'); },
  });
  c.start();
  await timers.advance(1_000);
  t.deepEqual(reports.map((r) => [r.status, r.error]), [['error', 'store closed'], ['error', 'store closed']]);
});

test('the controller wakes up for a due verification', async (t) => {
  let due: number | undefined = 2_500;
  const h = harness({ intervalMs: 60_000, autoRelease: true, nextVerificationAt: () => due });
  h.c.start();
  await h.timers.advance(0);
  due = undefined;
  await h.timers.advance(2_500);
  t.deepEqual(h.runs.map((r) => r.triggers), [['startup'], ['verify']]);
});

test('stop refuses new triggers, cancels timers and waits for the cycle in flight', async (t) => {
  const h = harness();
  h.c.start();
  await h.timers.advance(0);
  const stopping = h.c.stop(5_000);
  t.false(h.c.trigger('webhook'));
  h.runs[0]?.release();
  t.true(await stopping);
  await h.timers.advance(60_000);
  t.is(h.runs.length, 1);
  t.deepEqual(h.timers.armed(), []);
});

test('stop gives up after the grace period and says so', async (t) => {
  const h = harness();
  h.c.start();
  await h.timers.advance(0);
  const stopping = h.c.stop(1_000);
  await h.timers.advance(1_000);
  t.false(await stopping);
  const idle = harness();
  t.true(await idle.c.stop(10));
});

test('cycle ids are unique and carry the time', (t) => {
  let now = 0;
  const next = cycleIdGenerator(() => now);
  const a = next();
  now = 36;
  t.deepEqual([a, next()], ['c-0-0', 'c-10-1']);
});

test('consecutive failed cycles are counted (errors and timeouts), with the newest error, and reset by a good cycle', async (t) => {
  const timers = new FakeTimers();
  const metrics = createServiceMetrics({ defaultMetrics: false });
  const outcomes: ('fail' | 'hang' | 'ok')[] = ['fail', 'fail', 'hang', 'ok', 'fail'];
  let n = 0;
  const c = new Controller({
    intervalMs: 1_000,
    cycleTimeoutMs: 500,
    timers,
    newCycleId: () => `c${++n}`,
    metrics,
    log: silentLogger,
    runCycle: (id, triggers) => {
      const o = outcomes[n - 1];
      if (o === 'fail') return Promise.reject(new Error(`"undefined" is not valid JSON (${id})`));
      if (o === 'hang') return new Promise((resolve) => timers.setTimeout(() => resolve({ cycleId: id, triggers, status: 'ok', decisions: [], executions: [], executionSkipped: false, durationsMs: {} }), 600));
      return Promise.resolve({ cycleId: id, triggers, status: 'ok', decisions: [], executions: [], executionSkipped: false, durationsMs: {} });
    },
  });
  const gauge = async () => (await metrics.registry.getSingleMetric('mapek_cycles_failed_consecutive')!.get()).values[0]?.value;
  t.deepEqual(c.failures(), { consecutive: 0 });
  c.start();
  await timers.advance(0);
  t.like(c.failures(), { consecutive: 1, last: { cycleId: 'c1', status: 'error', error: '"undefined" is not valid JSON (c1)' } });
  await timers.advance(1_000);
  t.like(c.failures(), { consecutive: 2, last: { cycleId: 'c2' } });
  t.is(await gauge(), 2);
  await timers.advance(1_000);
  await timers.advance(600);
  t.like(c.failures(), { consecutive: 3, last: { cycleId: 'c3', status: 'timeout', error: 'cycle c3 exceeded 500 ms' } });
  await timers.advance(1_000);
  t.deepEqual(c.failures(), { consecutive: 0 });
  t.is(await gauge(), 0);
  await timers.advance(1_000);
  t.like(c.failures(), { consecutive: 1, last: { cycleId: 'c5' } });
  await c.stop(0);
});

import test from 'ava';
import { Controller } from '../../../src/loop/controller.js';
import type { CycleReport } from '../../../src/loop/cycle.js';
import { createLogger } from '../../../src/observability/index.js';
import { FakeTimers } from './fake-timers.js';

test('afterCycle runs in the cycle slot: after each cycle, before the next; a trigger meanwhile waits; a failure is logged with the cycle id', async (t) => {
  const timers = new FakeTimers();
  const events: string[] = [];
  const logs: Record<string, unknown>[] = [];
  let releaseHousekeeping: (() => void) | undefined;
  let n = 0;
  const c = new Controller({
    intervalMs: 60_000,
    cycleTimeoutMs: 10_000,
    timers,
    newCycleId: () => `c${++n}`,
    log: createLogger({ level: 'info', write: (l) => logs.push(JSON.parse(l) as Record<string, unknown>) }),
    runCycle: async (id, triggers) => {
      events.push(`cycle ${id}`);
      return { cycleId: id, triggers, status: 'ok', decisions: [], executions: [], executionSkipped: false, durationsMs: {} } satisfies CycleReport;
    },
    afterCycle: (id) => {
      events.push(`housekeeping ${id}`);
      if (id === 'c2') return Promise.reject(new Error('disk full'));
      return new Promise<void>((resolve) => (releaseHousekeeping = resolve));
    },
  });
  c.start();
  await timers.advance(0);
  t.deepEqual(events, ['cycle c1', 'housekeeping c1']);
  t.true(c.isRunning(), 'housekeeping holds the slot');
  t.true(c.trigger('webhook'));
  await timers.advance(10);
  t.deepEqual(events, ['cycle c1', 'housekeeping c1'], 'the webhook cycle waits for housekeeping');
  releaseHousekeeping?.();
  await timers.advance(0);
  t.deepEqual(events, ['cycle c1', 'housekeeping c1', 'cycle c2', 'housekeeping c2']);
  await c.idle();
  t.like(logs.find((l) => l['msg'] === 'after-cycle housekeeping failed'), { cycleId: 'c2', error: 'disk full' });
  t.true(await c.stop(1_000));
});

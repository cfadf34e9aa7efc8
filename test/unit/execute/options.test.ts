import test from 'ava';
import { DEFAULT_EXECUTOR_OPTIONS, resolveExecutorOptions } from '../../../src/execute/index.js';
import { activeWindow, parseWindow } from '../../../src/execute/guards/maintenance.js';

test('defaults are documented values, frozen', (t) => {
  const o = resolveExecutorOptions();
  t.deepEqual(o, DEFAULT_EXECUTOR_OPTIONS);
  t.true(Object.isFrozen(o) && Object.isFrozen(o.breaker));
  t.is(o.cooldownMs, 300_000);
  t.is(o.approvalRisk, 'high');
  t.is(o.unchangedRefreshMs, 300_000);
  t.is(resolveExecutorOptions({ unchangedRefreshMs: 0 }).unchangedRefreshMs, 0);
});

test('bad options name the field', (t) => {
  t.throws(() => resolveExecutorOptions({ maxConcurrent: 0 }), { message: 'executor option maxConcurrent: expected an integer ≥ 1, got 0' });
  t.throws(() => resolveExecutorOptions({ cooldownMs: -1 }), { message: 'executor option cooldownMs: expected a number ≥ 0, got -1' });
  t.throws(() => resolveExecutorOptions({ maxQuarantineShare: 2 }), { message: 'executor option maxQuarantineShare: expected a share in [0, 1], got 2' });
  t.throws(() => resolveExecutorOptions({ approvalRisk: 'extreme' as never }), { message: 'executor option approvalRisk: expected one of low, medium, high, none, got "extreme"' });
  t.throws(() => resolveExecutorOptions({ rateLimit: { types: { frob: { burst: 1, perMinute: 1 } } } }), { message: 'executor option rateLimit.types.frob: unknown action type "frob"' });
  t.throws(() => resolveExecutorOptions({ rateLimit: { global: { burst: -1 } } }), { message: 'executor option rateLimit.global.burst: expected a number ≥ 0, got -1' });
  t.throws(() => resolveExecutorOptions({ unchangedRefreshMs: -5 }), { message: 'executor option unchangedRefreshMs: expected a number ≥ 0, got -5' });
  t.throws(() => resolveExecutorOptions({ maxFallbacks: -1 }), { message: 'executor option maxFallbacks: expected an integer ≥ 0, got -1' });
  t.throws(() => resolveExecutorOptions({ maintenance: [{ from: '25:00', to: '01:00' }] }), { message: 'executor option maintenance[0].from: expected "HH:MM" (UTC), got "25:00"' });
  t.throws(() => resolveExecutorOptions({ maintenance: [{ start: 'x', end: '2026-01-01T00:00:00Z' }] }), { message: 'executor option maintenance[0].start: expected an ISO-8601 time, got "x"' });
  t.throws(() => resolveExecutorOptions({ maintenance: [{ start: '2026-01-02T00:00:00Z', end: '2026-01-01T00:00:00Z' }] }), { message: 'executor option maintenance[0]: end must be after start' });
  t.throws(() => resolveExecutorOptions({ maintenance: [{ days: ['funday'], from: '01:00', to: '02:00' }] }), { message: 'executor option maintenance[0].days: expected a list of sun, mon, tue, wed, thu, fri, sat' });
  t.throws(() => resolveExecutorOptions({ maintenance: ['x'] }), { message: 'executor option maintenance[0]: expected an object' });
});

test('a resolved options object resolves to itself', (t) => {
  const o = resolveExecutorOptions({ maintenance: [{ from: '22:00', to: '02:00' }] });
  t.deepEqual(resolveExecutorOptions(o), o);
});

test('weekly windows that wrap midnight belong to the day they start', (t) => {
  const w = [parseWindow({ days: ['sat'], from: '22:00', to: '02:00' }, 'w')];
  t.truthy(activeWindow(w, Date.parse('2026-02-28T23:00:00Z'))); // Saturday night
  t.truthy(activeWindow(w, Date.parse('2026-03-01T01:00:00Z'))); // Sunday early morning
  t.falsy(activeWindow(w, Date.parse('2026-03-01T23:00:00Z'))); // Sunday night
  t.falsy(activeWindow(w, Date.parse('2026-02-28T21:59:00Z')));
});

import test from 'ava';
import { drawFor, hashSeed, mulberry32, stream } from '../../../src/charter/rng.js';
import { CounterStore, QUANTILE_WINDOW_TICKS, quantileOf, TickWindow, WindowedSummary } from '../../../src/charter/stats.js';
import { fingerprint, IDEMPOTENCY_MAX_KEYS, IDEMPOTENCY_TTL_MS, IdempotencyCache } from '../../../src/charter/http/idempotency.js';
import { route, type Route } from '../../../src/charter/http/router.js';
import { checkPreconditions, etag } from '../../../src/charter/http/concurrency.js';
import { ManualClock } from '../../../src/charter/clock.js';
import { successProbability } from '../../../src/charter/remediation-table.js';

test('rng: deterministic per seed and name, in [0, 1)', (t) => {
  const a = mulberry32(1);
  const b = mulberry32(1);
  const xs = Array.from({ length: 100 }, () => a());
  t.deepEqual(xs, Array.from({ length: 100 }, () => b()));
  t.true(xs.every((x) => x >= 0 && x < 1));
  t.not(stream(1, 'traffic')(), stream(1, 'client-faults')());
  t.is(drawFor(9, 'k'), drawFor(9, 'k'));
  t.not(hashSeed('a'), hashSeed('b'));
});

test('stats: counters, quantiles over a tick window with monotonic sum/count, compliance window', (t) => {
  const c = new CounterStore();
  c.inc({ a: '1', b: 'x' });
  c.inc({ b: 'x', a: '1' }, 2);
  c.inc({ a: '2', b: 'x' });
  t.is(c.get({ a: '1', b: 'x' }), 3);
  t.is(c.sum({ b: 'x' }), 4);
  t.is(c.get({ a: '3' }), 0);
  const s = new WindowedSummary();
  for (let i = 1; i <= 100; i++) s.observe({ k: 'v' }, i);
  t.is(s.quantile({ k: 'v' }, 0.5), 50);
  t.is(s.quantile({ k: 'v' }, 0.99), 99);
  t.is(s.quantile({ k: 'none' }, 0.99), 0);
  for (let i = 0; i < QUANTILE_WINDOW_TICKS; i++) s.rotate();
  t.is(s.quantile({ k: 'v' }, 0.99), 0);
  t.like(s.entries()[0], { count: 100, sum: 5050 });
  t.is(quantileOf([], 0.5), 0);
  const w = new TickWindow(2);
  t.is(w.ratio(), 1);
  w.push(10, 5);
  w.push(10, 0);
  w.push(10, 0);
  t.is(w.ratio(), 1);
});

test('idempotency cache: replay, mismatch, expiry and a bounded size', (t) => {
  const c = new IdempotencyCache();
  const fp = fingerprint('PUT', '/x', { b: 1, a: [1, { d: 2, c: null }] });
  t.is(fp, fingerprint('PUT', '/x', { a: [1, { c: null, d: 2 }], b: 1 }));
  c.store('k', fp, { status: 200, body: 1, headers: {} }, 0);
  t.deepEqual(c.lookup('k', fp, 1), { kind: 'replay', response: { status: 200, body: 1, headers: {} } });
  t.deepEqual(c.lookup('k', 'other', 1), { kind: 'mismatch' });
  t.deepEqual(c.lookup('k', fp, IDEMPOTENCY_TTL_MS + 1), { kind: 'miss' });
  for (let i = 0; i < IDEMPOTENCY_MAX_KEYS + 5; i++) c.store(`k${i}`, fp, { status: 200, body: i, headers: {} }, 0);
  t.is(c.size, IDEMPOTENCY_MAX_KEYS);
  t.deepEqual(c.lookup('k0', fp, 0), { kind: 'miss' });
});

test('router: params are decoded; bad escapes do not match', (t) => {
  const routes: Route[] = [{ method: 'GET', pattern: '/a/{id}', write: false, handler: () => ({ status: 200 }) }];
  t.deepEqual(route(routes, 'GET', '/a/x%20y').params, { id: 'x y' });
  t.throws(() => route(routes, 'GET', '/a/%E0%A4%A'), { message: 'no route for GET /a/%E0%A4%A' });
  t.throws(() => route(routes, 'GET', '/a/'), { message: 'no route for GET /a/' });
});

test('preconditions', (t) => {
  t.notThrows(() => checkPreconditions('x', etag('x', 2), 2, '"x-v2"', 2));
  t.notThrows(() => checkPreconditions('x', etag('x', 2), 2, 'x-v2'));
  t.throws(() => checkPreconditions('x', etag('x', 2), 2, '"x-v1"'), { message: 'If-Match "x-v1" does not match the current ETag "x-v2" of x' });
});

test('manual clock and the table', (t) => {
  const c = new ManualClock(new Date('2026-01-01T00:00:00Z'));
  c.advance(500);
  t.is(new Date(c.now()).toISOString(), '2026-01-01T00:00:00.500Z');
  t.is(successProbability('bad_rollout', 'rollback_policy'), 0.95);
  t.is(successProbability('bad_rollout', 'quarantine_target'), 0);
});

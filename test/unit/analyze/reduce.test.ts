import test from 'ava';
import { anomaly, reducePoints, reduceSeries, slope } from '../../../src/analyze/reduce.js';

const pts = (values: readonly number[], every = 30, t0 = 1_767_225_600): [number, number][] => values.map((v, i) => [t0 + i * every, v]);

test('last, min, max, avg, increase and count over the points; NaN points are skipped', (t) => {
  const p = pts([3, NaN, 1, 4, 1, 5]);
  t.is(reducePoints('last', p), 5);
  t.is(reducePoints('min', p), 1);
  t.is(reducePoints('max', p), 5);
  t.is(reducePoints('avg', p), 14 / 5);
  t.is(reducePoints('increase', p), 2);
  t.is(reducePoints('count', p, 2), 3);
  t.is(reducePoints('max', []), null);
  t.is(reducePoints('last', pts([NaN])), null);
});

test('slope is the least-squares slope per second; null for one point or one timestamp', (t) => {
  t.is(slope(pts([0, 1, 2, 3], 30)), 1 / 30);
  const noisy = slope([[0, 1], [10, 3], [20, 2], [30, 6]]);
  t.true(noisy !== null && Math.abs(noisy - 0.14) < 1e-9); // Σ(x−x̄)(y−ȳ)/Σ(x−x̄)² = 70/500
  t.is(slope(pts([0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6])), 0, 'a flat series is 0, not rounding noise');
  t.is(slope(pts([5])), null);
  t.is(slope([[10, 1], [10, 2]]), null);
});

test('anomaly is the robust z-score of the newest point: (x − median) / (1.4826 · MAD)', (t) => {
  // median 2, deviations [1,0,0,1,8] → MAD 1; newest 10 → (10 − 2) / 1.4826
  t.is(anomaly(pts([1, 2, 2, 3, 10])), 8 / 1.4826);
  t.is(anomaly(pts([1, 2, 3, 4])), null, 'fewer than 5 points');
  t.is(anomaly(pts([2, 2, 2, 2, 9])), null, 'MAD 0: no spread to compare with');
});

test('a subject with several series: each reduced, the largest kept', (t) => {
  const range = { windowMs: 90_000, stepMs: 30_000, reduce: 'slope' as const };
  t.is(reduceSeries(range, [{ labels: { a: '1' }, points: pts([0, 30]) }, { labels: { a: '2' }, points: pts([0, 60]) }]), 2);
  t.is(reduceSeries(range, []), null);
  t.is(reduceSeries(range, undefined), null);
});

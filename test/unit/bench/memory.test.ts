import test from 'ava';
import { longestGapWithin } from '../../../bench/lib/loop-gaps.js';
import { timeSeriesSvg } from '../../../bench/lib/svg.js';
import { growthAfterFirstMinute, minutes } from '../../../bench/sections/memory.js';

test('memory growth compares the last third of the run with the second minute', (t) => {
  const flat = Array.from({ length: 120 }, (_, i) => [i * 5, 100] as const);
  t.is(growthAfterFirstMinute(flat), 1);
  // 100 MiB in minute 2, climbing to 200 by the end (10 min): the last third averages well above.
  const rising = Array.from({ length: 120 }, (_, i) => [i * 5, 100 + Math.max(0, i * 5 - 120) / 4.8] as const);
  const g = growthAfterFirstMinute(rising);
  t.true(g > 1.5 && g < 2, String(g));
  t.true(Number.isNaN(growthAfterFirstMinute([[5, 10]])), 'no second minute: not a number, not a pass');
});

test('BENCH_MEMORY_MINUTES: default 10 (1 with --quick); a bad value is refused by name', (t) => {
  t.is(minutes(false, undefined), 10);
  t.is(minutes(true, ''), 1);
  t.is(minutes(false, '2.5'), 2.5);
  t.throws(() => minutes(false, 'ten'), { message: 'BENCH_MEMORY_MINUTES: expected a positive number of minutes, got "ten"' });
  t.throws(() => minutes(false, '0'), { message: /got "0"/ });
});

test('the longest event-loop gap counts only gaps that overlap a window', (t) => {
  const gaps = [[0, 30], [100, 112], [200, 290]] as const;
  t.is(longestGapWithin(gaps, [{ start: 105, end: 150 }]), 12);
  t.is(longestGapWithin(gaps, [{ start: 20, end: 40 }, { start: 250, end: 260 }]), 90);
  t.is(longestGapWithin(gaps, [{ start: 40, end: 90 }]), 0);
});

test('the time-series picture draws every point and the limit line', (t) => {
  const svg = timeSeriesSvg({ title: 'RSS <x>', xLabel: 'min', yLabel: 'MiB', points: [[0, 50], [5, 120], [10, 400]], yMax: 200, limit: { value: 150, label: 'target < 150 MiB' } });
  t.regex(svg, /^<svg /);
  t.regex(svg, /RSS &lt;x&gt;/);
  t.regex(svg, /target &lt; 150 MiB/);
  const points = /<polyline[^>]*points="([^"]+)"/.exec(svg)?.[1]?.split(' ') ?? [];
  t.is(points.length, 3);
  t.is(points[2], '690.0,40.0', 'a value above yMax is drawn at the top, not off the picture');
});

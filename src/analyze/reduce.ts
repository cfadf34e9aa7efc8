/**
 * Reducers of range facts: a series of `[unix seconds, value]` points → one number, or
 * `null` when the points cannot say (too few, degenerate). Pure; Analyze runs them on the
 * points Monitor read (or a fixture recorded), so `simulate` computes slopes and anomalies
 * with the same code as the service.
 */
import { SimpleLinearRegression } from 'ml-regression-simple-linear';
import type { FactRange, Reducer } from '../types/facts.js';
import type { RangeSeries } from '../types/snapshot.js';

/** Fewer points than this: `anomaly` is null (a median of 4 points is no baseline). */
export const ANOMALY_MIN_POINTS = 5;
/** Scales the median absolute deviation to a standard deviation for normal data. */
const MAD_SCALE = 1.4826;

type Points = readonly (readonly [number, number])[];

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function finite(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

/** Least-squares slope per second; null for fewer than 2 points or a single timestamp. */
export function slope(points: Points): number | null {
  if (points.length < 2) return null;
  const x = points.map((p) => p[0]);
  const y = points.map((p) => p[1]);
  if (x.every((t) => t === x[0])) return null;
  const t0 = x[0] as number; // shift time so unix seconds do not cost precision
  const s = new SimpleLinearRegression(x.map((t) => t - t0), y).slope;
  // Rounding noise (a flat series gives ±1e-18): below 1e-12 of the values' scale per second is 0.
  const span = (x[x.length - 1] as number) - t0;
  const scale = Math.max(...y.map(Math.abs)) / Math.max(Math.abs(span), 1);
  return finite(Math.abs(s) <= 1e-12 * scale ? 0 : s);
}

/** Robust z-score of the newest point against the window: (x − median) / (1.4826 · MAD). */
export function anomaly(points: Points): number | null {
  if (points.length < ANOMALY_MIN_POINTS) return null;
  const values = points.map((p) => p[1]);
  const med = median(values);
  const mad = median(values.map((v) => Math.abs(v - med)));
  if (mad === 0) return null;
  const newest = values[values.length - 1] as number;
  return finite((newest - med) / (MAD_SCALE * mad));
}

export function reducePoints(reduce: Reducer, raw: Points, threshold?: number): number | null {
  const points = raw.filter((p) => !Number.isNaN(p[1]));
  if (points.length === 0) return null;
  const values = points.map((p) => p[1]);
  switch (reduce) {
    case 'last':
      return values[values.length - 1] as number;
    case 'min':
      return Math.min(...values);
    case 'max':
      return Math.max(...values);
    case 'avg':
      return finite(values.reduce((a, v) => a + v, 0) / values.length);
    case 'increase':
      return finite((values[values.length - 1] as number) - (values[0] as number));
    case 'slope':
      return slope(points);
    case 'anomaly':
      return anomaly(points);
    case 'count':
      return values.filter((v) => v > (threshold ?? 0)).length;
    default: {
      const never: never = reduce;
      return never;
    }
  }
}

/** A subject's series → one number: each series reduced, the largest kept (like instant facts). */
export function reduceSeries(range: FactRange, series: readonly RangeSeries[] | undefined): number | null {
  let best: number | null = null;
  for (const s of series ?? []) {
    const v = reducePoints(range.reduce, s.points, range.threshold);
    if (v !== null && (best === null || v > best)) best = v;
  }
  return best;
}

/**
 * Plain-data statistics the simulation and the API accumulate. src/charter/metrics.ts
 * exposes them through prom-client at scrape time; tests read them directly.
 */

export type Labels = Readonly<Record<string, string>>;

function keyOf(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

/** Monotonic counters per label set. */
export class CounterStore {
  readonly #values = new Map<string, { labels: Labels; value: number }>();

  inc(labels: Labels, by = 1): void {
    const k = keyOf(labels);
    const cur = this.#values.get(k);
    if (cur) cur.value += by;
    else this.#values.set(k, { labels: { ...labels }, value: by });
  }

  /** The value for exactly these labels (0 when never incremented). */
  get(labels: Labels): number {
    return this.#values.get(keyOf(labels))?.value ?? 0;
  }

  /** Sum over every series whose labels include `match`. */
  sum(match: Labels = {}): number {
    let total = 0;
    for (const { labels, value } of this.#values.values()) {
      if (Object.entries(match).every(([k, v]) => labels[k] === v)) total += value;
    }
    return total;
  }

  entries(): readonly { labels: Labels; value: number }[] {
    return [...this.#values.values()];
  }
}

/** How many ticks of observations the summaries' quantiles cover (a sliding window). */
export const QUANTILE_WINDOW_TICKS = 4;

interface SummarySeries {
  labels: Labels;
  count: number;
  sum: number;
  /** One array of observations per tick, newest last. */
  buckets: number[][];
}

/**
 * A summary whose quantiles cover the last QUANTILE_WINDOW_TICKS ticks of the simulation
 * clock (not wall time, so unit tests step it deterministically) while _sum and _count stay
 * monotonic, as Prometheus expects.
 */
export class WindowedSummary {
  readonly #series = new Map<string, SummarySeries>();

  observe(labels: Labels, value: number): void {
    const k = keyOf(labels);
    let s = this.#series.get(k);
    if (!s) {
      s = { labels: { ...labels }, count: 0, sum: 0, buckets: [[]] };
      this.#series.set(k, s);
    }
    s.count += 1;
    s.sum += value;
    s.buckets[s.buckets.length - 1]!.push(value);
  }

  /** Start a new tick's bucket; drop buckets older than the window. */
  rotate(): void {
    for (const s of this.#series.values()) {
      s.buckets.push([]);
      while (s.buckets.length > QUANTILE_WINDOW_TICKS) s.buckets.shift();
    }
  }

  /** Nearest-rank quantile over the window; 0 when the window is empty (as prom-client does). */
  quantile(labels: Labels, q: number): number {
    const s = this.#series.get(keyOf(labels));
    return s ? quantileOf(s.buckets.flat(), q) : 0;
  }

  entries(): readonly { labels: Labels; count: number; sum: number; window: readonly number[] }[] {
    return [...this.#series.values()].map((s) => ({ labels: s.labels, count: s.count, sum: s.sum, window: s.buckets.flat() }));
  }
}

export function quantileOf(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** Sums over the last `size` ticks (compliance ratio). */
export class TickWindow {
  readonly #size: number;
  #ticks: { checks: number; failures: number }[] = [];
  constructor(size: number) {
    this.#size = size;
  }
  push(checks: number, failures: number): void {
    this.#ticks.push({ checks, failures });
    while (this.#ticks.length > this.#size) this.#ticks.shift();
  }
  /** Share of checks that passed; 1 when nothing was checked. */
  ratio(): number {
    const checks = this.#ticks.reduce((a, t) => a + t.checks, 0);
    const failures = this.#ticks.reduce((a, t) => a + t.failures, 0);
    return checks === 0 ? 1 : Math.max(0, 1 - failures / checks);
  }
}

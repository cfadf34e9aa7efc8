/**
 * How long this process's event loop was held: a 1 ms interval timer notes every gap between
 * its ticks longer than `minMs`. A gap is an upper bound on the longest stretch of work that
 * ran without yielding inside it (the timer's own lateness included).
 */
export interface LoopGaps {
  /** Gaps seen so far as [start, end] in performance.now() ms. */
  readonly gaps: readonly (readonly [number, number])[];
  stop(): void;
}

export function watchLoopGaps(minMs = 5): LoopGaps {
  const gaps: [number, number][] = [];
  let last = performance.now();
  const h = setInterval(() => {
    const now = performance.now();
    if (now - last > minMs) gaps.push([last, now]);
    last = now;
  }, 1);
  return { gaps, stop: () => clearInterval(h) };
}

export interface Window {
  readonly start: number;
  readonly end: number;
}

/** Whether [start, end] overlaps any of `windows`. */
export function overlapsAny(start: number, end: number, windows: readonly Window[]): boolean {
  return windows.some((w) => start < w.end && end > w.start);
}

/** The longest gap overlapping any of `windows` (0 when none does), or none of them with `outside`. */
export function longestGapWithin(gaps: readonly (readonly [number, number])[], windows: readonly Window[], outside = false): number {
  let max = 0;
  for (const [a, b] of gaps) if (overlapsAny(a, b, windows) !== outside) max = Math.max(max, b - a);
  return max;
}

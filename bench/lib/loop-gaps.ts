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

/** The longest gap overlapping any of `windows` (0 when none does). */
export function longestGapWithin(gaps: readonly (readonly [number, number])[], windows: readonly { start: number; end: number }[]): number {
  let max = 0;
  for (const [a, b] of gaps) if (windows.some((w) => a < w.end && b > w.start)) max = Math.max(max, b - a);
  return max;
}

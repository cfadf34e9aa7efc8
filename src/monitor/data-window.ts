/**
 * How far back the data behind a snapshot's facts reaches. A rate over `[1m]` read 20 s after
 * a fix still holds 40 s from before it: a verification must not judge on that (it waits until
 * the window covers only time after the action landed).
 */
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

/** The longest range selector or subquery range in a PromQL expression, in ms (0 for an instant query). */
export function promqlWindowMs(promql: string): number {
  let max = 0;
  for (const m of promql.matchAll(/\[\s*((?:\d+(?:ms|[smhdwy]))+)\s*(?::[^\]]*)?\]/g)) {
    let ms = 0;
    for (const part of (m[1] ?? '').matchAll(/(\d+)(ms|[smhdwy])/g)) ms += Number(part[1]) * (UNIT_MS[part[2] ?? 's'] ?? 0);
    max = Math.max(max, ms);
  }
  return max;
}

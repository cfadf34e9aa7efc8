/**
 * Reconnect delays to PostgreSQL: exponential from `baseMs`, capped at `maxMs`, with jitter
 * (half fixed, half random) so that replicas cut off together do not reconnect in step.
 */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const RECONNECT_BACKOFF: BackoffPolicy = { baseMs: 100, maxMs: 2_000 };

/** Delay before reconnect attempt `attempt` (0 = the first retry). */
export function backoffMs(attempt: number, p: BackoffPolicy = RECONNECT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(p.maxMs, p.baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

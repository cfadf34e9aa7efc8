/** The one place that owns retry policy for Charter calls: retryable errors only, bounded, exponential backoff. */

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

export function isRetryable(err: unknown): boolean {
  return (err as { retryable?: unknown } | null)?.retryable === true;
}

/** Backoff before attempt `n + 1` (n ≥ 1): baseMs · 2^(n−1), capped. No jitter: deterministic. */
export function backoffMs(n: number, p: RetryPolicy): number {
  return Math.min(p.maxMs, p.baseMs * 2 ** (n - 1));
}

export async function withRetry<T>(fn: () => Promise<T>, p: RetryPolicy, sleep: (ms: number) => Promise<void>): Promise<T> {
  for (let n = 1; ; n += 1) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err) || n >= p.attempts) throw err;
      await sleep(backoffMs(n, p));
    }
  }
}

export function isConflict(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === 'CharterConflictError';
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

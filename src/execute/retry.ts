/**
 * The one place that owns retry policy for Charter calls: retryable errors only, bounded in
 * attempts and in total time, exponential backoff. The Charter client the executor uses makes
 * one request per call (retries: 0), so attempts never multiply.
 */

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
  /** No new attempt starts once this long has passed since the first (0 = no bound). */
  readonly totalMs: number;
}

export function isRetryable(err: unknown): boolean {
  return (err as { retryable?: unknown } | null)?.retryable === true;
}

/** Backoff before attempt `n + 1` (n ≥ 1): baseMs · 2^(n−1), capped. No jitter: deterministic. */
export function backoffMs(n: number, p: RetryPolicy): number {
  return Math.min(p.maxMs, p.baseMs * 2 ** (n - 1));
}

export async function withRetry<T>(fn: () => Promise<T>, p: RetryPolicy, sleep: (ms: number) => Promise<void>, now: () => number = Date.now): Promise<T> {
  const start = now();
  for (let n = 1; ; n += 1) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err) || n >= p.attempts) throw err;
      const wait = backoffMs(n, p);
      if (p.totalMs > 0 && now() - start + wait >= p.totalMs) throw err;
      await sleep(wait);
    }
  }
}

export function isConflict(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === 'CharterConflictError';
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

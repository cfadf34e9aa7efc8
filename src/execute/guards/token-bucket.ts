/** A token bucket (rate limit): `burst` tokens, refilled at `perMinute`; clock passed in. */
import type { BucketOptions } from '../options.js';

/** What survives a restart or a failover (guard-memory.ts keeps it in the store). */
export interface BucketMemory {
  readonly tokens: number;
  readonly last?: number;
}

export function isBucketMemory(v: unknown): v is BucketMemory {
  if (v === null || typeof v !== 'object') return false;
  const m = v as { tokens?: unknown; last?: unknown };
  return typeof m.tokens === 'number' && Number.isFinite(m.tokens) && (m.last === undefined || (typeof m.last === 'number' && Number.isFinite(m.last)));
}

export class TokenBucket {
  private tokens: number;
  private last: number | undefined;

  constructor(private readonly o: BucketOptions) {
    this.tokens = o.burst;
  }

  private refill(now: number): void {
    if (this.last !== undefined && now > this.last) {
      this.tokens = Math.min(this.o.burst, this.tokens + ((now - this.last) * this.o.perMinute) / 60_000);
    }
    this.last = now;
  }

  /** True when one token is available now (takes nothing). */
  peek(now: number): boolean {
    this.refill(now);
    return this.tokens >= 1;
  }

  memory(): BucketMemory {
    return { tokens: this.tokens, ...(this.last !== undefined ? { last: this.last } : {}) };
  }

  /** Takes over what the previous leader left (never more than the burst now configured). */
  restore(m: BucketMemory): void {
    this.tokens = Math.max(0, Math.min(this.o.burst, m.tokens));
    this.last = m.last;
  }

  take(now: number): void {
    this.refill(now);
    this.tokens = Math.max(0, this.tokens - 1);
  }
}

/** A token bucket (rate limit): `burst` tokens, refilled at `perMinute`; clock passed in. */
import type { BucketOptions } from '../options.js';

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

  take(now: number): void {
    this.refill(now);
    this.tokens = Math.max(0, this.tokens - 1);
  }
}

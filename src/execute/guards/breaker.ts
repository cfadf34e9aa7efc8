/**
 * Circuit breaker: `failures` failures within `windowMs` open it; while open nothing acts;
 * after `openMs` one trial action may run (half open): success closes it, failure reopens.
 */
import type { BreakerState } from '../../types/executor.js';

/** What survives a restart (the store keeps it): failure times and when it opened. */
export interface BreakerMemory {
  readonly failures: readonly number[];
  readonly openedAt?: number;
}

export function isBreakerMemory(v: unknown): v is BreakerMemory {
  if (v === null || typeof v !== 'object') return false;
  const m = v as { failures?: unknown; openedAt?: unknown };
  return Array.isArray(m.failures) && m.failures.every((t) => typeof t === 'number') && (m.openedAt === undefined || typeof m.openedAt === 'number');
}

export class CircuitBreaker {
  private failures: number[] = [];
  private openedAt: number | undefined;
  private trialRunning = false;

  constructor(private readonly o: { failures: number; windowMs: number; openMs: number }) {}

  memory(): BreakerMemory {
    return { failures: [...this.failures], ...(this.openedAt !== undefined ? { openedAt: this.openedAt } : {}) };
  }

  /** Takes over what a previous process left (a half-open trial in flight is not carried over). */
  restore(m: BreakerMemory): void {
    this.failures = [...m.failures];
    this.openedAt = m.openedAt;
  }

  state(now: number): BreakerState {
    this.failures = this.failures.filter((t) => t > now - this.o.windowMs);
    if (this.openedAt === undefined) return { mode: 'closed', failures: this.failures.length };
    const reopensAt = this.openedAt + this.o.openMs;
    if (now >= reopensAt) return { mode: 'half_open', failures: this.failures.length };
    return { mode: 'open', failures: this.failures.length, reopensAt };
  }

  /** True when an action may go ahead; in half-open state only one trial at a time. */
  allow(now: number): boolean {
    const s = this.state(now);
    if (s.mode === 'closed') return true;
    if (s.mode === 'open' || this.trialRunning) return false;
    return true;
  }

  /** An action went ahead (marks the half-open trial). */
  started(now: number): void {
    if (this.state(now).mode === 'half_open') this.trialRunning = true;
  }

  success(now: number): void {
    if (this.state(now).mode !== 'closed') {
      this.openedAt = undefined;
      this.failures = [];
    }
    this.trialRunning = false;
  }

  /** Records a failure; true when this failure opened the breaker. */
  failure(now: number): boolean {
    const before = this.state(now).mode;
    this.failures.push(now);
    this.trialRunning = false;
    if (before === 'half_open' || (before === 'closed' && this.failures.length >= this.o.failures)) {
      this.openedAt = now;
      return true;
    }
    return false;
  }
}

/**
 * A replica's own view of its lease, on its local monotonic clock: it is the leader only until
 * (the send time of its last successful acquire or renewal + TTL − safety margin). The send
 * time, not the answer's arrival, starts the count, so a slow answer or a process paused
 * between sending and reading can only shorten the tenure it believes in, never lengthen it
 * past the database's expiry. Past the deadline `token()` is undefined at once, before any
 * timer has had a chance to fire: a process resumed after SIGSTOP starts nothing.
 */
import type { FenceSource, LeaseToken } from '../types/coordination.js';

export class LocalLeaseView implements FenceSource {
  private held: LeaseToken | undefined;
  private deadline = 0;

  constructor(
    private readonly validForMs: number,
    /** Monotonic milliseconds (performance.now in the service). */
    private readonly mono: () => number,
  ) {}

  /** The lease was acquired or renewed by a statement sent at `sentAt` (monotonic ms). */
  renewed(token: LeaseToken, sentAt: number): void {
    this.held = token;
    this.deadline = sentAt + this.validForMs;
  }

  /** The lease is gone (renewal refused, connection lost, released). */
  lost(): void {
    this.held = undefined;
    this.deadline = 0;
  }

  token(): LeaseToken | undefined {
    if (this.held === undefined) return undefined;
    return this.mono() < this.deadline ? this.held : undefined;
  }

  /** The token last held, whether or not its deadline passed (for "who was I"). */
  last(): LeaseToken | undefined {
    return this.held;
  }

  /** Monotonic ms at which token() turns undefined unless renewed (0 when not held). */
  deadlineAt(): number {
    return this.held === undefined ? 0 : this.deadline;
  }
}

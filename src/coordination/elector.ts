/**
 * The lease loop of one replica: while leader, renew every `renewEveryMs`; otherwise try to
 * acquire, at the same pace or right when the holder's lease expires, whichever is sooner.
 * One statement at a time on one dedicated connection. A refused renewal, a failed one, or
 * the local deadline passing (LocalLeaseView) deposes at once; the loop then competes again.
 * A deposition is final: a renewal that lands after it ends that tenure rather than revive it.
 */
import type { LeaseToken } from '../types/coordination.js';
import type { ReconnectingConnection } from './connection.js';
import type { LeaseHolder, LeaseStatements } from './lease.js';
import type { LocalLeaseView } from './local-view.js';

export interface ElectorOptions {
  readonly replicaId: string;
  readonly renewEveryMs: number;
  readonly lease: Pick<LeaseStatements, 'acquire' | 'renew' | 'release'>;
  readonly view: LocalLeaseView;
  readonly db: Pick<ReconnectingConnection, 'use'>;
  readonly mono: () => number;
  readonly onElected: (token: LeaseToken) => void;
  readonly onDeposed: (why: string) => void;
  readonly onError: (message: string | undefined) => void;
  readonly onSeen: (holder: LeaseHolder | undefined) => void;
}

export class LeaseElector {
  private stopped = true;
  private wake: (() => void) | undefined;
  /** A poke that came while a statement was in flight: the next wait is skipped. */
  private poked = false;
  private loop: Promise<void> | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  renewalFailures = 0;
  elections = 0;

  constructor(private readonly o: ElectorOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /** Tries to acquire now (a release was announced). */
  poke(): void {
    if (this.wake !== undefined) this.wake();
    else this.poked = true;
  }

  /** Stops the loop and releases the lease if held. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    const token = this.o.view.token();
    this.clearDeadline();
    this.o.view.lost();
    if (token !== undefined) await this.o.db.use('lease release', (c) => this.o.lease.release(c, token)).catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const wait = await this.step();
      if (this.stopped) break;
      if (this.poked) {
        this.poked = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const h = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(h);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** One acquire or renewal; resolves how long to wait before the next. */
  private async step(): Promise<number> {
    const held = this.o.view.token();
    const sentAt = this.o.mono();
    if (held === undefined && this.o.view.last() !== undefined) this.depose('the lease deadline passed before a renewal succeeded');
    try {
      if (held !== undefined) {
        const ok = await this.o.db.use('lease renewal', (c) => this.o.lease.renew(c, held));
        this.o.onError(undefined);
        if (ok && this.o.view.last() !== held) {
          // Deposed while this renewal was in flight (the local deadline passed; the
          // database, whose TTL is longer by the safety margin, still took it). A deposition
          // is final for its tenure: reviving it would make a leader the service never heard
          // elected. End it in the database so that a new tenure begins at once.
          await this.o.db.use('lease release', (c) => this.o.lease.release(c, held)).catch(() => undefined);
          return 0;
        }
        if (ok) {
          this.o.view.renewed(held, sentAt);
          this.armDeadline();
          return this.o.renewEveryMs;
        }
        this.renewalFailures++;
        this.depose(`lease renewal refused: "${held.holder}" no longer holds epoch ${held.epoch}`);
        return 0;
      }
      const r = await this.o.db.use('lease acquire', (c) => this.o.lease.acquire(c, this.o.replicaId));
      this.o.onError(undefined);
      if (r.acquired) {
        this.o.view.renewed(r.token, sentAt);
        this.armDeadline();
        this.o.onSeen({ ...r.token, remainingMs: Infinity });
        this.elections++;
        this.o.onElected(r.token);
        return this.o.renewEveryMs;
      }
      this.o.onSeen(r.current);
      const remaining = r.current === undefined ? 0 : Math.max(0, r.current.remainingMs);
      return Math.min(this.o.renewEveryMs, Math.ceil(remaining) + 5);
    } catch (err) {
      this.o.onError(err instanceof Error ? err.message : String(err));
      if (held !== undefined) {
        this.renewalFailures++;
        // Still ours until the local deadline: keep trying (the backoff is in the connection).
        return this.o.view.token() === undefined ? 0 : Math.min(this.o.renewEveryMs, 200);
      }
      return this.o.renewEveryMs;
    }
  }

  /** Fires when the local deadline passes without a renewal: deposes even while a statement hangs. */
  private armDeadline(): void {
    this.clearDeadline();
    const ms = Math.max(0, this.o.view.deadlineAt() - this.o.mono());
    this.deadlineTimer = setTimeout(() => {
      if (this.o.view.last() === undefined) return;
      // Timers run on the event loop's cached clock and may fire a little early: look again.
      if (this.o.view.token() !== undefined) return this.armDeadline();
      this.depose('the lease deadline passed before a renewal succeeded');
      this.wake?.();
    }, ms + 1);
    this.deadlineTimer.unref?.();
  }

  private clearDeadline(): void {
    if (this.deadlineTimer !== undefined) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
  }

  private depose(why: string): void {
    if (this.o.view.last() === undefined) return;
    this.clearDeadline();
    this.o.view.lost();
    this.o.onDeposed(why);
  }
}

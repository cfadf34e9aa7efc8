/**
 * The Coordinator over a shared PostgreSQL: a LeaseElector on one dedicated connection, a
 * TriggerRelay on another, and the LocalLeaseView that is the FenceSource of the store's
 * protected writes. Timing: a lease of `ttlMs` on the database's clock, renewed every
 * `renewEveryMs`; locally trusted for ttlMs − safetyMarginMs after each renewal was sent.
 */
import { LEADER_LEASE, type LeaseToken } from '../types/coordination.js';
import { ReconnectingConnection } from './connection.js';
import type { Coordinator, CoordinatorEvents, CoordinatorStatus } from './coordinator.js';
import { LeaseElector } from './elector.js';
import { LeaseStatements, type LeaseHolder } from './lease.js';
import { LocalLeaseView } from './local-view.js';
import { TriggerRelay, type RelayMessage } from './trigger-relay.js';
import type { BackoffPolicy } from './backoff.js';

export interface PostgresCoordinatorOptions {
  readonly url: string;
  readonly replicaId: string;
  readonly ttlMs: number;
  readonly renewEveryMs: number;
  /** Default safetyMargin(ttlMs). */
  readonly safetyMarginMs?: number;
  /** Monotonic ms; default performance.now. */
  readonly mono?: () => number;
  readonly backoff?: BackoffPolicy;
  /** Something to say (state changes and errors); the service passes its logger. */
  readonly log?: (level: 'info' | 'warn', msg: string, fields: Readonly<Record<string, unknown>>) => void;
}

/** The part of the TTL a replica does not trust its own clock with: a fifth, at most 2 s. */
export function safetyMargin(ttlMs: number): number {
  return Math.min(2_000, Math.round(ttlMs / 5));
}

const NO_EVENTS: CoordinatorEvents = { elected: () => undefined, deposed: () => undefined, relayed: () => undefined };

export class PostgresCoordinator implements Coordinator {
  readonly replicaId: string;
  private readonly view: LocalLeaseView;
  private readonly elector: LeaseElector;
  private readonly relayConn: TriggerRelay;
  private readonly db: ReconnectingConnection;
  private events: CoordinatorEvents = NO_EVENTS;
  private seen: LeaseHolder | undefined;
  private lastError: string | undefined;

  constructor(private readonly o: PostgresCoordinatorOptions) {
    this.replicaId = o.replicaId;
    const mono = o.mono ?? (() => performance.now());
    const margin = o.safetyMarginMs ?? safetyMargin(o.ttlMs);
    if (o.renewEveryMs >= o.ttlMs - margin) throw new Error(`lease renewal every ${o.renewEveryMs} ms must be shorter than the TTL ${o.ttlMs} ms less its safety margin ${margin} ms`);
    this.view = new LocalLeaseView(o.ttlMs - margin, mono);
    // A statement may take at most one renewal period: a hung one never outlives the tenure.
    const timeoutMs = Math.max(200, o.renewEveryMs);
    this.db = new ReconnectingConnection({ url: o.url, timeoutMs, applicationName: `mapek-lease ${o.replicaId}`, ...(o.backoff ? { backoff: o.backoff } : {}) });
    const log = o.log ?? (() => undefined);
    this.elector = new LeaseElector({
      replicaId: o.replicaId,
      renewEveryMs: o.renewEveryMs,
      lease: new LeaseStatements(LEADER_LEASE, o.ttlMs),
      view: this.view,
      db: this.db,
      mono,
      onElected: (token) => {
        log('info', 'leader lease acquired', { replicaId: o.replicaId, epoch: token.epoch });
        this.events.elected(token);
      },
      onDeposed: (why) => {
        log('warn', 'leader lease lost; no new action starts here', { replicaId: o.replicaId, why });
        this.events.deposed(why);
      },
      onError: (message) => {
        if (message !== undefined && message !== this.lastError) log('warn', 'lease connection to PostgreSQL failing; reconnecting with backoff', { error: message });
        else if (message === undefined && this.lastError !== undefined) log('info', 'lease connection to PostgreSQL back', {});
        this.lastError = message;
      },
      onSeen: (holder) => {
        const before = this.seen;
        this.seen = holder;
        if (holder !== undefined && (before?.holder !== holder.holder || before.epoch !== holder.epoch)) log('info', 'leader seen', { leader: holder.holder, epoch: holder.epoch });
      },
    });
    this.relayConn = new TriggerRelay({
      url: o.url,
      replicaId: o.replicaId,
      timeoutMs,
      ...(o.backoff ? { backoff: o.backoff } : {}),
      onMessage: (m) => this.onMessage(m),
      onError: (message) => log('warn', 'trigger relay failing; reconnecting with backoff', { error: message }),
    });
  }

  on(events: CoordinatorEvents): void {
    this.events = events;
  }

  start(): void {
    this.relayConn.start();
    this.elector.start();
  }

  async stop(): Promise<void> {
    const wasLeader = this.view.token() !== undefined;
    await this.elector.stop();
    if (wasLeader) await this.relayConn.send('released');
    this.relayConn.stop();
    this.db.close();
  }

  token(): LeaseToken | undefined {
    return this.view.token();
  }

  isLeader(): boolean {
    return this.view.token() !== undefined;
  }

  status(): CoordinatorStatus {
    const mine = this.view.token();
    const other = this.seen !== undefined && this.seen.remainingMs > 0 && this.seen.holder !== this.replicaId ? this.seen : undefined;
    const leader = mine ?? other;
    return {
      role: mine !== undefined ? 'leader' : 'standby',
      replicaId: this.replicaId,
      leader: leader === undefined ? undefined : { id: leader.holder, epoch: leader.epoch },
      ttlMs: this.o.ttlMs,
      renewEveryMs: this.o.renewEveryMs,
      connected: this.db.connected(),
      lastError: this.lastError,
      leaderChanges: this.elector.elections,
      renewalFailures: this.elector.renewalFailures,
      triggersRelayed: this.relayConn.sent,
      triggersReceived: this.relayConn.received,
    };
  }

  async relay(reason: string): Promise<void> {
    await this.relayConn.send(reason);
  }

  private onMessage(m: RelayMessage): void {
    if (m.reason === 'released') {
      this.elector.poke();
      return;
    }
    if (this.isLeader()) this.events.relayed(m.from, m.reason);
  }
}

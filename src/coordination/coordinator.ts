/**
 * The Coordinator role: which replica acts. Implemented by PostgresCoordinator (a lease row in
 * the shared PostgreSQL store); without a shared store there is no coordinator and the one
 * process is always the leader. The service asks it for the fence of every protected write,
 * hears when it gained or lost the lease, and relays triggers to whichever replica leads.
 */
import type { FenceSource, LeaseToken } from '../types/coordination.js';

export type Role = 'leader' | 'standby';

export interface CoordinatorStatus {
  readonly role: Role;
  readonly replicaId: string;
  /** Who holds the lease as last seen (this replica when leader); undefined when nobody does. */
  readonly leader: { readonly id: string; readonly epoch: number } | undefined;
  readonly ttlMs: number;
  readonly renewEveryMs: number;
  /** Whether the lease connection to PostgreSQL is up. */
  readonly connected: boolean;
  /** The newest error of the lease connection, until a statement succeeds. */
  readonly lastError: string | undefined;
  /** Times this replica became leader (counter). */
  readonly leaderChanges: number;
  /** Renewals that failed or were refused (counter). */
  readonly renewalFailures: number;
  /** Triggers passed on to the leader, and received from standbys (counters). */
  readonly triggersRelayed: number;
  readonly triggersReceived: number;
}

export interface CoordinatorEvents {
  /** This replica holds the lease now, at `token.epoch`: run recovery, then cycles. */
  elected(token: LeaseToken): void;
  /** It no longer does (`why`): stop starting actions, abort the cycle in flight. */
  deposed(why: string): void;
  /** A standby passed a trigger on (only delivered while leader). */
  relayed(from: string, reason: string): void;
}

export interface Coordinator extends FenceSource {
  readonly replicaId: string;
  /** Sets the handlers; call before start(). */
  on(events: CoordinatorEvents): void;
  /** Starts competing for the lease and listening for relayed triggers; resolves at once. */
  start(): void;
  /** Releases the lease (a standby takes over at once) and closes the connections. */
  stop(): Promise<void>;
  isLeader(): boolean;
  status(): CoordinatorStatus;
  /** Passes a trigger to the leader (a standby got a webhook); never throws. */
  relay(reason: string): Promise<void>;
}

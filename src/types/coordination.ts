/**
 * Coordination between replicas sharing one PostgreSQL store: the leader's lease and the
 * fencing token every protected write carries. The lease lives in the table `mapek_lease`
 * (migrations/postgres/0001_lease.sql); its clock is the database's, never a replica's.
 */
import { MapekError } from './errors.js';

/** Who holds the lease and which tenure (epoch) of it: a new holder always has a higher epoch. */
export interface LeaseToken {
  readonly holder: string;
  readonly epoch: number;
}

/**
 * Where a store asks, before each protected write, which token to fence it with. Undefined
 * means "not the leader now": the write is refused without reaching the database.
 */
export interface FenceSource {
  token(): LeaseToken | undefined;
}

/** The lease every replica competes for. */
export const LEADER_LEASE = 'leader';

/** A protected write refused because its writer no longer holds the lease with that epoch. */
export class FencedError extends MapekError {
  constructor(what: string, token: LeaseToken | undefined) {
    super(
      token === undefined
        ? `not the leader: ${what} not written`
        : `lease lost: "${token.holder}" no longer holds the leader lease at epoch ${token.epoch}: ${what} not written`,
      false,
    );
    this.name = 'FencedError';
  }
}

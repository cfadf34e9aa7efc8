/**
 * The leader lease as SQL: acquire, renew, release and read of one `mapek_lease` row, each a
 * single statement on the database's clock (clock_timestamp()), so that no replica's clock
 * decides and no read-then-write race exists. Acquire succeeds only when the row is absent or
 * expired and always raises the epoch (a new tenure, recorded in mapek_lease_history); renew
 * succeeds only for the holder at its epoch while the lease has not expired (a lapsed lease is
 * re-acquired, with a new epoch, never revived).
 */
import type { LeaseToken } from '../types/coordination.js';

/** One connection (or anything that runs a parameterised query). */
export interface Queryable {
  query<R extends Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<{ rows: R[] }>;
}

/** The lease row as another replica sees it. */
export interface LeaseHolder extends LeaseToken {
  /** Milliseconds until it expires on the database's clock (≤ 0: expired). */
  readonly remainingMs: number;
}

export type AcquireResult = { readonly acquired: true; readonly token: LeaseToken } | { readonly acquired: false; readonly current: LeaseHolder | undefined };

const ACQUIRE = `
WITH won AS (
  INSERT INTO mapek_lease AS l (name, holder, epoch, acquired_at, renewed_at, expires_at)
  VALUES ($1, $2, 1, clock_timestamp(), clock_timestamp(), clock_timestamp() + $3 * interval '1 millisecond')
  ON CONFLICT (name) DO UPDATE
    SET holder = EXCLUDED.holder, epoch = l.epoch + 1, acquired_at = clock_timestamp(), renewed_at = clock_timestamp(),
        expires_at = clock_timestamp() + $3 * interval '1 millisecond'
    WHERE l.expires_at <= clock_timestamp()
  RETURNING l.holder, l.epoch, l.acquired_at
), history AS (
  INSERT INTO mapek_lease_history (name, epoch, holder, acquired_at) SELECT $1, epoch, holder, acquired_at FROM won
)
SELECT holder, epoch::text AS epoch FROM won`;

const RENEW = `
UPDATE mapek_lease SET renewed_at = clock_timestamp(), expires_at = clock_timestamp() + $4 * interval '1 millisecond'
WHERE name = $1 AND holder = $2 AND epoch = $3 AND expires_at > clock_timestamp()
RETURNING epoch`;

// Expiring now (not deleting) keeps the epoch counting up across releases.
const RELEASE = `
UPDATE mapek_lease SET expires_at = clock_timestamp()
WHERE name = $1 AND holder = $2 AND epoch = $3 AND expires_at > clock_timestamp()
RETURNING epoch`;

const READ = `
SELECT holder, epoch::text AS epoch, (extract(epoch FROM expires_at - clock_timestamp()) * 1000)::float8 AS remaining_ms
FROM mapek_lease WHERE name = $1`;

export class LeaseStatements {
  constructor(
    private readonly name: string,
    private readonly ttlMs: number,
  ) {}

  /** Takes the lease for `holder` when it is absent or expired; otherwise says who holds it. */
  async acquire(db: Queryable, holder: string): Promise<AcquireResult> {
    const { rows } = await db.query<{ holder: string; epoch: string }>(ACQUIRE, [this.name, holder, this.ttlMs]);
    const row = rows[0];
    if (row !== undefined) return { acquired: true, token: { holder: row.holder, epoch: Number(row.epoch) } };
    return { acquired: false, current: await this.read(db) };
  }

  /** Extends the lease by one TTL; false when `token` no longer holds it (taken, or lapsed). */
  async renew(db: Queryable, token: LeaseToken): Promise<boolean> {
    const { rows } = await db.query(RENEW, [this.name, token.holder, token.epoch, this.ttlMs]);
    return rows.length === 1;
  }

  /** Ends the tenure now so that a standby takes over at once; false when it had ended. */
  async release(db: Queryable, token: LeaseToken): Promise<boolean> {
    const { rows } = await db.query(RELEASE, [this.name, token.holder, token.epoch]);
    return rows.length === 1;
  }

  async read(db: Queryable): Promise<LeaseHolder | undefined> {
    const { rows } = await db.query<{ holder: string; epoch: string; remaining_ms: number }>(READ, [this.name]);
    const row = rows[0];
    return row === undefined ? undefined : { holder: row.holder, epoch: Number(row.epoch), remainingMs: Number(row.remaining_ms) };
  }
}

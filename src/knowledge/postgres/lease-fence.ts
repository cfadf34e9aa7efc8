/**
 * Fencing of the leader's writes (Kleppmann): a write the lease protects carries the writer's
 * token and is conditional, in the same statement, on the lease row still naming that holder
 * and epoch and not having expired on the database's clock. The row is read FOR SHARE, so a
 * new leader's takeover (an UPDATE of that row) waits until the write has committed: every
 * fenced write lands strictly before or strictly after a change of leader, never across it.
 *
 * Each fenced statement reports both whether the lease held and how many rows it wrote, so a
 * lost lease (FencedError) is never mistaken for an ordinary compare-and-set miss.
 */
import { FencedError, LEADER_LEASE, type FenceSource, type LeaseToken } from '../../types/coordination.js';

/** A statement with the condition it must carry: `{{fenced}}` is replaced by it. */
export interface FencedStatement {
  /** The write, ending in `RETURNING 1`, with `{{fenced}}` where its condition goes. */
  readonly sql: string;
  readonly params: readonly unknown[];
}

export interface Fencing {
  /** The statement to run and how to read its one result row. */
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** The token to fence with; FencedError before reaching the database when not the leader. */
export function currentToken(fence: FenceSource | undefined, what: string): LeaseToken | undefined {
  if (fence === undefined) return undefined;
  const token = fence.token();
  if (token === undefined) throw new FencedError(what, undefined);
  return token;
}

/**
 * Wraps the write: `SELECT leased, n` where `n` counts the rows it wrote. Without a token the
 * condition is TRUE (an unfenced store: single node, tools).
 */
export function fencedStatement(s: FencedStatement, token: LeaseToken | undefined): Fencing {
  if (token === undefined) {
    return { sql: `WITH w AS (${s.sql.replaceAll('{{fenced}}', 'TRUE')}) SELECT TRUE AS leased, (SELECT count(*) FROM w)::int AS n`, params: s.params };
  }
  const h = s.params.length + 1;
  const lease =
    `lease AS (SELECT 1 FROM mapek_lease WHERE name = $${h} AND holder = $${h + 1} AND epoch = $${h + 2} ` +
    'AND expires_at > clock_timestamp() FOR SHARE)';
  const write = s.sql.replaceAll('{{fenced}}', 'EXISTS (SELECT 1 FROM lease)');
  return {
    sql: `WITH ${lease}, w AS (${write}) SELECT EXISTS (SELECT 1 FROM lease) AS leased, (SELECT count(*) FROM w)::int AS n`,
    params: [...s.params, LEADER_LEASE, token.holder, token.epoch],
  };
}

/** Throws FencedError when the lease did not hold; else how many rows the write wrote. */
export function fencedResult(row: { leased: boolean; n: number } | undefined, token: LeaseToken | undefined, what: string): number {
  if (row === undefined || !row.leased) throw new FencedError(what, token);
  return row.n;
}

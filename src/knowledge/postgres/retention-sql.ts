/**
 * Retention in SQL, with the limits and protections of the other backends (retention.ts):
 * all but the newest `max` rows of a table go, oldest first, skipping the protected ones
 * (executions in flight, waiting approvals, each rule's newest weight). One DELETE per table.
 */
import { LIVE_STATUSES, type RetentionOptions } from '../retention.js';
import type { Connection } from './connection.js';

interface Rule {
  readonly table: string;
  readonly key: string;
  readonly order: string;
  /** Rows that are never removed (SQL condition; NULL counts as not protected). */
  readonly keep: string;
  readonly max: (r: RetentionOptions) => number;
}

const RULES: Readonly<Record<'decisions' | 'executions' | 'outcomes' | 'weights' | 'approvals', Rule>> = {
  decisions: { table: 'mapek_decisions', key: 'id', order: 'at, id', keep: 'FALSE', max: (r) => r.maxDecisions },
  executions: {
    table: 'mapek_executions',
    key: 'key',
    order: 'created_at, key',
    keep: `status IN (${LIVE_STATUSES.map((s) => `'${s}'`).join(', ')})`,
    max: (r) => r.maxExecutions,
  },
  outcomes: { table: 'mapek_outcomes', key: 'key', order: 'at, key', keep: 'FALSE', max: (r) => r.maxOutcomes },
  weights: { table: 'mapek_weights', key: 'id', order: 'id', keep: 'id IN (SELECT max(id) FROM mapek_weights GROUP BY rule_id)', max: (r) => r.maxWeightChanges },
  approvals: { table: 'mapek_approvals', key: 'id', order: 'requested_at, id', keep: "state = 'waiting'", max: (r) => r.maxApprovals },
};

function prune(rule: Rule): string {
  return (
    `DELETE FROM ${rule.table} WHERE ${rule.key} IN (SELECT ${rule.key} FROM ${rule.table} WHERE NOT COALESCE(${rule.keep}, FALSE) ` +
    `ORDER BY ${rule.order} LIMIT GREATEST(0, (SELECT count(*) FROM ${rule.table}) - $1::bigint))`
  );
}

/** One pass over every table; rows removed per collection. */
export async function retainTables(conn: Connection, r: RetentionOptions): Promise<Record<string, number>> {
  const removed: Record<string, number> = {};
  for (const [name, rule] of Object.entries(RULES)) removed[name] = (await conn.query(prune(rule), [rule.max(r)])).rowCount ?? 0;
  return removed;
}

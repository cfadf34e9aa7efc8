/**
 * How each collection lies in PostgreSQL (migrations/postgres/0002_knowledge.sql): its table and
 * which column holds which field of the document (src/knowledge/documents.ts). Rows convert
 * to documents and back through this table alone, so the one document check reads them.
 */
import type { StoredDoc } from '../collection.js';
import type { CollectionName } from '../documents.js';

export interface TableMap {
  readonly table: string;
  /** Document field → column; `_id` is the primary key. `body` is always the column `body`. */
  readonly columns: Readonly<Record<string, string>>;
}

export const TABLES: Readonly<Record<CollectionName, TableMap>> = {
  decisions: { table: 'mapek_decisions', columns: { _id: 'id', at: 'at', cycleId: 'cycle_id', incidentId: 'incident_id' } },
  executions: {
    table: 'mapek_executions',
    columns: { _id: 'key', id: 'id', status: 'status', ruleId: 'rule_id', target: 'target', incidentId: 'incident_id', decisionId: 'decision_id', createdAt: 'created_at' },
  },
  outcomes: { table: 'mapek_outcomes', columns: { _id: 'key', ruleId: 'rule_id', at: 'at' } },
  weights: { table: 'mapek_weights', columns: { _id: 'id', ruleId: 'rule_id', at: 'at' } },
  approvals: { table: 'mapek_approvals', columns: { _id: 'id', state: 'state', requestedAt: 'requested_at' } },
  controller: { table: 'mapek_controller', columns: { _id: 'name' } },
};

export const pk = (name: CollectionName): string => TABLES[name].columns['_id']!;

/** The SELECT list that reads a row back under its document field names. */
export function selectList(name: CollectionName): string {
  return [...Object.entries(TABLES[name].columns).map(([f, c]) => `${c} AS "${f}"`), 'body'].join(', ');
}

/** A row as read (columns named as document fields) → a document; NULL columns are absent. */
export function rowToDoc(row: Readonly<Record<string, unknown>>): StoredDoc {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (v !== null) out[k] = v;
  return out as StoredDoc;
}

/** Columns and values of `doc` in table order (fields the table has no column for are left out). */
export function docValues(name: CollectionName, doc: Readonly<Record<string, unknown>>): { columns: string[]; values: unknown[] } {
  const columns: string[] = [];
  const values: unknown[] = [];
  for (const [f, c] of [...Object.entries(TABLES[name].columns), ['body', 'body'] as const]) {
    columns.push(c);
    const v = doc[f];
    values.push(v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v));
  }
  return { columns, values };
}

/** `$from, $from+1, …` for n values. */
export const placeholders = (n: number, from = 1): string => Array.from({ length: n }, (_, i) => `$${i + from}`).join(', ');

/**
 * The SQL of each document write, built from the table map (tables.ts). Every write leaves
 * `{{fenced}}` where the lease condition goes (lease-fence.ts) and ends in `RETURNING 1`, so
 * the caller learns how many rows it wrote.
 */
import type { StoredDoc } from '../collection.js';
import type { CollectionName } from '../documents.js';
import type { FencedStatement } from './lease-fence.js';
import { docValues, pk, placeholders, selectList, TABLES } from './tables.js';

/** Inserts `docs`; an existing key is replaced (`replace`) or left as it is (then it is not counted). */
export function writeDocs(name: CollectionName, docs: readonly StoredDoc[], replace: boolean): FencedStatement {
  const { table } = TABLES[name];
  const rows = docs.map((d) => docValues(name, d));
  const columns = rows[0]!.columns;
  const params = rows.flatMap((r) => r.values);
  const values = rows.map((_, i) => `(${placeholders(columns.length, i * columns.length + 1)})`).join(', ');
  const key = pk(name);
  const onConflict = replace
    ? `DO UPDATE SET ${columns.filter((c) => c !== key).map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`
    : 'DO NOTHING';
  return {
    sql: `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM (VALUES ${values}) AS v (${columns.join(', ')}) WHERE {{fenced}} ON CONFLICT (${key}) ${onConflict} RETURNING 1`,
    params,
  };
}

/**
 * Replaces the row of `next._id` with `next` only while it still is exactly `previous` (its body
 * text) and `extra` holds: the compare-and-set behind transition, update and approval verdicts.
 */
export function replaceIfUnchanged(name: CollectionName, previous: StoredDoc, next: StoredDoc, extra?: { readonly column: string; readonly anyOf: readonly string[] }): FencedStatement {
  const { table } = TABLES[name];
  const { columns, values } = docValues(name, next);
  const key = pk(name);
  const sets = columns.map((c, i) => `${c} = $${i + 1}`).join(', ');
  const n = values.length;
  const cond = extra ? ` AND ${extra.column} = ANY($${n + 3}::text[])` : '';
  return {
    sql: `UPDATE ${table} SET ${sets} WHERE ${key} = $${n + 1} AND body = $${n + 2}${cond} AND {{fenced}} RETURNING 1`,
    params: [...values, previous._id, previous.body, ...(extra ? [[...extra.anyOf]] : [])],
  };
}

/** A weight change under the next value of mapek_weight_seq: id "AT|SEQ|RULE", as the journal store names it. */
export function insertWeight(doc: StoredDoc): FencedStatement {
  return {
    sql:
      "INSERT INTO mapek_weights (id, rule_id, at, body) SELECT $1 || '|' || lpad(q.s::text, greatest(9, length(q.s::text)), '0') || '|' || $2, $2, $1, $3 " +
      "FROM (SELECT nextval('mapek_weight_seq') AS s) AS q WHERE {{fenced}} RETURNING 1",
    params: [doc['at'], doc['ruleId'], doc.body],
  };
}

/** Moves a row that failed its check to mapek_quarantine (only if it is still the row that failed). */
export function quarantineRow(name: CollectionName, doc: StoredDoc, reason: string): { sql: string; params: unknown[] } {
  const { table } = TABLES[name];
  return {
    sql:
      `WITH d AS (DELETE FROM ${table} WHERE ${pk(name)} = $1 AND body IS NOT DISTINCT FROM $2 RETURNING *) ` +
      'INSERT INTO mapek_quarantine (collection, doc_id, reason, row_json) SELECT $3, $1, $4, row_to_json(d)::text FROM d',
    params: [doc._id, doc.body ?? null, name, reason],
  };
}

/** SELECT of a collection's rows under document field names. */
export const selectFrom = (name: CollectionName): string => `SELECT ${selectList(name)} FROM ${TABLES[name].table}`;

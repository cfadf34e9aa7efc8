/**
 * A PostgreSQL knowledge store as a long-running service leaves it without retention: `n`
 * executions, `n` outcomes and `n` decisions, record i made at T0 + i seconds. One record of
 * each is written through PostgresKnowledgeStore first (so the rows have exactly the store's
 * columns and body); the rest are copies made by the server (INSERT … SELECT over
 * generate_series, the template's text with its key, id and time replaced), as bulk-store.ts
 * does for the journal files.
 */
import pg from 'pg';
import { PostgresKnowledgeStore } from '../../src/knowledge/index.js';
import { record, T0, TEMPLATE_OUTCOME, templateDecision } from './bulk-store.js';

/** Record i's time as the store writes it (toISOString), computed by the server. */
const ISO = `to_char(timestamp '2026-01-01 00:00:00' + i * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Each table's copy: its columns, with TEMPLATEKEY/TEMPLATEID/TEMPLATEDEC and the template time replaced in every text. */
const FILL: readonly { table: string; key: string; columns: readonly string[]; template: string }[] = [
  { table: 'mapek_executions', key: 'key', columns: ['key', 'id', 'status', 'rule_id', 'target', 'incident_id', 'decision_id', 'created_at', 'body'], template: 'TEMPLATEKEY' },
  { table: 'mapek_outcomes', key: 'key', columns: ['key', 'rule_id', 'at', 'body'], template: 'TEMPLATEKEY' },
  { table: 'mapek_decisions', key: 'id', columns: ['id', 'at', 'cycle_id', 'incident_id', 'body'], template: 'TEMPLATEDEC' },
];

const substituted = (column: string, at0: string): string =>
  `replace(replace(replace(replace(t.${column}, 'TEMPLATEKEY', 'k-' || i), 'TEMPLATEID', 'e-' || i), 'TEMPLATEDEC', 'd-' || i), '${at0}', ${ISO})`;

/** Fills the (migrated or new) database at `url`; `onProgress(table)` after each table. */
export async function fillPostgresStore(url: string, n: number, onProgress: (table: string, ms: number) => void = () => undefined): Promise<void> {
  const store = await PostgresKnowledgeStore.open(url);
  try {
    await store.recordIntent(record(0));
    await store.recordOutcome(TEMPLATE_OUTCOME);
    await store.saveDecision(templateDecision());
  } finally {
    await store.close();
  }
  const at0 = new Date(T0).toISOString();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const f of FILL) {
      const t0 = performance.now();
      const cols = f.columns.join(', ');
      const values = f.columns.map((c) => substituted(c, at0)).join(', ');
      await client.query(`INSERT INTO ${f.table} (${cols}) SELECT ${values} FROM ${f.table} t, generate_series(1, $1::int) i WHERE t.${f.key} = '${f.template}'`, [n]);
      await client.query(`DELETE FROM ${f.table} WHERE ${f.key} = '${f.template}'`);
      await client.query(`ANALYZE ${f.table}`);
      onProgress(f.table, performance.now() - t0);
    }
  } finally {
    await client.end();
  }
}

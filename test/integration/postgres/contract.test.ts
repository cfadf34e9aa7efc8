/** The KnowledgeStore contract (test/unit/knowledge/contract.ts) against PostgreSQL: one server, a fresh database per store. */
import test from 'ava';
import pg from 'pg';
import { PostgresKnowledgeStore } from '../../../src/knowledge/index.js';
import { docValues, TABLES } from '../../../src/knowledge/postgres/tables.js';
import type { CollectionName } from '../../../src/knowledge/documents.js';
import { storeContract } from '../../unit/knowledge/contract.js';
import { startPostgres, type Postgres } from '../../support/postgres.js';

let server: Postgres | undefined;
let starting: Promise<Postgres> | undefined;
let n = 0;
let creating: Promise<unknown> = Promise.resolve();
const serverOnce = (): Promise<Postgres> => (starting ??= startPostgres().then((s) => (server = s)));
test.after.always(() => server?.stop());

/** CREATE DATABASE copies template1, which refuses two copies at once: one at a time. */
function freshDb(): Promise<string> {
  n += 1;
  const name = `contract_${n}`;
  const made = creating.then(async () => (await serverOnce()).createDatabase(name));
  creating = made.catch(() => undefined);
  return made;
}

storeContract<PostgresKnowledgeStore>('postgres', {
  open: async (retention) => PostgresKnowledgeStore.open(await freshDb(), retention ? { retention } : {}),
  reopen: (s) => PostgresKnowledgeStore.open(s.conn.url),
  seed: async (docs) => {
    const url = await freshDb();
    const store = await PostgresKnowledgeStore.open(url);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    // The raw documents as rows, bypassing the store (as an operator's hand edit would).
    for (const [name, list] of Object.entries(docs) as [CollectionName, readonly Record<string, unknown>[]][]) {
      for (const d of list) {
        const { columns, values } = docValues(name, d);
        await c.query(`INSERT INTO ${TABLES[name].table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, values);
      }
    }
    await c.end();
    return store;
  },
});

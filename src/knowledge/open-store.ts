/**
 * The one place that turns "where is the knowledge" into a store: a PostgreSQL URL selects
 * the shared PostgresKnowledgeStore, else the journal files under a directory (the embedded
 * default: `npm start`, one node and simulation need no database). The service opens it
 * writable; the CLI opens a read view (files parsed, never rewritten) or the same database.
 */
import type { FenceSource } from '../types/coordination.js';
import type { ExtendedKnowledgeStore } from '../types/knowledge.js';
import { NedbKnowledgeStore } from './nedb-store.js';
import { describeUrl, type ConnectionOptions } from './postgres/connection.js';
import { PostgresKnowledgeStore } from './postgres/store.js';
import { openReadonlyView } from './view.js';

export interface StoreLocation {
  /** postgres://… or postgresql://…; absent: the files under `dir`. */
  readonly url?: string | undefined;
  readonly dir: string;
}

export interface OpenStoreOptions {
  /** The leader's lease (PostgreSQL only): the leader's writes are fenced by it. */
  readonly fence?: FenceSource;
  readonly connection?: ConnectionOptions;
}

/** "postgres HOST:PORT/DB" or the directory: where the records are, for logs and messages (no credentials). */
export function describeStore(loc: StoreLocation): string {
  return loc.url !== undefined ? `postgres ${describeUrl(loc.url)}` : loc.dir;
}

/** The service's store: writable, migrated (PostgreSQL) or loaded and compacted (files). */
export function openStore(loc: StoreLocation, o: OpenStoreOptions = {}): Promise<NedbKnowledgeStore | PostgresKnowledgeStore> {
  if (loc.url !== undefined) return PostgresKnowledgeStore.open(loc.url, { ...(o.fence ? { fence: o.fence } : {}), ...(o.connection ? { connection: o.connection } : {}) });
  return NedbKnowledgeStore.open(loc.dir);
}

/**
 * What the CLI reads and resolves approvals on: the database itself (safe while replicas run),
 * or a read-only view of the files (a running service's files are never rewritten).
 */
export function openStoreView(loc: StoreLocation, o: { connection?: ConnectionOptions } = {}): Promise<ExtendedKnowledgeStore> {
  if (loc.url !== undefined) return PostgresKnowledgeStore.open(loc.url, o.connection ? { connection: o.connection } : {});
  return openReadonlyView(loc.dir);
}

/**
 * The storage seam under the knowledge store: a keyed collection of documents, each a few
 * indexed fields plus the record itself as JSON text in `body` (nedb forbids keys with dots
 * or a leading `$`, which facts and params may contain). Two backends: memory and the
 * journal files (nedb's file format, journal-collection.ts). A new backend (PostgreSQL, …)
 * implements this interface and passes test/unit/knowledge/contract.ts.
 */
import type { QuarantinedRecord } from '../types/knowledge.js';

/** Field → literal (equality), `{ $in: [...] }`, `{ $gte: x }` or `{ $lte: x }`. */
export type Filter = Readonly<Record<string, unknown>>;

export interface StoredDoc {
  readonly _id: string;
  readonly body: string;
  readonly [field: string]: unknown;
}

export interface FindOptions {
  readonly sort?: { readonly field: string; readonly dir: 1 | -1 };
  readonly limit?: number;
  /**
   * Only the indexed fields are needed (`body` may come back ''): a backend that keeps bodies
   * elsewhere skips reading them. Retention and counts use it.
   */
  readonly withoutBody?: boolean;
}

/** A document taken out of the live set because it failed its check (documents.ts). */
export type QuarantinedDoc = QuarantinedRecord;

export interface Collection {
  readonly name: string;
  /** Resolves false (and writes nothing) when the _id exists. Throws when the write fails. */
  insert(doc: StoredDoc): Promise<boolean>;
  upsert(doc: StoredDoc): Promise<void>;
  /** Writes all of `docs` at once (one append for nedb); an existing _id is replaced. */
  upsertMany(docs: readonly StoredDoc[]): Promise<void>;
  get(id: string): Promise<StoredDoc | undefined>;
  find(filter: Filter, opts?: FindOptions): Promise<StoredDoc[]>;
  remove(ids: readonly string[]): Promise<number>;
  count(filter?: Filter): Promise<number>;
  /**
   * Rewrites the backing file without superseded lines (no-op in memory); with `minGarbage`
   * (a share, 0..1) only when at least that much of the file is superseded lines.
   */
  compact(minGarbage?: number): Promise<void>;
  /**
   * Takes a document that failed its check out of the live set, keeping its original where
   * an operator finds it (the journal: FILE.quarantine). Later reads no longer see it.
   */
  quarantine(doc: StoredDoc, reason: string): Promise<void>;
  /** Every document quarantined since open, the ones found while loading first. */
  quarantined(): readonly QuarantinedDoc[];
  /** Releases what the backend holds open (file descriptors); optional. Called by the store's close(). */
  close?(): void;
}

function matchesValue(actual: unknown, expected: unknown): boolean {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    const op = expected as Record<string, unknown>;
    if ('$in' in op) return (op['$in'] as unknown[]).includes(actual);
    if ('$gte' in op) return actual !== undefined && (actual as string) >= (op['$gte'] as string);
    if ('$lte' in op) return actual !== undefined && (actual as string) <= (op['$lte'] as string);
  }
  return actual === expected;
}

export function matches(doc: StoredDoc, filter: Filter): boolean {
  return Object.entries(filter).every(([k, v]) => matchesValue(doc[k], v));
}

export function sortAndLimit(docs: StoredDoc[], opts: FindOptions = {}): StoredDoc[] {
  let out = docs;
  const s = opts.sort;
  if (s) {
    out = [...out].sort((a, b) => {
      const x = a[s.field] as string | number;
      const y = b[s.field] as string | number;
      return x < y ? -s.dir : x > y ? s.dir : 0;
    });
  }
  return opts.limit !== undefined ? out.slice(0, opts.limit) : out;
}

/** In-memory backend: simulation and tests. */
export class MemoryCollection implements Collection {
  private readonly docs = new Map<string, StoredDoc>();
  private readonly bad: QuarantinedDoc[] = [];
  constructor(readonly name: string) {}

  async insert(doc: StoredDoc): Promise<boolean> {
    if (this.docs.has(doc._id)) return false;
    this.docs.set(doc._id, { ...doc });
    return true;
  }
  async upsert(doc: StoredDoc): Promise<void> {
    this.docs.set(doc._id, { ...doc });
  }
  async upsertMany(docs: readonly StoredDoc[]): Promise<void> {
    for (const d of docs) this.docs.set(d._id, { ...d });
  }
  async get(id: string): Promise<StoredDoc | undefined> {
    const d = this.docs.get(id);
    return d ? { ...d } : undefined;
  }
  async find(filter: Filter, opts?: FindOptions): Promise<StoredDoc[]> {
    return sortAndLimit([...this.docs.values()].filter((d) => matches(d, filter)), opts).map((d) => ({ ...d }));
  }
  async remove(ids: readonly string[]): Promise<number> {
    let n = 0;
    for (const id of ids) if (this.docs.delete(id)) n += 1;
    return n;
  }
  async count(filter: Filter = {}): Promise<number> {
    return [...this.docs.values()].filter((d) => matches(d, filter)).length;
  }
  async compact(): Promise<void> {}
  async quarantine(doc: StoredDoc, reason: string): Promise<void> {
    this.docs.delete(doc._id);
    this.bad.push({ collection: this.name, id: doc._id, reason });
  }
  quarantined(): readonly QuarantinedDoc[] {
    return this.bad;
  }
}

/** nedb-promises backend of a Collection: one append-only file, compacted on load and on retain. */
import Datastore from 'nedb-promises';
import { MapekError } from '../types/errors.js';
import type { LoadReport } from '../types/knowledge.js';
import type { Collection, Filter, FindOptions, StoredDoc } from './collection.js';
import { backupIfCorrupt } from './file-scan.js';

type Db = ReturnType<typeof Datastore.create>;

/** Ids per nedb remove call, and the removal size above which indexes are rebuilt (see remove()). */
const REMOVE_CHUNK = 500;
const REBUILD_INDEXES_ABOVE = 5_000;

/** A write the store could not make durable (disk full, permissions): never retryable here. */
export class StoreWriteError extends MapekError {
  readonly file: string;
  constructor(file: string, cause: unknown) {
    super(`knowledge store write to "${file}" failed: ${cause instanceof Error ? cause.message : String(cause)}`, false, { cause });
    this.name = 'StoreWriteError';
    this.file = file;
  }
}

export class NedbCollection implements Collection {
  private constructor(
    readonly name: string,
    readonly file: string,
    private readonly db: Db,
    private readonly indexes: readonly string[] = [],
  ) {}

  /**
   * Opens `file`: scans it first (unparsable lines are counted, the original copied to a
   * timestamped backup), then loads — never with autoload — and ensures the indexes.
   */
  static async open(name: string, file: string, indexes: readonly string[], stamp: string): Promise<{ collection: NedbCollection; report?: LoadReport }> {
    const report = await backupIfCorrupt(file, stamp);
    // After the backup every bad line is accounted for, so nedb may drop them all.
    const db = Datastore.create({ filename: file, autoload: false, corruptAlertThreshold: 1 });
    try {
      await db.load();
      for (const fieldName of indexes) await db.ensureIndex({ fieldName });
    } catch (err) {
      throw new MapekError(`cannot load knowledge store file "${file}": ${err instanceof Error ? err.message : String(err)}`, false, { cause: err });
    }
    return report ? { collection: new NedbCollection(name, file, db, indexes), report } : { collection: new NedbCollection(name, file, db, indexes) };
  }

  async insert(doc: StoredDoc): Promise<boolean> {
    try {
      await this.db.insert(doc);
      return true;
    } catch (err) {
      if ((err as { errorType?: string }).errorType === 'uniqueViolated') return false;
      // nedb caches before it persists: undo the cached copy so memory matches the file.
      await this.db.remove({ _id: doc._id }, {}).catch(() => undefined);
      throw new StoreWriteError(this.file, err);
    }
  }

  async upsert(doc: StoredDoc): Promise<void> {
    try {
      await this.db.update({ _id: doc._id }, doc, { upsert: true });
    } catch (err) {
      throw new StoreWriteError(this.file, err);
    }
  }

  async upsertMany(docs: readonly StoredDoc[]): Promise<void> {
    if (docs.length === 0) return;
    try {
      // One insert of the array: nedb appends all lines in one write.
      await this.db.insert([...docs]);
      return;
    } catch (err) {
      if ((err as { errorType?: string }).errorType !== 'uniqueViolated') {
        await this.db.remove({ _id: { $in: docs.map((d) => d._id) } }, { multi: true }).catch(() => undefined);
        throw new StoreWriteError(this.file, err);
      }
    }
    // Some ids exist already (nedb inserted none of them): one upsert each.
    for (const d of docs) await this.upsert(d);
  }

  async get(id: string): Promise<StoredDoc | undefined> {
    const d = await this.db.findOne<StoredDoc>({ _id: id });
    return (d ?? undefined) as StoredDoc | undefined;
  }

  async find(filter: Filter, opts: FindOptions = {}): Promise<StoredDoc[]> {
    let cursor = this.db.find<StoredDoc>(filter);
    if (opts.sort) cursor = cursor.sort({ [opts.sort.field]: opts.sort.dir });
    if (opts.limit !== undefined) cursor = cursor.limit(opts.limit);
    return (await cursor.exec()) as StoredDoc[];
  }

  async remove(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    try {
      // Two costs of nedb grow with the square of a large removal: `$in` scans its list once
      // per matched document, and a secondary index with few distinct values (status, ruleId)
      // copies its whole value list for every document taken out of it. So: chunks of ids,
      // and for a large removal (a first open after retention was off) drop the secondary
      // indexes and rebuild them over what is left. Same documents removed, same indexes after.
      const large = ids.length > REBUILD_INDEXES_ABOVE && this.indexes.length > 0;
      if (large) for (const fieldName of this.indexes) await this.db.removeIndex(fieldName);
      let removed = 0;
      for (let i = 0; i < ids.length; i += REMOVE_CHUNK) {
        removed += await this.db.remove({ _id: { $in: ids.slice(i, i + REMOVE_CHUNK) } }, { multi: true });
      }
      if (large) for (const fieldName of this.indexes) await this.db.ensureIndex({ fieldName });
      return removed;
    } catch (err) {
      throw new StoreWriteError(this.file, err);
    }
  }

  async count(filter: Filter = {}): Promise<number> {
    return (await this.db.count(filter)) as unknown as number;
  }

  async compact(): Promise<void> {
    // The wrapper's own compaction helpers throw; the underlying datastore's work.
    await (this.db as unknown as { __original: { compactDatafileAsync(): Promise<void> } }).__original.compactDatafileAsync();
  }
}

/**
 * The write fence of a knowledge store: close() waits for the writes in progress, and every
 * write after it is refused with StoreClosedError. So a store closed while a cycle still runs
 * (shutdown past its grace period) is closed between two writes, never in the middle of one,
 * and the cycle's later writes fail loudly instead of landing after the flush. The action
 * whose update is refused stays recorded as its intent, which crash recovery reconciles.
 */
import { MapekError } from '../types/errors.js';
import type { Collection } from './collection.js';

export class StoreClosedError extends MapekError {
  constructor(what: string) {
    super(`knowledge store is closed (shutting down): ${what} not written`, false);
    this.name = 'StoreClosedError';
  }
}

export class WriteFence {
  private closed = false;
  private readonly inProgress = new Set<Promise<unknown>>();
  /** The error of the newest write when it failed; cleared by the next write that succeeds. */
  private failing: string | undefined;

  isClosed(): boolean {
    return this.closed;
  }

  run<T>(what: string, write: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreClosedError(what));
    const p = write();
    this.inProgress.add(p);
    const done = (): void => void this.inProgress.delete(p);
    p.then(
      () => {
        this.failing = undefined;
        done();
      },
      (err: unknown) => {
        this.failing = err instanceof Error ? err.message : String(err);
        done();
      },
    );
    return p;
  }

  /** Why the newest write failed (its records are behind), or undefined when it succeeded. */
  writeError(): string | undefined {
    return this.failing;
  }

  /** Refuses new writes, then waits until every write in progress has settled. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.inProgress.size > 0) await Promise.allSettled([...this.inProgress]);
  }
}

/** `c` with its writes going through the fence (reads are not fenced). */
export function fenced(c: Collection, fence: WriteFence): Collection {
  return {
    name: c.name,
    insert: (doc) => fence.run(`${c.name} "${doc._id}"`, () => c.insert(doc)),
    upsert: (doc) => fence.run(`${c.name} "${doc._id}"`, () => c.upsert(doc)),
    upsertMany: (docs) => fence.run(`${docs.length} ${c.name}`, () => c.upsertMany(docs)),
    remove: (ids) => fence.run(`removal of ${ids.length} ${c.name}`, () => c.remove(ids)),
    compact: (minGarbage) => fence.run(`compaction of ${c.name}`, () => c.compact(minGarbage)),
    quarantine: (doc, reason) => fence.run(`quarantine of ${c.name} "${doc._id}"`, () => c.quarantine(doc, reason)),
    quarantined: () => c.quarantined(),
    get: (id) => c.get(id),
    find: (filter, opts) => c.find(filter, opts),
    count: (filter) => c.count(filter),
  };
}

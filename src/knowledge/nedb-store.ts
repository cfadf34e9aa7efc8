/**
 * The durable knowledge store: one journal file per collection, in nedb's line format, under
 * a directory (default `knowledge/`): decisions.db, executions.db, outcomes.db, weights.db,
 * approvals.db, controller.db (the circuit breaker's state), plus schema.json, the schema
 * version stamp, and FILE.quarantine next to a file where damaged lines were found. Appends
 * are fdatasync'ed and repaired after a failure (journal-file.ts); every line is checked on
 * load and every document on read (documents.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Approval } from '../types/knowledge.js';
import { MapekError } from '../types/errors.js';
import type { LoadReport } from '../types/knowledge.js';
import { takeVerdicts } from './approval-inbox.js';
import { DocumentKnowledgeStore, INDEXES, openCollections, type Collections } from './document-store.js';
import { readIfExists } from './file-scan.js';
import { JournalCollection } from './journal-collection.js';
import { resolveRetention, type RetentionOptions } from './retention.js';

export const SCHEMA_VERSION = 1;

export interface NedbStoreOptions {
  readonly retention?: Partial<RetentionOptions>;
  /** Time of quarantine entries; default the current time. */
  readonly now?: () => Date;
  /**
   * fdatasync every append before it resolves (default true: "durable when the promise
   * resolves" across a power loss). Off only to measure what it costs (bench).
   */
  readonly fsync?: boolean;
}

async function checkSchema(dir: string, now: Date): Promise<void> {
  const file = join(dir, 'schema.json');
  const text = await readIfExists(file);
  if (text === undefined) {
    await writeFile(file, `${JSON.stringify({ schemaVersion: SCHEMA_VERSION, createdAt: now.toISOString() })}\n`);
    return;
  }
  let v: unknown;
  try {
    v = (JSON.parse(text) as { schemaVersion?: unknown }).schemaVersion;
  } catch {
    throw new MapekError(`${file}: not valid JSON`, false);
  }
  if (typeof v !== 'number') throw new MapekError(`${file}: schemaVersion: expected a number`, false);
  if (v > SCHEMA_VERSION) throw new MapekError(`${file}: schema version ${v} is newer than this build supports (${SCHEMA_VERSION})`, false);
}

export class NedbKnowledgeStore extends DocumentKnowledgeStore {
  private constructor(
    readonly dir: string,
    c: Collections,
    retention: RetentionOptions,
    reports: readonly LoadReport[],
  ) {
    super(c, retention, reports);
  }

  static async open(dir: string, opts: NedbStoreOptions = {}): Promise<NedbKnowledgeStore> {
    const now = (opts.now ?? (() => new Date()))();
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      throw new MapekError(`cannot create knowledge store directory "${dir}": ${(err as Error).message}`, false, { cause: err });
    }
    await checkSchema(dir, now);
    const reports: LoadReport[] = [];
    const clock = opts.now ?? (() => new Date());
    const open = async (name: keyof Collections): Promise<JournalCollection> => {
      const { collection, report } = await JournalCollection.open(name, join(dir, `${name}.db`), { now: () => clock().toISOString(), indexes: INDEXES[name], ...(opts.fsync !== undefined ? { fsync: opts.fsync } : {}) });
      if (report) reports.push(report);
      return collection;
    };
    const c = await openCollections(open);
    const store = new NedbKnowledgeStore(dir, c, resolveRetention(opts.retention), reports);
    // Retention and compaction at open are housekeeping: on a nearly full disk they are
    // deferred (health().retentionError names the room needed) and the store still opens.
    await store.retain().catch(() => undefined);
    return store;
  }

  override async syncApprovals(): Promise<readonly Approval[]> {
    const out: Approval[] = [];
    for (const v of await takeVerdicts(this.dir)) {
      const a = await this.resolveApproval(v.id, v.state, v.by, v.reason, v.at);
      if (a) out.push(a);
    }
    return out;
  }
}

/** Opens the durable store; `loadReports()` says what a corrupt file lost (and where the backup is). */
export function openKnowledgeStore(dir = 'knowledge', opts: NedbStoreOptions = {}): Promise<NedbKnowledgeStore> {
  return NedbKnowledgeStore.open(dir, opts);
}

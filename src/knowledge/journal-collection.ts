/**
 * A Collection kept in memory and journaled to one file in nedb's line format (files written
 * by nedb load unchanged; nedb's index lines are skipped). Write-ahead: a write reaches the
 * file (fdatasync'ed, journal-file.ts) before memory, so a failed write is not seen by any
 * read and an acknowledged one survives a crash or a power loss.
 *
 * Loading checks every line (documents.ts): one that is not JSON, or a document that fails
 * its schema, is quarantined: its text goes to FILE.quarantine (one JSON line each: line,
 * reason, text), it is left out of memory, and the next compaction drops it from FILE. A
 * torn last line (no newline: an append that never completed) is quarantined and cut off.
 */
import { appendFile, open, truncate } from 'node:fs/promises';
import type { LoadReport } from '../types/knowledge.js';
import { matches, sortAndLimit, type Collection, type Filter, type FindOptions, type QuarantinedDoc, type StoredDoc } from './collection.js';
import { DocIndex } from './doc-index.js';
import { checkDocument, type CollectionName } from './documents.js';
import { eachLine } from './file-scan.js';
import { dirname } from 'node:path';
import { freeBytes, JournalFile, StoreSpaceError, StoreWriteError } from './journal-file.js';

export interface JournalOptions {
  /** fdatasync every append (default true). Off only to measure what it costs. */
  readonly fsync?: boolean;
  /** ISO time written into quarantine entries. */
  readonly now?: () => string;
  /** Fields with a secondary index (equality and `$in` filters on them skip the scan). */
  readonly indexes?: readonly string[];
}

interface Loaded {
  readonly docs: Map<string, StoredDoc>;
  readonly lineOf: Map<string, number>;
  readonly bad: { line: number; reason: string; text: string; id?: string }[];
  readonly lines: number;
  /** Byte length up to the last complete line. */
  readonly size: number;
  /** The last line lacked its newline but was sound: the newline is added. */
  readonly needsNewline: boolean;
}

async function load(name: CollectionName, file: string): Promise<Loaded> {
  const docs = new Map<string, StoredDoc>();
  const lineOf = new Map<string, number>();
  const bad: Loaded['bad'] = [];
  let lines = 0;
  let size = 0;
  let needsNewline = false;
  let tornTail = false;
  await eachLine(file, (buf, index, offset, complete) => {
    lines = index;
    tornTail = !complete; // reset below when the incomplete line is sound
    if (complete) size = offset + buf.length + 1;
    if (buf.length === 0) return;
    const text = buf.toString('utf8');
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(text) as Record<string, unknown>;
    } catch {
      bad.push({ line: index, reason: complete ? 'not valid JSON' : 'incomplete last line (an append that never completed)', text });
      return;
    }
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      bad.push({ line: index, reason: 'not a JSON object', text });
      return;
    }
    if ('$$indexCreated' in doc) return; // nedb's own index lines
    const id = typeof doc['_id'] === 'string' ? doc['_id'] : undefined;
    if (doc['$$deleted'] === true && id !== undefined) {
      docs.delete(id);
      lineOf.delete(id);
    } else {
      const check = checkDocument(name, doc);
      if (!check.ok) {
        bad.push({ line: index, reason: check.issue, text, ...(id !== undefined ? { id } : {}) });
        return;
      }
      docs.set(id as string, doc as StoredDoc);
      lineOf.set(id as string, index);
    }
    if (!complete) {
      needsNewline = true;
      tornTail = false;
      size = offset + buf.length;
    }
  });
  // A bad last line without its newline is cut off: it no longer counts.
  return { docs, lineOf, bad, lines: tornTail ? lines - 1 : lines, size, needsNewline };
}

export class JournalCollection implements Collection {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly bad: QuarantinedDoc[] = [];
  private lines: number;
  private readonly index: DocIndex;

  private constructor(
    readonly name: CollectionName,
    private readonly journal: JournalFile,
    private readonly docs: Map<string, StoredDoc>,
    private readonly lineOf: Map<string, number>,
    lines: number,
    private readonly now: () => string,
    indexes: readonly string[],
  ) {
    this.lines = lines;
    this.index = new DocIndex(indexes);
    for (const d of docs.values()) this.index.add(d);
  }

  get file(): string {
    return this.journal.file;
  }

  get quarantineFile(): string {
    return `${this.journal.file}.quarantine`;
  }

  /** Opens `file`, quarantining what fails its check; the report lists those lines. */
  static async open(name: CollectionName, file: string, opts: JournalOptions = {}): Promise<{ collection: JournalCollection; report?: LoadReport }> {
    const fsync = opts.fsync ?? true;
    const now = opts.now ?? (() => new Date().toISOString());
    await JournalFile.prepare(file);
    const l = await load(name, file);
    const c = new JournalCollection(name, new JournalFile(file, l.size, fsync), l.docs, l.lineOf, l.lines, now, opts.indexes ?? []);
    if (l.bad.length === 0 && !l.needsNewline) return { collection: c };
    // The text of every bad line is kept before anything is cut off or left out.
    if (l.bad.length > 0) await c.keep(l.bad.map((b) => ({ at: now(), line: b.line, reason: b.reason, text: b.text })));
    try {
      await truncate(file, l.size); // a torn last line: never acknowledged, kept in quarantine
      if (l.needsNewline) await appendFile(file, '\n');
    } catch (err) {
      throw new StoreWriteError(file, err);
    }
    if (l.needsNewline) c.journal.grew(1);
    for (const b of l.bad) c.bad.push({ collection: name, ...(b.id !== undefined ? { id: b.id } : {}), file, line: b.line, reason: b.reason, keptIn: c.quarantineFile });
    if (l.bad.length === 0) return { collection: c };
    return { collection: c, report: { file, dropped: l.bad.length, lines: l.bad.map((b) => b.line), backup: c.quarantineFile } };
  }

  /**
   * Appends quarantine entries to FILE.quarantine, synced: the only copy of those lines once
   * compaction drops them. On a full disk it says how much room it needs (nothing was dropped).
   */
  private async keep(entries: readonly Record<string, unknown>[]): Promise<void> {
    const text = entries.map((e) => `${JSON.stringify(e)}\n`).join('');
    try {
      const fh = await open(this.quarantineFile, 'a');
      const before = (await fh.stat()).size;
      try {
        await fh.appendFile(text);
        await fh.datasync();
      } catch (err) {
        await fh.truncate(before).catch(() => undefined); // no torn entry for the next one to be glued onto
        throw err;
      } finally {
        await fh.close();
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
        const free = await freeBytes(dirname(this.file)).catch(() => 0);
        throw new StoreSpaceError(this.file, Buffer.byteLength(text), free, `quarantine ${entries.length} damaged line${entries.length === 1 ? '' : 's'} of`);
      }
      throw new StoreWriteError(this.quarantineFile, err);
    }
  }

  /** One write at a time: the journal's repair-before-append needs it, and so do checks like insert's. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async write(lines: readonly string[]): Promise<void> {
    await this.journal.append(lines.map((l) => `${l}\n`).join(''));
    this.lines += lines.length;
  }

  private set(docs: readonly StoredDoc[]): void {
    const first = this.lines - docs.length + 1;
    docs.forEach((d, i) => {
      this.drop(d._id);
      const copy = { ...d };
      this.docs.set(d._id, copy);
      this.index.add(copy);
      this.lineOf.set(d._id, first + i);
    });
  }

  /** Takes `id` out of memory and the indexes. */
  private drop(id: string): void {
    const old = this.docs.get(id);
    if (old === undefined) return;
    this.index.remove(old);
    this.docs.delete(id);
    this.lineOf.delete(id);
  }

  private pool(filter: Filter): StoredDoc[] {
    const ids = this.index.candidates(filter);
    if (ids === undefined) return [...this.docs.values()];
    const out: StoredDoc[] = [];
    for (const id of ids) {
      const d = this.docs.get(id);
      if (d !== undefined) out.push(d);
    }
    return out;
  }

  insert(doc: StoredDoc): Promise<boolean> {
    return this.serial(async () => {
      if (this.docs.has(doc._id)) return false;
      await this.write([JSON.stringify(doc)]);
      this.set([doc]);
      return true;
    });
  }

  upsert(doc: StoredDoc): Promise<void> {
    return this.upsertMany([doc]);
  }

  upsertMany(docs: readonly StoredDoc[]): Promise<void> {
    if (docs.length === 0) return Promise.resolve();
    return this.serial(async () => {
      await this.write(docs.map((d) => JSON.stringify(d)));
      this.set(docs);
    });
  }

  async get(id: string): Promise<StoredDoc | undefined> {
    const d = this.docs.get(id);
    return d ? { ...d } : undefined;
  }

  async find(filter: Filter, opts?: FindOptions): Promise<StoredDoc[]> {
    return sortAndLimit(this.pool(filter).filter((d) => matches(d, filter)), opts).map((d) => ({ ...d }));
  }

  async count(filter: Filter = {}): Promise<number> {
    let n = 0;
    for (const d of this.pool(filter)) if (matches(d, filter)) n += 1;
    return n;
  }

  remove(ids: readonly string[]): Promise<number> {
    return this.serial(async () => {
      const present = [...new Set(ids)].filter((id) => this.docs.has(id));
      if (present.length === 0) return 0;
      await this.write(present.map((id) => JSON.stringify({ $$deleted: true, _id: id })));
      for (const id of present) this.drop(id);
      return present.length;
    });
  }

  compact(): Promise<void> {
    return this.serial(async () => {
      const docs = [...this.docs.values()];
      await this.journal.rewrite(docs.map((d) => `${JSON.stringify(d)}\n`).join(''));
      this.lines = docs.length;
      docs.forEach((d, i) => this.lineOf.set(d._id, i + 1));
    });
  }

  quarantine(doc: StoredDoc, reason: string): Promise<void> {
    return this.serial(async () => {
      const line = this.lineOf.get(doc._id);
      await this.keep([{ at: this.now(), ...(line !== undefined ? { line } : {}), reason, text: JSON.stringify(doc) }]);
      if (this.docs.has(doc._id)) {
        await this.write([JSON.stringify({ $$deleted: true, _id: doc._id })]);
        this.drop(doc._id);
      }
      this.bad.push({ collection: this.name, id: doc._id, file: this.file, ...(line !== undefined ? { line } : {}), reason, keptIn: this.quarantineFile });
    });
  }

  quarantined(): readonly QuarantinedDoc[] {
    return this.bad;
  }
}

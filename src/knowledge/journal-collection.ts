/**
 * A Collection journaled to one file in nedb's line format (files written by nedb load
 * unchanged; nedb's index lines are skipped). Write-ahead: a write reaches the file
 * (fdatasync'ed, journal-file.ts) before memory, so a failed write is not seen by any read
 * and an acknowledged one survives a crash or a power loss.
 *
 * Memory holds, per live document, its indexed fields (the ones queries filter and sort on)
 * and where its line is; the body is read from the file when a caller asks for it
 * (journal-segment.ts). So what the process holds grows with the number of records (bounded
 * by retention), never with their size. Compaction copies the live lines into FILE~ a chunk
 * at a time while writes go on, and only the swap (the tail written meanwhile, fsync, rename)
 * holds the collection's writes (journal-compaction.ts).
 *
 * Loading checks every line (documents.ts): one that is not JSON, or a document that fails
 * its schema, is quarantined: its text goes to FILE.quarantine (one JSON line each: line,
 * reason, text), it is left out of memory, and the next compaction drops it from FILE. A
 * torn last line (no newline: an append that never completed) is quarantined and cut off.
 */
import { appendFile, open, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MapekError } from '../types/errors.js';
import type { LoadReport } from '../types/knowledge.js';
import { matches, sortAndLimit, type Collection, type Filter, type FindOptions, type QuarantinedDoc, type StoredDoc } from './collection.js';
import { DocIndex } from './doc-index.js';
import { checkDocument, type CollectionName } from './documents.js';
import { eachLine } from './file-scan.js';
import { CompactionFile, ensureRoom, type Piece } from './journal-compaction.js';
import { freeBytes, JournalFile, StoreSpaceError, StoreWriteError } from './journal-file.js';
import { Segment } from './journal-segment.js';
import { encodeLines } from './journal-lines.js';

export interface JournalOptions {
  /** fdatasync every append (default true). Off only to measure what it costs. */
  readonly fsync?: boolean;
  /** ISO time written into quarantine entries. */
  readonly now?: () => string;
  /** Fields with a secondary index (equality and `$in` filters on them skip the scan). */
  readonly indexes?: readonly string[];
}

/** What memory holds of one live document. */
interface Entry {
  /** The document without its body (`body` is ''): what filters, sorts and indexes read. */
  readonly meta: StoredDoc;
  readonly segment: Segment;
  /** Where its line starts, and its bytes with the newline. */
  offset: number;
  readonly length: number;
  /** 1-based line number in the file (quarantine entries name it). */
  line: number;
}

/** The body is what memory does not keep. */
function metaOf(doc: Readonly<Record<string, unknown>>): StoredDoc {
  const meta: Record<string, unknown> = {};
  for (const k of Object.keys(doc)) if (k !== 'body') meta[k] = doc[k];
  meta['body'] = '';
  return meta as unknown as StoredDoc;
}

interface Loaded {
  readonly entries: Map<string, Entry>;
  readonly bad: { line: number; reason: string; text: string; id?: string }[];
  readonly lines: number;
  /** Byte length up to the last complete line. */
  readonly size: number;
  /** The last line lacked its newline but was sound: the newline is added. */
  readonly needsNewline: boolean;
}

async function load(name: CollectionName, file: string, segment: Segment): Promise<Loaded> {
  const entries = new Map<string, Entry>();
  const bad: Loaded['bad'] = [];
  let lines = 0;
  let size = 0;
  let needsNewline = false;
  let tornTail = false;
  const forget = (id: string): void => {
    const old = entries.get(id);
    if (old === undefined) return;
    old.segment.release(old.length);
    entries.delete(id); // re-set below at the end: the map stays in file order
  };
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
      forget(id);
    } else {
      const check = checkDocument(name, doc);
      if (!check.ok) {
        bad.push({ line: index, reason: check.issue, text, ...(id !== undefined ? { id } : {}) });
        return;
      }
      forget(id as string);
      entries.set(id as string, { meta: metaOf(doc), segment, offset, length: buf.length + 1, line: index });
      segment.hold(buf.length + 1);
    }
    if (!complete) {
      needsNewline = true;
      tornTail = false;
      size = offset + buf.length;
    }
  });
  // A bad last line without its newline is cut off: it no longer counts.
  return { entries, bad, lines: tornTail ? lines - 1 : lines, size, needsNewline };
}

/** A document's line could not be read back (the file changed under the store, a disk error). */
export class StoreReadError extends MapekError {
  constructor(
    readonly file: string,
    readonly line: number,
    why: string,
  ) {
    super(`knowledge store read of "${file}" line ${line} failed: ${why}`, false);
    this.name = 'StoreReadError';
  }
}

export class JournalCollection implements Collection {
  private chain: Promise<unknown> = Promise.resolve();
  private readonly bad: QuarantinedDoc[] = [];
  private lines: number;
  private readonly index: DocIndex;
  private compacting: Promise<void> | undefined;

  private constructor(
    readonly name: CollectionName,
    private readonly journal: JournalFile,
    private readonly docs: Map<string, Entry>,
    lines: number,
    private readonly now: () => string,
    indexes: readonly string[],
  ) {
    this.lines = lines;
    this.index = new DocIndex(indexes);
    for (const e of docs.values()) this.index.add(e.meta);
  }

  get file(): string {
    return this.journal.file;
  }

  get quarantineFile(): string {
    return `${this.journal.file}.quarantine`;
  }

  /** What memory holds: live documents and the bytes of their indexed fields (no bodies). */
  held(): { docs: number; fieldBytes: number; fileBytes: number; liveBytes: number } {
    let fieldBytes = 0;
    for (const e of this.docs.values()) {
      for (const [k, v] of Object.entries(e.meta)) fieldBytes += k.length + (typeof v === 'string' ? v.length : 8);
    }
    let liveBytes = 0;
    for (const e of this.docs.values()) liveBytes += e.length;
    return { docs: this.docs.size, fieldBytes, fileBytes: this.journal.bytes(), liveBytes };
  }

  /** Opens `file`, quarantining what fails its check; the report lists those lines. */
  static async open(name: CollectionName, file: string, opts: JournalOptions = {}): Promise<{ collection: JournalCollection; report?: LoadReport }> {
    const fsync = opts.fsync ?? true;
    const now = opts.now ?? (() => new Date().toISOString());
    await JournalFile.prepare(file);
    const segment = Segment.open(file);
    let l: Loaded;
    try {
      l = await load(name, file, segment);
    } catch (err) {
      segment.suspend();
      throw err;
    }
    const c = new JournalCollection(name, new JournalFile(file, l.size, fsync, segment), l.entries, l.lines, now, opts.indexes ?? []);
    if (l.bad.length === 0 && !l.needsNewline) return { collection: c };
    try {
      // The text of every bad line is kept before anything is cut off or left out.
      if (l.bad.length > 0) await c.keep(l.bad.map((b) => ({ at: now(), line: b.line, reason: b.reason, text: b.text })));
      await truncate(file, l.size); // a torn last line: never acknowledged, kept in quarantine
      if (l.needsNewline) await appendFile(file, '\n');
    } catch (err) {
      c.close();
      throw err instanceof StoreSpaceError || err instanceof StoreWriteError ? err : new StoreWriteError(file, err);
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

  /** Appends `lines`; the documents among them (`docs[i]` for `lines[i]`, undefined for a deletion) then take their place in memory. */
  private async write(lines: readonly string[], docs: readonly (StoredDoc | undefined)[]): Promise<void> {
    const { bytes, lengths } = encodeLines(lines);
    const { segment, offset } = await this.journal.append(bytes);
    let at = offset;
    const first = this.lines + 1;
    this.lines += lines.length;
    for (let i = 0; i < lines.length; i++) {
      const length = lengths[i] as number;
      const d = docs[i];
      if (d !== undefined) this.set({ meta: metaOf(d), segment, offset: at, length, line: first + i });
      at += length;
    }
  }

  private set(e: Entry): void {
    this.drop(e.meta._id);
    e.segment.hold(e.length);
    this.docs.set(e.meta._id, e);
    this.index.add(e.meta);
  }

  /** Takes `id` out of memory and the indexes. */
  private drop(id: string): void {
    const old = this.docs.get(id);
    if (old === undefined) return;
    this.index.remove(old.meta);
    this.docs.delete(id);
    old.segment.release(old.length);
  }

  /** The whole document, its line read back from the file. */
  private hydrate(e: Entry): StoredDoc {
    const text = e.segment.read(e.offset, e.length - 1).toString('utf8');
    let doc: StoredDoc;
    try {
      doc = JSON.parse(text) as StoredDoc;
    } catch {
      throw new StoreReadError(this.file, e.line, `line at byte ${e.offset} is not the document's (not valid JSON)`);
    }
    if (doc?._id !== e.meta._id) throw new StoreReadError(this.file, e.line, `line at byte ${e.offset} is not the document "${e.meta._id}"`);
    return doc;
  }

  private pool(filter: Filter): StoredDoc[] {
    const id = filter['_id'];
    let ids: Iterable<string> | undefined;
    if (typeof id === 'string') ids = [id];
    else if (id !== null && typeof id === 'object' && Array.isArray((id as Record<string, unknown>)['$in'])) ids = (id as { $in: string[] }).$in;
    else ids = this.index.candidates(filter);
    if (ids === undefined) return [...this.docs.values()].map((e) => e.meta);
    const out: StoredDoc[] = [];
    for (const i of ids) {
      const e = this.docs.get(i);
      if (e !== undefined) out.push(e.meta);
    }
    return out;
  }

  insert(doc: StoredDoc): Promise<boolean> {
    return this.serial(async () => {
      if (this.docs.has(doc._id)) return false;
      await this.write([JSON.stringify(doc)], [doc]);
      return true;
    });
  }

  upsert(doc: StoredDoc): Promise<void> {
    return this.upsertMany([doc]);
  }

  upsertMany(docs: readonly StoredDoc[]): Promise<void> {
    if (docs.length === 0) return Promise.resolve();
    return this.serial(() => this.write(docs.map((d) => JSON.stringify(d)), docs));
  }

  async get(id: string): Promise<StoredDoc | undefined> {
    const e = this.docs.get(id);
    return e ? this.hydrate(e) : undefined;
  }

  async find(filter: Filter, opts?: FindOptions): Promise<StoredDoc[]> {
    const found = sortAndLimit(this.pool(filter).filter((d) => matches(d, filter)), opts);
    if (opts?.withoutBody === true) return found.map((d) => ({ ...d }));
    return found.map((d) => this.hydrate(this.docs.get(d._id) as Entry));
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
      await this.write(present.map((id) => JSON.stringify({ $$deleted: true, _id: id })), []);
      for (const id of present) this.drop(id);
      return present.length;
    });
  }

  /**
   * Copies the live lines into a fresh file when at least `minGarbage` of the file is
   * superseded or deleted lines (0: always), or when documents live outside the file (it was
   * replaced under the store). Writes go on while the lines are copied; only the swap holds
   * them. Overlapping calls share one compaction.
   */
  compact(minGarbage = 0): Promise<void> {
    this.compacting ??= this.compactOnce(minGarbage).finally(() => (this.compacting = undefined));
    return this.compacting;
  }

  private async compactOnce(minGarbage: number): Promise<void> {
    const snap = await this.serial(async () => {
      const segment = this.journal.current();
      const size = this.journal.bytes();
      let live = 0;
      for (const e of this.docs.values()) live += e.length;
      const garbage = size - segment.liveBytes();
      const elsewhere = live - segment.liveBytes();
      if (elsewhere === 0 && minGarbage > 0 && (garbage <= 0 || garbage < minGarbage * size)) return undefined;
      const needed = await ensureRoom(this.file, live);
      const entries = [...this.docs.values()];
      const pinned = new Set(entries.map((e) => e.segment));
      for (const p of pinned) p.pin();
      return { segment, size, lines: this.lines, entries, needed, pinned };
    });
    if (snap === undefined) return;
    let out: CompactionFile | undefined;
    try {
      out = await CompactionFile.create(this.file, snap.needed);
      const copied = await out.copy(snap.entries);
      // Each copied document's new place: its offset, and its line (the copies come first, in order).
      const moved = new Map<Entry, { offset: number; line: number }>();
      snap.entries.forEach((e, i) => moved.set(e, { offset: copied[i] as number, line: i + 1 }));
      const file = out;
      await this.serial(async () => {
        await this.journal.settle();
        if (this.journal.current() !== snap.segment) throw new StoreWriteError(this.file, new Error('the file was replaced during compaction; compacting again later'));
        // What was written while the lines were copied, as it is.
        const tailBytes = this.journal.bytes() - snap.size;
        const base = file.bytes();
        if (tailBytes > 0) await file.copy([{ segment: snap.segment, offset: snap.size, length: tailBytes }]);
        await file.finish();
        const segment = await this.journal.install(file.path, file.bytes());
        out = undefined;
        const kept = snap.entries.length;
        for (const e of this.docs.values()) {
          const at = moved.get(e);
          e.segment.release(e.length);
          if (at !== undefined) {
            e.offset = at.offset;
            e.line = at.line;
          } else {
            // Written during the copy: it is in the tail, which follows the copies.
            e.offset = e.offset - snap.size + base;
            e.line = e.line - snap.lines + kept;
          }
          segment.hold(e.length);
          (e as { segment: Segment }).segment = segment;
        }
        this.lines = kept + (this.lines - snap.lines);
      });
    } finally {
      for (const p of snap.pinned) p.unpin();
      await out?.discard();
    }
  }

  quarantine(doc: StoredDoc, reason: string): Promise<void> {
    return this.serial(async () => {
      const line = this.docs.get(doc._id)?.line;
      await this.keep([{ at: this.now(), ...(line !== undefined ? { line } : {}), reason, text: JSON.stringify(doc) }]);
      if (this.docs.has(doc._id)) {
        await this.write([JSON.stringify({ $$deleted: true, _id: doc._id })], []);
        this.drop(doc._id);
      }
      this.bad.push({ collection: this.name, id: doc._id, file: this.file, ...(line !== undefined ? { line } : {}), reason, keptIn: this.quarantineFile });
    });
  }

  quarantined(): readonly QuarantinedDoc[] {
    return this.bad;
  }

  /** Releases the file descriptors (reads after it open the file again). */
  close(): void {
    const segments = new Set([this.journal.current(), ...[...this.docs.values()].map((e) => e.segment)]);
    for (const s of segments) s.suspend();
  }
}

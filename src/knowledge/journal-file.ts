/**
 * One append-only journal file of the knowledge store (nedb's line format: one JSON document
 * per line, later lines supersede earlier ones). The store owns this path instead of nedb's
 * persistence because nedb appends without fsync, leaves a torn half line after a failed
 * append (the next append is glued onto it and both are lost at the next load), and updates
 * its memory before its file (a failed write still showed in reads). Here:
 *  - an append is written, then fdatasync'ed, and only then does the caller update memory;
 *    "durable when the promise resolves" holds across a power loss;
 *  - a failed append is cut off again (truncated to the size before it) before anything else
 *    is written; if that fails too, the next append repairs first or refuses;
 *  - compaction (journal-compaction.ts) writes FILE~, fsyncs it, renames it over FILE and
 *    fsyncs the directory, after checking that the disk has the room; it never leaves FILE~.
 * Callers serialise their calls (one operation at a time per file).
 */
import { constants } from 'node:fs';
import { open, rename, stat, statfs, truncate, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MapekError } from '../types/errors.js';
import { Segment } from './journal-segment.js';

/** A write the store could not make durable (disk full, permissions): never retryable here. */
export class StoreWriteError extends MapekError {
  readonly file: string;
  constructor(file: string, cause: unknown) {
    super(`knowledge store write to "${file}" failed: ${cause instanceof Error ? cause.message : String(cause)}`, false, { cause });
    this.name = 'StoreWriteError';
    this.file = file;
  }
}

/** Not enough free space for a compaction (or a quarantine): names the room it needs. */
export class StoreSpaceError extends MapekError {
  constructor(
    readonly file: string,
    readonly neededBytes: number,
    readonly freeBytes: number,
    what = 'compact',
  ) {
    super(`not enough disk space to ${what} "${file}": needs ${neededBytes} bytes, ${freeBytes} bytes free`, false);
    this.name = 'StoreSpaceError';
  }
}

/** Free bytes for an unprivileged writer on the file system holding `dir`. */
export async function freeBytes(dir: string): Promise<number> {
  const fs = await statfs(dir);
  return fs.bavail * fs.bsize;
}

/** Room kept free beyond the compacted file itself (a block for the directory, rounding). */
export const SPACE_MARGIN_BYTES = 64 * 1024;

export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, constants.O_RDONLY);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

export class JournalFile {
  /** Size of the file up to its last complete, acknowledged line. */
  private size: number;
  /** An append failed and its bytes may still be in the file: cut them off before writing. */
  private torn = false;
  /** The file appends go to, open for reading (journal-segment.ts). */
  private segment: Segment;

  constructor(
    readonly file: string,
    size: number,
    private readonly fsync: boolean,
    segment: Segment,
  ) {
    this.size = size;
    this.segment = segment;
  }

  /**
   * Makes the file ready to append: a FILE~ left by a compaction that died is removed (or,
   * when FILE itself is missing, nedb's rule: it was complete and becomes FILE), and a
   * missing file is created with its directory entry synced.
   */
  static async prepare(file: string): Promise<void> {
    const temp = `${file}~`;
    const has = async (p: string): Promise<boolean> => stat(p).then(() => true, (err: unknown) => (isMissing(err) ? false : Promise.reject(err)));
    if (await has(temp)) {
      if (await has(file)) await unlink(temp);
      else await rename(temp, file);
    }
    if (!(await has(file))) {
      const fh = await open(file, 'a');
      await fh.close();
      await syncDir(dirname(file));
    }
  }

  bytes(): number {
    return this.size;
  }

  current(): Segment {
    return this.segment;
  }

  /** Accounts for bytes the loader appended itself (a missing last newline). */
  grew(bytes: number): void {
    this.size += bytes;
  }

  /**
   * Appends `buf` (whole lines, UTF-8) durably; on failure the file is left as it was before.
   * Resolves where the bytes landed: a file replaced under the store is noticed here and
   * becomes the current segment.
   */
  async append(buf: Buffer): Promise<{ segment: Segment; offset: number }> {
    if (this.torn) await this.repair();
    let fh;
    let offset: number;
    try {
      fh = await open(this.file, 'a');
      const st = await fh.stat();
      if (st.ino !== this.segment.ino) {
        this.segment.retire();
        this.segment = Segment.open(this.file);
        this.size = st.size;
      }
      offset = st.size;
      await fh.appendFile(buf);
      if (this.fsync) await fh.datasync();
    } catch (err) {
      if (fh !== undefined) {
        // Opened, so some bytes may have landed: cut them off now, else before the next append.
        this.torn = true;
        await fh.close().catch(() => undefined);
        fh = undefined;
        await this.repair().catch(() => undefined);
      }
      throw new StoreWriteError(this.file, err);
    } finally {
      await fh?.close().catch(() => undefined);
    }
    this.size = offset + buf.length;
    return { segment: this.segment, offset };
  }

  /** Cuts the file back to its last acknowledged line. Throws StoreWriteError when it cannot. */
  async repair(): Promise<void> {
    try {
      const actual = await stat(this.file).then(
        (st) => st.size,
        (err: unknown) => (isMissing(err) ? 0 : Promise.reject(err)), // gone: the next append starts it afresh
      );
      // Never extend: a file shorter than we knew was replaced under us; append after what it has.
      if (actual < this.size) this.size = actual;
      else if (actual > this.size) {
        await truncate(this.file, this.size);
        if (this.fsync) {
          const fh = await open(this.file, 'r+');
          try {
            await fh.datasync();
          } finally {
            await fh.close();
          }
        }
      }
      this.torn = false;
    } catch (err) {
      throw new StoreWriteError(this.file, err);
    }
  }

  /** Cuts off what a failed append may have left, before a compaction copies the file's tail. */
  async settle(): Promise<void> {
    if (this.torn) await this.repair();
  }

  /**
   * FILE~ (written and synced by the caller, `size` bytes) replaces FILE crash-safely; the
   * new file becomes the current segment. Removes FILE~ when the rename fails.
   */
  async install(temp: string, size: number): Promise<Segment> {
    try {
      await rename(temp, this.file);
      await syncDir(dirname(this.file));
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw new StoreWriteError(this.file, err);
    }
    this.segment.retire();
    this.segment = Segment.open(this.file);
    this.size = size;
    this.torn = false;
    return this.segment;
  }
}

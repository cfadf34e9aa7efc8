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
 *  - compaction writes FILE~, fsyncs it, renames it over FILE and fsyncs the directory, after
 *    checking that the disk has the room; it never leaves FILE~ behind.
 * Callers serialise their calls (one operation at a time per file).
 */
import { constants } from 'node:fs';
import { open, rename, stat, statfs, truncate, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MapekError } from '../types/errors.js';

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
const SPACE_MARGIN_BYTES = 64 * 1024;

async function syncDir(dir: string): Promise<void> {
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

  constructor(
    readonly file: string,
    size: number,
    private readonly fsync: boolean,
  ) {
    this.size = size;
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

  /** Accounts for bytes the loader appended itself (a missing last newline). */
  grew(bytes: number): void {
    this.size += bytes;
  }

  /** Appends `text` (whole lines) durably; on failure the file is left as it was before. */
  async append(text: string): Promise<void> {
    const buf = Buffer.from(text, 'utf8');
    if (this.torn) await this.repair();
    let fh;
    try {
      fh = await open(this.file, 'a');
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
    this.size += buf.length;
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

  /**
   * Replaces the file with `text` (the live documents) crash-safely. Refuses with
   * StoreSpaceError, before writing anything, when the disk has not the room; removes FILE~
   * when the write fails anyway.
   */
  async rewrite(text: string): Promise<void> {
    const buf = Buffer.from(text, 'utf8');
    const temp = `${this.file}~`;
    const free = await freeBytes(dirname(this.file));
    const needed = buf.length + SPACE_MARGIN_BYTES;
    if (free < needed) throw new StoreSpaceError(this.file, needed, free);
    try {
      const fh = await open(temp, 'w');
      try {
        await fh.writeFile(buf);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(temp, this.file);
      await syncDir(dirname(this.file));
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw new StoreSpaceError(this.file, needed, free);
      throw new StoreWriteError(this.file, err);
    }
    this.size = buf.length;
    this.torn = false;
  }
}

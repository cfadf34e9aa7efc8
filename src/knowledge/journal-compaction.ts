/**
 * The byte copying of a journal compaction: the live lines are copied as they are (no parse,
 * no JSON.stringify) from wherever they live into FILE~, in chunks of at most 1 MiB, each
 * write awaited, so the event loop runs between chunks and a compaction of a 50 MB file never
 * stalls the controller. journal-collection.ts decides when to compact and swaps the files.
 */
import type { FileHandle } from 'node:fs/promises';
import { open, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { freeBytes, SPACE_MARGIN_BYTES, StoreSpaceError, StoreWriteError } from './journal-file.js';
import type { Segment } from './journal-segment.js';

/** One line to keep, with its newline. */
export interface Piece {
  readonly segment: Segment;
  readonly offset: number;
  readonly length: number;
}

const CHUNK_BYTES = 1 << 20;

/** Refuses before anything is written when the disk cannot hold `bytes` more (plus a margin). */
export async function ensureRoom(file: string, bytes: number): Promise<number> {
  const free = await freeBytes(dirname(file));
  const needed = bytes + SPACE_MARGIN_BYTES;
  if (free < needed) throw new StoreSpaceError(file, needed, free);
  return needed;
}

/** A compaction's FILE~: pieces are appended to it; synced, then installed by the journal. */
export class CompactionFile {
  private size = 0;

  private constructor(
    readonly path: string,
    private readonly target: string,
    private readonly fh: FileHandle,
    private readonly needed: number,
  ) {}

  static async create(target: string, needed: number): Promise<CompactionFile> {
    const path = `${target}~`;
    try {
      return new CompactionFile(path, target, await open(path, 'w'), needed);
    } catch (err) {
      throw new StoreWriteError(target, err);
    }
  }

  bytes(): number {
    return this.size;
  }

  /** Copies `pieces` in order; resolves the offset each one landed at. */
  async copy(pieces: readonly Piece[]): Promise<number[]> {
    const offsets: number[] = [];
    let i = 0;
    while (i < pieces.length) {
      // Adjacent lines of one segment are read and written as one chunk.
      const first = pieces[i] as Piece;
      let end = first.offset + first.length;
      let j = i + 1;
      for (; j < pieces.length; j++) {
        const p = pieces[j] as Piece;
        if (p.segment !== first.segment || p.offset !== end || end - first.offset + p.length > CHUNK_BYTES) break;
        end += p.length;
      }
      const buf = first.segment.read(first.offset, end - first.offset);
      if (buf.length !== end - first.offset) throw new StoreWriteError(this.target, new Error(`journal shorter than expected at byte ${first.offset}`));
      for (let k = i; k < j; k++) offsets.push(this.size + ((pieces[k] as Piece).offset - first.offset));
      await this.write(buf);
      i = j;
    }
    return offsets;
  }

  private async write(buf: Buffer): Promise<void> {
    try {
      await this.fh.write(buf, 0, buf.length, this.size);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw new StoreSpaceError(this.target, this.needed, await freeBytes(dirname(this.target)).catch(() => 0));
      throw new StoreWriteError(this.target, err);
    }
    this.size += buf.length;
  }

  /** fsyncs and closes FILE~ (ready to be renamed over FILE). */
  async finish(): Promise<void> {
    try {
      await this.fh.sync();
    } catch (err) {
      throw new StoreWriteError(this.target, err);
    } finally {
      await this.fh.close().catch(() => undefined);
    }
  }

  /** Gives up: FILE~ is removed, FILE is untouched. */
  async discard(): Promise<void> {
    await this.fh.close().catch(() => undefined);
    await unlink(this.path).catch(() => undefined);
  }
}

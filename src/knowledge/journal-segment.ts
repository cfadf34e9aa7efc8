/**
 * A journal file as read back: one open descriptor per inode the collection's documents live
 * in. The journal keeps only each document's indexed fields in memory and reads its line from
 * here by offset when a caller wants the body, so memory holds no record bodies.
 *
 * Reads are synchronous on purpose: a read and the in-memory location it uses are taken in the
 * same tick, so no compaction or append can move the line in between. The lines were just
 * written or are otherwise in the page cache; one read is a few microseconds.
 *
 * Usually there is one segment, the current file. When the file is replaced under a running
 * store (deleted and recreated), documents written before stay readable through the old
 * descriptor (the inode lives while it is open) until the next compaction copies them into
 * the new file; the segment is closed once no document lives in it.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export class Segment {
  /** Documents living here, and their bytes (lines with their newline). */
  private docs = 0;
  private bytes = 0;
  /** A compaction copying from here keeps it open. */
  private pins = 0;
  private retired = false;
  private closed = false;

  private constructor(
    private fd: number | undefined,
    readonly ino: number,
    private readonly file: string,
  ) {}

  static open(file: string): Segment {
    const fd = openSync(file, 'r');
    return new Segment(fd, fstatSync(fd).ino, file);
  }

  /**
   * Closes the descriptor (the store closed: a test's file system can be unmounted). A later
   * read opens the file again, if it is still the same inode.
   */
  suspend(): void {
    if (this.fd === undefined || this.closed) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private descriptor(): number {
    if (this.fd !== undefined) return this.fd;
    const fd = openSync(this.file, 'r');
    if (fstatSync(fd).ino !== this.ino) {
      closeSync(fd);
      throw new Error(`"${this.file}" was replaced since the store closed`);
    }
    this.fd = fd;
    return fd;
  }

  /** Bytes of the documents that live here (what a compaction keeps of it). */
  liveBytes(): number {
    return this.bytes;
  }

  /** `length` bytes from `offset` (fewer when the file is shorter). */
  read(offset: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(this.descriptor(), buf, got, length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return got === length ? buf : buf.subarray(0, got);
  }

  hold(lineBytes: number): void {
    this.docs += 1;
    this.bytes += lineBytes;
  }

  release(lineBytes: number): void {
    this.docs -= 1;
    this.bytes -= lineBytes;
    this.closeIfUnused();
  }

  pin(): void {
    this.pins += 1;
  }

  unpin(): void {
    this.pins -= 1;
    this.closeIfUnused();
  }

  /** No longer the file appends go to: closed once nothing lives in it or reads from it. */
  retire(): void {
    this.retired = true;
    this.closeIfUnused();
  }

  private closeIfUnused(): void {
    if (!this.retired || this.closed || this.docs > 0 || this.pins > 0) return;
    this.closed = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * Gathers a streamed report's lines into chunks of about `size` characters before handing
 * them on: a day-long report is ~6,000 steps, and one write per step (a syscall each on a
 * pipe) cost more than the chunks do. Memory stays bounded by one chunk (and one line).
 *
 * Each line is encoded into one byte buffer as it arrives and a chunk is decoded from it in
 * one piece, rather than kept as a list of strings and joined: the lines are JSON.stringify
 * results and template strings, and joining them (flattening each into a new string) took
 * about three times as long as encoding them — 0.6 s of a day-long `--json` report's
 * 2.5 s replay (docs/PERFORMANCE.md section 4). The chunks are the same strings; a lone
 * surrogate (never in JSON.stringify output) becomes U+FFFD, as on its way to a file.
 */
export class ChunkedWriter {
  private buffer: Buffer;
  /** Bytes in `buffer`. */
  private bytes = 0;
  /** Characters added since the last chunk. */
  private length = 0;

  constructor(private readonly write: (chunk: string) => void, private readonly size = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(size * 3);
  }

  add(s: string): void {
    // A UTF-16 code unit is at most 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4).
    const room = this.bytes + s.length * 3;
    if (room > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(room, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.bytes);
      this.buffer = grown;
    }
    this.bytes += this.buffer.write(s, this.bytes, 'utf8');
    this.length += s.length;
    if (this.length >= this.size) this.flush();
  }

  flush(): void {
    if (this.bytes === 0) return;
    const chunk = this.buffer.toString('utf8', 0, this.bytes);
    this.bytes = 0;
    this.length = 0;
    // A line longer than a chunk grew the buffer; one chunk's worth is kept, not the largest.
    if (this.buffer.length > this.size * 3) this.buffer = Buffer.allocUnsafe(this.size * 3);
    this.write(chunk);
  }
}

/**
 * Gathers a streamed report's lines into chunks of about `size` characters before handing
 * them on: a day-long report is ~6,000 steps, and one write per step (a syscall each on a
 * pipe) cost more than the chunks do. Memory stays bounded by one chunk.
 */
export class ChunkedWriter {
  private parts: string[] = [];
  private length = 0;

  constructor(private readonly write: (chunk: string) => void, private readonly size = 64 * 1024) {}

  add(s: string): void {
    this.parts.push(s);
    this.length += s.length;
    if (this.length >= this.size) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    this.write(this.parts.join(''));
    this.parts = [];
    this.length = 0;
  }
}

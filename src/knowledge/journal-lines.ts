/**
 * Journal lines as the bytes one append writes: each line's UTF-8 followed by a newline, in
 * one buffer sized up front. Encoding each string straight into its place copies the text
 * once; joining `line + '\n'` strings first made two more copies of every record per write
 * (a loaded cycle writes thousands), all of it garbage by the next cycle.
 */
export interface EncodedLines {
  readonly bytes: Buffer;
  /** Each line's length in bytes, its newline included. */
  readonly lengths: readonly number[];
}

export function encodeLines(lines: readonly string[]): EncodedLines {
  const lengths = new Array<number>(lines.length);
  let total = 0;
  for (let i = 0; i < lines.length; i++) {
    const n = Buffer.byteLength(lines[i] as string, 'utf8') + 1;
    lengths[i] = n;
    total += n;
  }
  const bytes = Buffer.allocUnsafe(total);
  let at = 0;
  for (let i = 0; i < lines.length; i++) {
    const n = lengths[i] as number;
    bytes.write(lines[i] as string, at, n - 1, 'utf8');
    bytes[at + n - 1] = 0x0a;
    at += n;
  }
  return { bytes, lengths };
}

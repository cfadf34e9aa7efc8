/**
 * Reading the store's data files (nedb's line format) line by line: the journal's loader
 * streams them (eachLine), and the CLI reads them without opening the store (opening
 * compacts, i.e. rewrites, the file the running service appends to).
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

export interface ScanResult {
  readonly lines: number;
  /** 1-based numbers of lines JSON cannot parse. */
  readonly corrupt: readonly number[];
}

export async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function scanText(text: string): ScanResult {
  const corrupt: number[] = [];
  const all = text.split('\n');
  let lines = 0;
  all.forEach((line, i) => {
    if (line === '') return;
    lines += 1;
    try {
      JSON.parse(line);
    } catch {
      corrupt.push(i + 1);
    }
  });
  return { lines, corrupt };
}

/**
 * Calls `line` for every line of `file`, streamed (split on "\n" only): a file larger than
 * the longest string V8 allows (~512 MiB) can still be read. `complete` is false for a last
 * line without its newline (a torn write). `offset` is the line's first byte. False when the
 * file does not exist.
 */
export async function eachLine(file: string, line: (buf: Buffer, index: number, offset: number, complete: boolean) => void): Promise<boolean> {
  let index = 0;
  let offset = 0;
  let rest: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of createReadStream(file)) {
      let buf = rest.length > 0 ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
      let nl = buf.indexOf(0x0a);
      while (nl !== -1) {
        index += 1;
        line(buf.subarray(0, nl), index, offset, true);
        offset += nl + 1;
        buf = buf.subarray(nl + 1);
        nl = buf.indexOf(0x0a);
      }
      rest = Buffer.from(buf);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  if (rest.length > 0) line(rest, index + 1, offset, false);
  return true;
}

/** scanText over a file, streamed. Undefined when the file does not exist. */
export async function scanFile(file: string): Promise<ScanResult | undefined> {
  const corrupt: number[] = [];
  let lines = 0;
  const exists = await eachLine(file, (buf, index) => {
    if (buf.length === 0) return;
    lines += 1;
    try {
      JSON.parse(buf.toString('utf8'));
    } catch {
      corrupt.push(index);
    }
  });
  return exists ? { lines, corrupt } : undefined;
}

/**
 * The live documents of a nedb file, read only: later lines supersede earlier ones with the
 * same _id, `$$deleted` removes; unparsable lines are skipped.
 */
export async function readDocuments(file: string): Promise<Map<string, Record<string, unknown>>> {
  const docs = new Map<string, Record<string, unknown>>();
  const text = await readIfExists(file);
  if (text === undefined) return docs;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const id = doc['_id'];
    if (typeof id !== 'string') continue;
    if (doc['$$deleted'] === true) docs.delete(id);
    else docs.set(id, doc);
  }
  return docs;
}

/** Reading and parsing request bodies: JSON only, at most 1 MiB. */
import type { IncomingMessage } from 'node:http';
import { CharterRequestError } from '../errors.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      if (tooLarge) reject(new CharterRequestError(413, 'body_too_large', `body: larger than ${MAX_BODY_BYTES} bytes`, 'body'));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** undefined for an empty body; 415 unless the content type is JSON; 400 for malformed JSON. */
export function parseJsonBody(raw: string, contentType: string | undefined): unknown {
  if (raw.trim() === '') return undefined;
  if (contentType === undefined || !/^application\/json\b/i.test(contentType.trim())) {
    throw new CharterRequestError(415, 'unsupported_media_type', `Content-Type: expected application/json, got ${contentType === undefined ? 'none' : `"${contentType}"`}`, 'Content-Type');
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch (err) {
    throw new CharterRequestError(400, 'invalid_json', `body: not valid JSON (${err instanceof Error ? err.message : String(err)})`, 'body');
  }
}

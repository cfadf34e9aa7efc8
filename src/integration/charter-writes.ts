/**
 * The reference Charter's write log (GET /api/v1/test/writes, test API only): every write
 * it received, with its Idempotency-Key and whether it changed state. A production Charter
 * has no such route; readWriteLog then resolves undefined and the caller falls back to what
 * the normal API shows (policy histories).
 */
import { InvalidResponseError } from './errors.js';
import { interpretCharter } from './charter-client.js';
import type { HttpClient, HttpResponse } from './http.js';
import type { CharterWrite } from '../types/charter.js';

export type { CharterWrite } from '../types/charter.js';

export const WRITE_LOG_PATH = '/api/v1/test/writes';

function check(res: HttpResponse, body: unknown): CharterWrite[] {
  const bad = (detail: string): never => {
    throw new InvalidResponseError(res.method, res.url, res.status, detail);
  };
  if (!Array.isArray(body)) return bad('expected an array of writes');
  body.forEach((w: unknown, i) => {
    const o = (typeof w === 'object' && w !== null ? w : {}) as Record<string, unknown>;
    if (typeof o['id'] !== 'number') bad(`[${i}].id: expected a number`);
    for (const f of ['at', 'method', 'path']) if (typeof o[f] !== 'string') bad(`[${i}].${f}: expected a string`);
    for (const f of ['idempotencyKey', 'ifMatch']) if (o[f] !== undefined && typeof o[f] !== 'string') bad(`[${i}].${f}: expected a string`);
    if (typeof o['status'] !== 'number') bad(`[${i}].status: expected a number`);
    for (const f of ['applied', 'replayed']) if (typeof o[f] !== 'boolean') bad(`[${i}].${f}: expected true or false`);
  });
  return body as CharterWrite[];
}

/** The write log, oldest first; undefined when this Charter keeps none (404). */
export async function readWriteLog(http: HttpClient): Promise<readonly CharterWrite[] | undefined> {
  return http.call({ method: 'GET', path: WRITE_LOG_PATH }, (res) => (res.status === 404 ? undefined : check(res, interpretCharter(res).body)));
}

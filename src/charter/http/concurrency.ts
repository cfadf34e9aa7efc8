/** ETags and optimistic concurrency: `If-Match` and `expectedVersion` both answer 412 version_conflict on a mismatch. */
import type { IncomingHttpHeaders } from 'node:http';
import { CharterRequestError } from '../errors.js';

/** `"<id>-v<version>"`, quotes included (settings: `"settings-v<version>"`). */
export function etag(id: string, version: number): string {
  return `"${id}-v${version}"`;
}

/** The If-Match header, or undefined when absent. */
export function ifMatchOf(headers: IncomingHttpHeaders): string | undefined {
  const v = headers['if-match'];
  return v === undefined ? undefined : Array.isArray(v) ? v.join(', ') : v;
}

/** The ETags listed in an If-Match value, unquoted and without W/ (weak comparison is good enough here). */
function listed(value: string): string[] {
  return value.split(',').map((s) => s.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1')).filter((s) => s !== '');
}

/**
 * Throws 412 when `If-Match` does not list the current ETag (`*` matches anything) or
 * when `expectedVersion` is not the current version.
 */
export function checkPreconditions(what: string, current: string, version: number, ifMatch: string | undefined, expectedVersion?: number): void {
  const conflict = (message: string): CharterRequestError => new CharterRequestError(412, 'version_conflict', message, undefined, { ETag: current });
  if (ifMatch !== undefined) {
    const tags = listed(ifMatch);
    const bare = current.replace(/^"(.*)"$/, '$1');
    if (!tags.includes('*') && !tags.includes(bare)) throw conflict(`If-Match ${ifMatch} does not match the current ETag ${current} of ${what}`);
  }
  if (expectedVersion !== undefined && expectedVersion !== version) {
    throw conflict(`expectedVersion ${expectedVersion} does not match the current version ${version} of ${what}`);
  }
}

/**
 * Who may do what over HTTP. Mutations (approve, reject) always need the API token in an
 * `Authorization: Bearer` header: a header, not a cookie, so a page on another origin cannot
 * make the browser send it (no CSRF). Read-only console views are open on loopback unless
 * consoleReadAuth is set, and need the token whenever the service listens elsewhere.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError, tokenMatches } from '../http-server.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export interface AuthPolicy {
  readonly apiToken: string | undefined;
  /** Read-only views need the token too. */
  readonly readNeedsToken: boolean;
}

export function authPolicy(c: { apiToken: string | undefined; consoleReadAuth: boolean; listenHost: string }): AuthPolicy {
  return { apiToken: c.apiToken, readNeedsToken: c.consoleReadAuth || !LOOPBACK.has(c.listenHost) };
}

/** Throws 401 unless the request carries the API token (403 when the service has none). */
export function requireToken(p: AuthPolicy, req: IncomingMessage, what: string): void {
  if (p.apiToken === undefined) throw new HttpError(403, 'no_api_token', `${what} is off: the service has no api token (set MAPEK_API_TOKEN)`);
  if (!tokenMatches(req.headers['authorization'], p.apiToken)) throw new HttpError(401, 'unauthorized', 'missing or wrong bearer token');
}

/**
 * Open read access is for pages served from loopback only: a Host header that is not a
 * loopback name means DNS rebinding (another site's name pointed at 127.0.0.1), refused.
 */
export function requireReadAccess(p: AuthPolicy, req: IncomingMessage): void {
  if (p.readNeedsToken) {
    requireToken(p, req, 'the console');
    return;
  }
  const host = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  if (!LOOPBACK.has(host)) throw new HttpError(403, 'host_not_allowed', `host "${host}" is not a loopback name; open the console at http://127.0.0.1:PORT/`);
}

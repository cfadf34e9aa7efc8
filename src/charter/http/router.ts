/** A tiny route table: `{name}` segments, 404 for an unknown path, 405 (with Allow) for a known path and wrong method. */
import type { IncomingHttpHeaders } from 'node:http';
import { CharterRequestError } from '../errors.js';
import type { World } from '../world.js';

export interface Ctx {
  readonly world: World;
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON body; undefined when the request had none. */
  readonly body: unknown;
  /** Set for writes: the id of this write in the write log. */
  readonly writeId?: number;
}

export interface Reply {
  readonly status: number;
  /** JSON-serialised unless `text` is set. */
  readonly body?: unknown;
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** For writes: did this change state. */
  readonly applied?: boolean;
  /** Run once the response has been sent (restart drops connections only then). */
  readonly after?: () => void;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** e.g. `/api/v1/policies/{id}`; also the `route` label of api_requests_total. */
  readonly pattern: string;
  /** Writes go through idempotency and the write log. */
  readonly write: boolean;
  readonly handler: (ctx: Ctx) => Reply | Promise<Reply>;
}

export interface Match {
  readonly route: Route;
  readonly params: Record<string, string>;
}

function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const ps = pattern.split('/');
  const xs = path.split('/');
  if (ps.length !== xs.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i]!;
    const x = xs[i]!;
    if (p.startsWith('{') && p.endsWith('}')) {
      if (x === '') return undefined;
      try {
        params[p.slice(1, -1)] = decodeURIComponent(x);
      } catch {
        return undefined;
      }
    } else if (p !== x) return undefined;
  }
  return params;
}

/** Find the route; throws 404 route_not_found or 405 method_not_allowed. */
export function route(routes: readonly Route[], method: string, path: string): Match {
  const allowed: string[] = [];
  for (const r of routes) {
    const params = matchPattern(r.pattern, path);
    if (!params) continue;
    if (r.method === method) return { route: r, params };
    allowed.push(r.method);
  }
  if (allowed.length === 0) throw new CharterRequestError(404, 'route_not_found', `no route for ${method} ${path}`);
  // A literal route (…/reload) also matches a {param} pattern of another method; list each once.
  const allow = [...new Set(allowed)].join(', ');
  throw new CharterRequestError(405, 'method_not_allowed', `${method} is not allowed on ${path} (allowed: ${allow})`, undefined, { Allow: allow });
}

/**
 * The console's HTTP routes, mounted on the service's server (http-server.ts `routes`):
 *   GET /                       the page; GET /console/*  its scripts, styles, the UI library
 *   GET /api/v1/console/state   the whole view state as JSON
 *   GET /api/v1/console/events  the same, pushed as server-sent events after every change
 *   POST /api/v1/approvals/{id} approve or reject (approvals-api.ts)
 * The page and its assets are static and public; the data needs read access (auth.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from '../http-server.js';
import { approvalsRoute, type ApprovalsApiDeps } from './approvals-api.js';
import { assetReader, type Asset } from './assets.js';
import { requireReadAccess } from './auth.js';
import type { ConsoleFeed } from './feed.js';
import { consoleJson } from './view-model.js';

// The page runs only its own scripts and talks only to its own origin.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface ConsoleRouteDeps extends ApprovalsApiDeps {
  readonly feed: ConsoleFeed;
  readonly assets?: (urlPath: string) => Promise<Asset | undefined>;
}

export function consoleRoutes(d: ConsoleRouteDeps): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  const assets = d.assets ?? assetReader();
  return async (req, res, url) => {
    if (await approvalsRoute(d, req, res, url)) return true;
    const p = url.pathname;
    if (p === '/api/v1/console/state' || p === '/api/v1/console/events') {
      if (req.method !== 'GET') throw new HttpError(405, 'method_not_allowed', `${req.method ?? ''} not allowed on ${p}; use GET`);
      requireReadAccess(d.auth, req);
      if (p === '/api/v1/console/events') {
        d.feed.subscribe(res);
        return true;
      }
      const text = consoleJson(await d.feed.state());
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
      res.end(text);
      return true;
    }
    if (p !== '/' && !p.startsWith('/console/')) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method_not_allowed', `${req.method ?? ''} not allowed on ${p}; use GET`);
    const a = await assets(p);
    if (a === undefined) throw new HttpError(404, 'not_found', `no route ${p}`);
    res.writeHead(200, {
      'content-type': a.type,
      'content-length': a.body.length,
      'cache-control': 'no-cache',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    res.end(req.method === 'HEAD' ? undefined : a.body);
    return true;
  };
}

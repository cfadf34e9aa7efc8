/**
 * The reference Charter's HTTP server (node:http, no framework): routing, client faults,
 * Idempotency-Key replay, the write log, api_requests_total, and restart/close.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type client from 'prom-client';
import { CharterRequestError } from '../errors.js';
import type { WriteLog } from '../writes.js';
import type { World } from '../world.js';
import { parseJsonBody, readBody } from './body.js';
import type { ClientFaults } from './client-faults.js';
import { fingerprint, IdempotencyCache } from './idempotency.js';
import { route, type Ctx, type Match, type Reply, type Route } from './router.js';
import { apiRoutes } from './routes-api.js';
import { testRoutes } from './routes-test.js';

export interface CharterServerDeps {
  readonly world: World;
  readonly writes: WriteLog;
  readonly registry: client.Registry;
  readonly clientFaults: ClientFaults;
  readonly testApi: boolean;
}

export interface CharterServer {
  readonly server: Server;
  readonly idempotency: IdempotencyCache;
  /** Drop the idempotency cache and every open connection; state persists. */
  restart(): void;
  /** Seeded world, no faults or client faults, empty caches and write log. */
  reset(): void;
  close(): Promise<void>;
}

const MAX_KEY_LENGTH = 255;

function errorReply(err: unknown): Reply {
  if (err instanceof CharterRequestError) return { status: err.status, body: err.body(), headers: err.headers };
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, body: { error: { code: 'internal', message: `internal error: ${message}` } } };
}

function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { 'Cache-Control': 'no-store', ...reply.headers };
  let payload = '';
  if (reply.text !== undefined) payload = reply.text;
  else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(reply.status, headers);
  res.end(payload);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

export function createCharterServer(deps: CharterServerDeps): CharterServer {
  const { world, writes, clientFaults } = deps;
  const idempotency = new IdempotencyCache();
  const sockets = new Set<Socket>();
  const control = { clientFaults, writes: () => writes.list(), restart: () => restart(), reset: () => reset() };
  const routes: Route[] = [...apiRoutes(deps.registry), ...(deps.testApi ? testRoutes(control) : [])];

  function restart(): void {
    idempotency.clear();
    for (const s of sockets) s.destroy();
  }
  function reset(): void {
    world.reset();
    clientFaults.set({});
    idempotency.clear();
    writes.clear();
  }

  /** A write: replay or refuse by Idempotency-Key, else handle, remember and log. */
  async function write(match: Match, req: IncomingMessage, path: string, raw: string, base: Omit<Ctx, 'body' | 'writeId'>): Promise<Reply> {
    const key = header(req, 'idempotency-key');
    const ifMatch = header(req, 'if-match');
    const writeId = writes.nextId();
    let logged: unknown = raw === '' ? null : raw;
    let reply: Reply;
    let replayed = false;
    try {
      const body = parseJsonBody(raw, header(req, 'content-type'));
      logged = body ?? null;
      if (key !== undefined && (key.trim() === '' || key.length > MAX_KEY_LENGTH)) {
        throw new CharterRequestError(400, 'invalid_header', `Idempotency-Key: expected 1 to ${MAX_KEY_LENGTH} characters`, 'Idempotency-Key');
      }
      const fp = fingerprint(match.route.method, path, body ?? null);
      const hit = key === undefined ? { kind: 'miss' as const } : idempotency.lookup(key, fp, world.clock.now());
      if (hit.kind === 'mismatch') {
        throw new CharterRequestError(422, 'idempotency_key_reused', `Idempotency-Key "${key}" was already used with a different request`, 'Idempotency-Key');
      }
      if (hit.kind === 'replay') {
        replayed = true;
        reply = { status: hit.response.status, body: hit.response.body, headers: { ...hit.response.headers, 'Idempotent-Replayed': 'true' } };
      } else {
        try {
          reply = await match.route.handler({ ...base, body, writeId });
        } catch (err) {
          if (!(err instanceof CharterRequestError)) throw err;
          reply = errorReply(err);
        }
        if (key !== undefined && reply.status < 500) idempotency.store(key, fp, { status: reply.status, body: reply.body, headers: reply.headers ?? {} }, world.clock.now());
      }
    } catch (err) {
      reply = errorReply(err);
    }
    writes.push({
      id: writeId,
      at: world.now(),
      method: match.route.method,
      path,
      body: logged,
      ...(key !== undefined ? { idempotencyKey: key } : {}),
      ...(ifMatch !== undefined ? { ifMatch } : {}),
      status: reply.status,
      applied: !replayed && reply.applied === true,
      replayed,
    });
    return reply;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    let routeLabel = 'unmatched';
    let reply: Reply;
    let hang = false;
    try {
      const raw = await readBody(req);
      const match = route(routes, method, path);
      routeLabel = match.route.pattern;
      const plan = clientFaults.plan(path, method);
      if (plan.latencyMs > 0) await new Promise((r) => setTimeout(r, plan.latencyMs));
      if (plan.error) throw new CharterRequestError(503, 'injected_fault', 'injected error (client fault); retry later');
      hang = plan.hang;
      const base = { world, method, path, params: match.params, query: url.searchParams, headers: req.headers };
      reply = match.route.write ? await write(match, req, path, raw, base) : await match.route.handler({ ...base, body: parseJsonBody(raw, header(req, 'content-type')) });
    } catch (err) {
      reply = errorReply(err);
    }
    if (hang) return; // processed, never answered: the client times out (the socket closes on restart/close)
    world.stats.apiRequests.inc({ method, route: routeLabel, code: String(reply.status) });
    if (reply.after) res.once('finish', reply.after);
    send(res, reply);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, errorReply(err));
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });

  return {
    server,
    idempotency,
    restart,
    reset,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

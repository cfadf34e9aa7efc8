/**
 * A fault-injecting HTTP reverse proxy for the fault-injection suite: it sits on a free
 * 127.0.0.1 port in front of the reference Charter (or any upstream) and, per rule, forwards,
 * forwards and drops the answer, delays, answers 5xx (JSON or HTML) or 412 itself, hangs, or
 * cuts the connection. Every request it saw is recorded with what it did.
 *
 *   const proxy = await startFaultProxy({ upstream: charter.url });
 *   proxy.rule({ method: 'PUT', path: /^\/api\/v1\/committees\//, nth: 1 }, { kind: 'drop_answer', mode: 'destroy' });
 *   // point the service at proxy.url; afterwards: proxy.requests(), proxy.close()
 *
 * Each rule counts every request its matcher (method, path, Idempotency-Key) matches, and acts on matches
 * nth … nth+times-1 (default: every match); when several would act, the first added wins.
 * A request no rule acts on is forwarded untouched.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FaultAction, FaultProxy, FaultProxyOptions, Matcher, ProxyRequest } from './fault-proxy-types.js';

export type { FaultAction, FaultKindName, FaultProxy, FaultProxyOptions, Matcher, ProxyOutcome, ProxyRequest, RuleHandle } from './fault-proxy-types.js';

interface Rule {
  readonly index: number;
  readonly match: Matcher;
  readonly action: FaultAction;
  matched: number;
  applied: number;
  removed: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);

function flatHeaders(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** Does the rule act on this request? Counts the match either way. */
function matches(re: RegExp, text: string): boolean {
  re.lastIndex = 0; // a /g or /y regex keeps state between tests
  return re.test(text);
}

function takes(rule: Rule, method: string, path: string, key: string | undefined): boolean {
  if (rule.removed) return false;
  const m = rule.match;
  if (m.method !== undefined && m.method.toUpperCase() !== method) return false;
  if (m.path !== undefined && !matches(m.path, path)) return false;
  if (m.idempotencyKey !== undefined && (key === undefined || !matches(m.idempotencyKey, key))) return false;
  rule.matched++;
  const nth = rule.match.nth ?? 1;
  const times = rule.match.times ?? (rule.match.nth !== undefined ? 1 : Infinity);
  return rule.matched >= nth && rule.matched < nth + times;
}

export const HTML_ERROR_PAGE = (status: number): string => `<html>\r\n<head><title>${status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>${status} Bad Gateway</h1></center>\r\n<hr><center>fault-proxy</center>\r\n</body>\r\n</html>\r\n`;

function validate(match: Matcher, action: FaultAction): void {
  if (match.nth !== undefined && (!Number.isInteger(match.nth) || match.nth < 1)) throw new Error(`fault proxy: nth: expected an integer >= 1, got ${match.nth}`);
  if (match.times !== undefined && (!Number.isInteger(match.times) || match.times < 1)) throw new Error(`fault proxy: times: expected an integer >= 1, got ${match.times}`);
  if (action.kind === 'delay' && (!Number.isFinite(action.ms) || action.ms < 0)) throw new Error(`fault proxy: delay: expected ms >= 0, got ${action.ms}`);
  if (action.kind === 'error' && (!Number.isInteger(action.status) || action.status < 400 || action.status > 599)) throw new Error(`fault proxy: error: expected a status 400-599, got ${action.status}`);
}

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(opts.upstream);
  if (upstream.protocol !== 'http:') throw new Error(`fault proxy: upstream "${opts.upstream}": only http is supported`);
  const rules: Rule[] = [];
  let log: Mutable<ProxyRequest>[] = [];
  let seq = 0;
  const waiters = new Set<{ pred: (r: ProxyRequest) => boolean; resolve: (r: ProxyRequest) => void }>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const upstreamRequests = new Set<ReturnType<typeof httpRequest>>();
  let closed = false;

  const notify = (rec: ProxyRequest): void => {
    for (const w of waiters) if (w.pred({ ...rec })) {
      waiters.delete(w);
      w.resolve({ ...rec });
    }
  };
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  function forward(method: string, path: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) if (!HOP_BY_HOP.has(k)) out[k] = v;
    out['host'] = upstream.host;
    out['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: upstream.hostname, port: upstream.port || 80, method, path, headers: out, agent: false }, (res) => {
        readAll(res).then((b) => {
          upstreamRequests.delete(req);
          resolve({ status: res.statusCode ?? 502, headers: flatHeaders(res.headers), body: b });
        }, reject);
      });
      upstreamRequests.add(req);
      req.on('error', (err) => {
        upstreamRequests.delete(req);
        reject(err);
      });
      req.end(body);
    });
  }

  function send(res: ServerResponse, rec: Mutable<ProxyRequest>, status: number, headers: Record<string, string>, body: Buffer | string): void {
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) if (!HOP_BY_HOP.has(k) && k !== 'content-length') h[k] = v;
    h['content-length'] = String(Buffer.byteLength(body));
    rec.status = status;
    res.writeHead(status, h);
    res.end(body, () => {
      if (rec.outcome === 'pending') rec.outcome = 'answered';
      notify(rec);
    });
  }

  function destroy(req: IncomingMessage, rec: Mutable<ProxyRequest>): void {
    rec.outcome = 'destroyed';
    req.socket.destroy();
    notify(rec);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = req.url ?? '/';
    const headers = flatHeaders(req.headers);
    const raw = await readAll(req);
    const text = raw.toString('utf8');
    // Every rule counts its matches, whichever rule acts: "the Nth PUT" means the Nth PUT seen.
    const acting = rules.filter((r) => takes(r, method, path, headers['idempotency-key']));
    const rule = acting[0];
    if (rule) rule.applied++;
    const action: FaultAction = rule?.action ?? { kind: 'forward' };
    const json = parseJson(text);
    const rec: Mutable<ProxyRequest> = {
      seq: ++seq,
      method,
      path,
      headers,
      ...(headers['idempotency-key'] !== undefined ? { idempotencyKey: headers['idempotency-key'] } : {}),
      ...(headers['if-match'] !== undefined ? { ifMatch: headers['if-match'] } : {}),
      body: text,
      ...(json !== undefined ? { json } : {}),
      action: action.kind,
      ...(rule ? { rule: rule.index } : {}),
      forwarded: false,
      outcome: 'pending',
    };
    log.push(rec);
    res.on('close', () => {
      if (rec.outcome !== 'pending') return;
      rec.outcome = action.kind === 'hang' || action.kind === 'drop_answer' ? 'hung' : 'client_gone';
      notify(rec);
    });
    notify(rec);

    const viaUpstream = async (): Promise<{ status: number; headers: Record<string, string>; body: Buffer } | undefined> => {
      rec.forwarded = true;
      try {
        const up = await forward(method, path, headers, raw);
        rec.upstreamStatus = up.status;
        notify(rec);
        return up;
      } catch (err) {
        rec.upstreamError = err instanceof Error ? err.message : String(err);
        destroy(req, rec);
        return undefined;
      }
    };

    switch (action.kind) {
      case 'forward': {
        const up = await viaUpstream();
        if (up) send(res, rec, up.status, up.headers, up.body);
        return;
      }
      case 'drop_answer': {
        const up = await viaUpstream();
        if (!up) return;
        if (action.mode === 'destroy') destroy(req, rec);
        return; // 'hang': the answer is kept back; the client times out or close() ends it
      }
      case 'delay': {
        if (action.before === 'forward') await sleep(action.ms);
        if (closed) return;
        const up = await viaUpstream();
        if (!up) return;
        if (action.before === 'answer') await sleep(action.ms);
        if (!closed) send(res, rec, up.status, up.headers, up.body);
        return;
      }
      case 'error':
        if (action.body === 'html') send(res, rec, action.status, { 'content-type': 'text/html' }, HTML_ERROR_PAGE(action.status));
        else send(res, rec, action.status, { 'content-type': 'application/json; charset=utf-8' }, JSON.stringify({ error: { code: 'injected_fault', message: `injected error ${action.status} (fault proxy)` } }));
        return;
      case 'precondition_failed':
        send(res, rec, 412, { 'content-type': 'application/json; charset=utf-8', ...(action.etag !== undefined ? { etag: action.etag } : {}) }, JSON.stringify({ error: { code: 'version_conflict', message: 'injected version conflict (fault proxy)', field: 'If-Match' } }));
        return;
      case 'hang':
        return;
      case 'cut':
        destroy(req, rec);
        return;
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      req.socket.destroy();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    rule(match, action) {
      validate(match, action);
      const r: Rule = { index: rules.length, match, action, matched: 0, applied: 0, removed: false };
      rules.push(r);
      return {
        get matched() {
          return r.matched;
        },
        get applied() {
          return r.applied;
        },
        remove: () => {
          r.removed = true;
        },
      };
    },
    clearRules() {
      for (const r of rules) r.removed = true;
    },
    requests: () => log.map((r) => ({ ...r })),
    clearRequests() {
      log = [];
    },
    waitFor(pred, timeoutMs = 10_000) {
      const hit = log.find((r) => pred({ ...r }));
      if (hit) return Promise.resolve({ ...hit });
      return new Promise<ProxyRequest>((resolve, reject) => {
        const w = {
          pred,
          resolve: (r: ProxyRequest) => {
            clearTimeout(t);
            resolve(r);
          },
        };
        const t = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`fault proxy: no matching request within ${timeoutMs} ms (${log.length} seen)`));
        }, timeoutMs);
        waiters.add(w);
      });
    },
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const r of upstreamRequests) r.destroy();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

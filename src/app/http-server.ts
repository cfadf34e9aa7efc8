import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Alert } from '../types/alert.js';
import type { Decision } from '../types/decision.js';
import type { Logger } from '../observability/logger.js';
import type { ServiceMetrics, WebhookResult } from '../observability/metrics.js';
import { formatWebhookIssue, parseWebhook, type WebhookDeduplicator, type WebhookPayload } from '../integration/webhook.js';
import { bearerCredentials, intake } from '../integration/webhook-intake.js';

export interface HttpDeps {
  readonly metrics: ServiceMetrics;
  readonly log: Logger;
  /** Required `Authorization: Bearer` token of the webhook; undefined: none. */
  readonly webhookToken: string | undefined;
  readonly maxBodyBytes: number;
  readonly dedup: WebhookDeduplicator;
  /** Called when an accepted webhook triggers a cycle, with its fresh (not duplicate) alerts. */
  readonly onAlerts: (alerts: readonly Alert[]) => void;
  /** Keeps every accepted notification: the alert source while Alertmanager's API is down. */
  readonly held?: { record(payload: WebhookPayload): void };
  /** False while shutting down: the webhook answers 503 so Alertmanager retries later. */
  readonly accepting?: () => boolean;
  readonly ready: () => { readonly ready: boolean; readonly reasons: readonly string[] };
  readonly health: () => Readonly<Record<string, unknown>>;
  readonly decisions: (limit: number) => Promise<readonly Decision[]>;
  readonly approvals: () => Promise<readonly unknown[]>;
  readonly decisionsLimit: number;
  /** More routes (the console, POST /api/v1/approvals/{id}): resolves true when it answered. */
  readonly routes?: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues?: readonly string[],
  ) {
    super(message);
  }
}

export function send(res: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new HttpError(413, 'too_large', `body of ${declared} bytes exceeds the limit of ${limit} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limit) {
        done = true;
        reject(new HttpError(413, 'too_large', `body exceeds the limit of ${limit} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!done) reject(e);
    });
  });
}

export function tokenMatches(header: string | undefined, token: string): boolean {
  const credentials = bearerCredentials(header);
  if (credentials === undefined) return false;
  const a = Buffer.from(credentials);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The service's HTTP API: /metrics, /healthz, /readyz, the Alertmanager webhook and JSON
 * views of recent decisions and pending approvals. Every error is JSON
 * `{error: {code, message, issues?}}` with a 4xx/5xx status.
 */
export function createHttpServer(d: HttpDeps): Server {
  const countWebhook = (r: WebhookResult): void => d.metrics.webhooks.inc({ result: r });

  async function webhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (d.accepting?.() === false) throw new HttpError(503, 'shutting_down', 'shutting down; not taking triggers');
    if (d.webhookToken !== undefined && !tokenMatches(req.headers['authorization'], d.webhookToken)) {
      countWebhook('unauthorized');
      throw new HttpError(401, 'unauthorized', 'missing or wrong bearer token');
    }
    let raw: Buffer;
    try {
      raw = await readBody(req, d.maxBodyBytes);
    } catch (err) {
      if (err instanceof HttpError && err.status === 413) countWebhook('too_large');
      throw err;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (err) {
      countWebhook('rejected');
      throw new HttpError(400, 'invalid_json', `body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    const parsed = parseWebhook(body);
    if (!parsed.ok) {
      countWebhook('rejected');
      const issues = parsed.issues.map(formatWebhookIssue);
      throw new HttpError(400, 'invalid_payload', `invalid webhook payload: ${issues[0] ?? ''}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`, issues);
    }
    const { payload } = parsed;
    const r = intake(payload, parsed.alerts, d.dedup);
    countWebhook(r.result);
    d.held?.record(payload);
    if (r.truncated > 0) {
      d.metrics.webhookTruncated.inc();
      d.metrics.webhookTruncatedAlerts.inc(r.truncated);
      d.log.warn('webhook truncated by max_alerts; the cycle reads the whole group from alertmanager', { groupKey: payload.groupKey, receiver: payload.receiver, visible: parsed.alerts.length, hidden: r.truncated });
    }
    if (r.trigger) d.onAlerts(r.fresh);
    d.log.debug('webhook', { groupKey: payload.groupKey, ...(r.truncated === 0 ? { status: payload.status } : {}), alerts: parsed.alerts.length, duplicates: r.duplicates, truncated: r.truncated });
    send(res, 202, { accepted: r.fresh.length, duplicates: r.duplicates, ...(r.truncated > 0 ? { truncated: r.truncated } : {}) });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const only = (m: string): void => {
      if (method !== m) throw new HttpError(405, 'method_not_allowed', `${method} not allowed on ${url.pathname}; use ${m}`);
    };
    // Load balancers and monitors probe with HEAD: the GET answer's status and headers, no body (node drops it).
    const probe = (): void => only(method === 'HEAD' ? 'HEAD' : 'GET');
    switch (url.pathname) {
      case '/metrics':
        probe();
        return send(res, 200, await d.metrics.registry.metrics(), d.metrics.registry.contentType);
      case '/healthz':
        probe();
        return send(res, 200, { status: 'ok', ...d.health() });
      case '/readyz': {
        probe();
        const r = d.ready();
        return send(res, r.ready ? 200 : 503, { ready: r.ready, reasons: r.reasons });
      }
      case '/api/v1/alerts/webhook':
        only('POST');
        return webhook(req, res);
      case '/api/v1/decisions': {
        only('GET');
        const raw = url.searchParams.get('limit');
        let limit = Math.min(20, d.decisionsLimit);
        if (raw !== null) {
          const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
          if (!Number.isInteger(n) || n < 1) throw new HttpError(400, 'invalid_query', `limit: must be a positive integer, got ${JSON.stringify(raw)}`);
          limit = Math.min(n, d.decisionsLimit);
        }
        return send(res, 200, { decisions: await d.decisions(limit) });
      }
      case '/api/v1/approvals':
        only('GET');
        return send(res, 200, { approvals: await d.approvals() });
      default:
        // The console's routes come after the built-in ones, so that nothing is awaited before
        // a webhook's body is read (a listener that reads it too would take it meanwhile).
        if (d.routes !== undefined && (await d.routes(req, res, url))) return;
        throw new HttpError(404, 'not_found', `no route ${url.pathname}`);
    }
  }

  return createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (err instanceof HttpError) {
        send(res, err.status, { error: { code: err.code, message: err.message, ...(err.issues ? { issues: err.issues } : {}) } });
        if (err.status === 413) req.resume();
        return;
      }
      d.log.error('http handler failed', { path: req.url, error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) send(res, 500, { error: { code: 'internal', message: 'internal error' } });
      else res.destroy();
    });
  });
}

/** Listens and resolves the bound address (port 0 picks a free one). */
export function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

/**
 * A bare HTTP listener on 127.0.0.1 that records every POST (Alertmanager webhooks) with
 * its receive time. Used by the stack tests and as the "floor" receiver of the benchmarks.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  /** Date.now() when the whole body had arrived. */
  readonly receivedAt: number;
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly raw: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  readonly body: unknown;
}

export interface WebhookListener {
  /** Base URL with the listener's path, e.g. http://127.0.0.1:41234/hook. */
  readonly url: string;
  readonly port: number;
  /** Everything received so far, in arrival order. */
  readonly received: readonly ReceivedWebhook[];
  /** Status to answer with (default 200); set to 500 to make Alertmanager retry. */
  status: number;
  /** Resolves with the first recorded post (past or future) that satisfies `pred`. */
  waitFor(pred: (w: ReceivedWebhook) => boolean, timeoutMs: number, what?: string): Promise<ReceivedWebhook>;
  /** Resolves with the first post carrying an alert named `alertname` in `status` (optionally matching labels). */
  waitForAlert(alertname: string, status: 'firing' | 'resolved', timeoutMs: number, labels?: Readonly<Record<string, string>>): Promise<ReceivedWebhook>;
  close(): Promise<void>;
}

interface WebhookAlertLike {
  status?: unknown;
  labels?: Record<string, unknown>;
}

/** Alerts of a received webhook body (empty when it is not a webhook payload). */
export function alertsOf(w: ReceivedWebhook): WebhookAlertLike[] {
  const b = w.body as { alerts?: unknown } | undefined;
  return Array.isArray(b?.alerts) ? (b.alerts as WebhookAlertLike[]) : [];
}

export async function startWebhookListener(opts: { path?: string; status?: number } = {}): Promise<WebhookListener> {
  const path = opts.path ?? '/hook';
  const received: ReceivedWebhook[] = [];
  const waiters = new Set<(w: ReceivedWebhook) => void>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try { body = JSON.parse(raw); } catch { body = undefined; }
      const w: ReceivedWebhook = { receivedAt: Date.now(), method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, body };
      received.push(w);
      for (const notify of [...waiters]) notify(w);
      res.writeHead(listener.status, { 'content-type': 'text/plain' });
      res.end(listener.status < 300 ? 'ok' : 'failing on purpose');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const waitFor = (pred: (w: ReceivedWebhook) => boolean, timeoutMs: number, what = 'a matching webhook'): Promise<ReceivedWebhook> => {
    const past = received.find(pred);
    if (past) return Promise.resolve(past);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`webhook listener: no ${what} within ${timeoutMs} ms (${received.length} posts received)`));
      }, timeoutMs);
      const check = (w: ReceivedWebhook): void => {
        if (!pred(w)) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(w);
      };
      waiters.add(check);
    });
  };

  const listener: WebhookListener = {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    received,
    status: opts.status ?? 200,
    waitFor,
    waitForAlert: (alertname, status, timeoutMs, labels = {}) =>
      waitFor(
        (w) => alertsOf(w).some((a) => a.status === status && a.labels?.['alertname'] === alertname && Object.entries(labels).every(([k, v]) => a.labels?.[k] === v)),
        timeoutMs,
        `${status} ${alertname}${Object.keys(labels).length ? ` ${JSON.stringify(labels)}` : ''} webhook`,
      ),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  return listener;
}

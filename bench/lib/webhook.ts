/** Alertmanager v4 webhook payloads and a keep-alive poster for the service's webhook. */
import http from 'node:http';

export interface BenchAlert {
  readonly labels: Record<string, string>;
  readonly startsAt: string;
  readonly status?: 'firing' | 'resolved';
  readonly endsAt?: string;
  readonly fingerprint: string;
}

export function webhookBody(alerts: readonly BenchAlert[], groupKey = '{}:{bench="1"}'): string {
  const status = alerts.every((a) => a.status === 'resolved') ? 'resolved' : 'firing';
  return JSON.stringify({
    version: '4',
    receiver: 'mapek',
    status,
    groupKey,
    truncatedAlerts: 0,
    groupLabels: {},
    commonLabels: alerts.length === 1 ? alerts[0]?.labels ?? {} : {},
    commonAnnotations: {},
    externalURL: 'http://127.0.0.1:9093',
    alerts: alerts.map((a) => ({
      status: a.status ?? 'firing',
      labels: a.labels,
      annotations: {},
      startsAt: a.startsAt,
      endsAt: a.endsAt ?? '0001-01-01T00:00:00Z',
      generatorURL: 'http://127.0.0.1:9090/graph',
      fingerprint: a.fingerprint,
    })),
  });
}

export interface PostResult {
  readonly status: number;
  readonly body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** POST a body to a loopback URL over a keep-alive agent. */
export function post(url: string, body: string, token?: string): Promise<PostResult> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Alertmanager/0.25.0',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export function get(url: string): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** A value of a Prometheus text-format counter line `name{labels} value` (0 when absent). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const ls = m[3] ?? '';
    if (Object.entries(labels).every(([k, v]) => ls.includes(`${k}="${v}"`))) sum += Number(m[4]);
  }
  return sum;
}

/**
 * Regenerates the payload corpus under test/data/alertmanager/ and test/data/prometheus/
 * from the real binaries (run by hand: `node scripts/capture-corpus.js`; npm test only
 * replays what is committed). Each scenario starts from the same Alertmanager config
 * (CORPUS_AM_CONFIG): one route per scenario, a `max_alerts: 2` receiver, `group_by: ['...']`,
 * an inhibition rule, a receiver that answers 500 twice, and a 2 s repeat. Alerts are posted
 * to /api/v2/alerts the way Prometheus (or a person) would, and every delivery is recorded
 * verbatim with the status the listener answered. Prometheus answers are recorded as text.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { AlertmanagerScenario, CorpusApiAnswer, CorpusDelivery } from './corpus.js';
import { REPO_ROOT, requireBinary, startManaged, waitUntil, type ManagedProcess } from '../../src/app/stack/index.js';

export const CORPUS_DIR = { alertmanager: path.join(REPO_ROOT, 'test/data/alertmanager'), prometheus: path.join(REPO_ROOT, 'test/data/prometheus') };
export const CORPUS_TOKEN = 'corpus-token';

/** One delivery as the corpus keeps it (`answered`: what the listener said; Alertmanager retries 5xx). */
type Delivery = CorpusDelivery;

interface Listener {
  readonly url: string;
  readonly deliveries: Delivery[];
  /** Answers 500 to the first N posts on a path. */
  readonly failFirst: Map<string, number>;
  close(): Promise<void>;
}

async function listen(): Promise<Listener> {
  const deliveries: Delivery[] = [];
  const failFirst = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const p = req.url ?? '';
      const left = failFirst.get(p) ?? 0;
      const answered = left > 0 ? 500 : 200;
      if (left > 0) failFirst.set(p, left - 1);
      deliveries.push({ path: p, authorization: req.headers['authorization'], userAgent: req.headers['user-agent'], answered, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
      res.writeHead(answered, { 'content-type': 'text/plain' });
      res.end(answered === 200 ? 'ok' : 'failing on purpose');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, deliveries, failFirst, close: () => new Promise((r) => server.close(() => r())) };
}

/** The capture config; `url` says where each receiver (hook, trunc, retry) posts [`${hook}/${receiver}`]. */
export function corpusAlertmanagerConfig(hook: string | ((receiver: string) => string)): string {
  const url = typeof hook === 'string' ? (name: string): string => `${hook}/${name}` : hook;
  const receiver = (name: string, extra = ''): string => `  - name: ${name}
    webhook_configs:
      - url: ${url(name)}
        send_resolved: true${extra}
        http_config:
          authorization: { type: Bearer, credentials: ${CORPUS_TOKEN} }`;
  return `# written by test/support/corpus-capture.ts
route:
  receiver: hook
  group_by: [alertname, scenario]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - { matchers: ['scenario="truncation"'], receiver: trunc }
    - { matchers: ['scenario="all-labels"'], group_by: ['...'] }
    - { matchers: ['scenario="repeat"'], repeat_interval: 2s }
    - { matchers: ['scenario="retry"'], receiver: retry }
inhibit_rules:
  - source_matchers: ['scenario="inhibit"', 'severity="critical"']
    target_matchers: ['scenario="inhibit"', 'severity="warning"']
    equal: [node_or_service]
receivers:
${receiver('hook')}
${receiver('trunc', '\n        max_alerts: 2')}
${receiver('retry')}
`;
}

type Posted = { labels: Record<string, string>; annotations?: Record<string, string>; startsAt?: string; endsAt?: string; generatorURL?: string };

class Session {
  constructor(readonly am: ManagedProcess, readonly l: Listener) {}

  async post(alerts: readonly Posted[]): Promise<void> {
    const r = await fetch(`${this.am.url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
    if (r.status !== 200) throw new Error(`post alerts answered ${r.status}: ${await r.text()}`);
  }

  async api(filter: readonly string[]): Promise<CorpusApiAnswer> {
    const q = new URLSearchParams(filter.map((f): [string, string] => ['filter', f]));
    const r = await fetch(`${this.am.url}/api/v2/alerts?${q}`);
    return { query: `/api/v2/alerts?${q}`, status: r.status, date: r.headers.get('date') ?? '', body: await r.json() };
  }

  deliveriesOf(alertname: string): Delivery[] {
    return this.l.deliveries.filter((d) => (d.body as { commonLabels?: Record<string, string> }).commonLabels?.['alertname'] === alertname || (d.body as { alerts?: { labels: Record<string, string> }[] }).alerts?.some((a) => a.labels['alertname'] === alertname));
  }

  wait(alertname: string, pred: (ds: Delivery[]) => boolean, what: string, ms = 20_000): Promise<Delivery[]> {
    return waitUntil(() => { const ds = this.deliveriesOf(alertname); return pred(ds) ? ds : undefined; }, ms, what, 100);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const iso = (ms: number): string => new Date(ms).toISOString();
const bodyOf = (d: Delivery): { status: string; truncatedAlerts: number; alerts: { status: string }[] } => d.body as never;

/** What one scenario file holds: the shape test/support/corpus.ts reads back. */
export type ScenarioFile = AlertmanagerScenario;

async function scenarios(s: Session): Promise<ScenarioFile[]> {
  const out: ScenarioFile[] = [];
  const version = ((await (await fetch(`${s.am.url}/api/v2/status`)).json()) as { versionInfo: { version: string } }).versionInfo.version;
  const file = (scenario: string, about: string, deliveries: Delivery[], api: CorpusApiAnswer[] = []): void => void out.push({ scenario, about, alertmanager: version, deliveries, api });

  // max_alerts: 2 on a group of 9; then the two visible ones resolve while 7 hidden fire on.
  const trunc = (i: number, endsAt?: string): Posted => ({ labels: { alertname: 'CorpusTruncated', scenario: 'truncation', severity: 'critical', node_or_service: `node-${i}` }, ...(endsAt ? { endsAt } : {}) });
  await s.post([1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => trunc(i)));
  await s.wait('CorpusTruncated', (ds) => ds.length >= 1, 'the truncated delivery');
  await s.post([trunc(1, iso(Date.now())), trunc(2, iso(Date.now()))]);
  const tr = await s.wait('CorpusTruncated', (ds) => ds.some((d) => bodyOf(d).status === 'resolved'), 'the truncated resolved delivery');
  file('truncation', 'max_alerts: 2 on a group of 9 firing alerts (truncatedAlerts 7); then node-1 and node-2, the two visible ones, resolve: the next delivery shows only them, top-level status "resolved", while 7 hidden alerts still fire', tr, [await s.api(['scenario="truncation"'])]);

  // group_by: ['...']: one group per alert.
  await s.post(['node-a', 'node-b', 'node-c'].map((n) => ({ labels: { alertname: 'CorpusAllLabels', scenario: 'all-labels', severity: 'warning', node_or_service: n } })));
  file('group-by-all', "group_by: ['...']: three alerts, three groups, three deliveries with their own groupKey", await s.wait('CorpusAllLabels', (ds) => ds.length >= 3, 'three all-labels deliveries'));

  // Inhibition: the warning of node-i is inhibited by the critical of the same node.
  // The inhibitor first: posted together with group_wait 0s, the other group can be flushed
  // before the inhibition takes effect (a real race, but not the case to capture here).
  await s.post([{ labels: { alertname: 'CorpusInhibitor', scenario: 'inhibit', severity: 'critical', node_or_service: 'node-i' } }]);
  await s.wait('CorpusInhibitor', (ds) => ds.length >= 1, 'the inhibitor delivery');
  await s.post([{ labels: { alertname: 'CorpusInhibited', scenario: 'inhibit', severity: 'warning', node_or_service: 'node-i' } }]);
  await sleep(3_000);
  const inhibitedApi = await waitUntil(async () => {
    const a = await s.api(['scenario="inhibit"']);
    return (a.body as { status: { inhibitedBy: string[] } }[]).some((x) => x.status.inhibitedBy.length > 0) ? a : undefined;
  }, 10_000, 'the inhibited alert in the api');
  file('inhibition', 'CorpusInhibitor (critical) inhibits CorpusInhibited (warning) on the same node_or_service: only the inhibitor is delivered; the api shows the other suppressed with inhibitedBy', [...s.deliveriesOf('CorpusInhibitor'), ...s.deliveriesOf('CorpusInhibited')], [inhibitedApi]);

  // Silence: never delivered; the api shows it suppressed with silencedBy.
  const now = Date.now();
  const sil = await fetch(`${s.am.url}/api/v2/silences`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ matchers: [{ name: 'alertname', value: 'CorpusSilenced', isRegex: false, isEqual: true }], startsAt: iso(now), endsAt: iso(now + 3_600_000), createdBy: 'corpus', comment: 'corpus capture' }) });
  if (sil.status !== 200) throw new Error(`silence answered ${sil.status}`);
  await s.post([{ labels: { alertname: 'CorpusSilenced', scenario: 'silence', severity: 'critical', node_or_service: 'node-s' } }]);
  await sleep(3_000);
  file('silence', 'CorpusSilenced matches an active silence: no delivery; the api shows it suppressed with silencedBy', s.deliveriesOf('CorpusSilenced'), [await s.api(['scenario="silence"'])]);

  // Repeat: the same group re-sent every repeat_interval (2 s).
  await s.post([{ labels: { alertname: 'CorpusRepeat', scenario: 'repeat', severity: 'warning', node_or_service: 'node-r' } }]);
  file('repeat', 'repeat_interval 2s: the same notification delivered three times (same fingerprint and startsAt)', await s.wait('CorpusRepeat', (ds) => ds.length >= 3, 'three repeat deliveries'));

  // Retry after 5xx: the listener answers 500 twice, then 200.
  s.l.failFirst.set('/retry', 2);
  await s.post([{ labels: { alertname: 'CorpusRetry', scenario: 'retry', severity: 'critical', node_or_service: 'node-x' } }]);
  file('retry-after-500', 'the receiver answers 500 twice: Alertmanager retries the same notification until it is accepted', await s.wait('CorpusRetry', (ds) => ds.some((d) => d.answered === 200), 'the accepted retry'));

  // Mixed: one of three resolves.
  const mixed = (n: string, endsAt?: string): Posted => ({ labels: { alertname: 'CorpusMixed', scenario: 'mixed', severity: 'critical', node_or_service: n }, ...(endsAt ? { endsAt } : {}) });
  await s.post(['node-m1', 'node-m2', 'node-m3'].map((n) => mixed(n)));
  await s.wait('CorpusMixed', (ds) => ds.length >= 1, 'the mixed firing delivery');
  await s.post([mixed('node-m2', iso(Date.now()))]);
  file('mixed', 'a group of three; node-m2 resolves: the next delivery has two firing and one resolved alert, top-level status "firing"', await s.wait('CorpusMixed', (ds) => ds.some((d) => bodyOf(d).alerts.some((a) => a.status === 'resolved')), 'the mixed delivery'));

  // Posted by a person: no generatorURL, no startsAt, no endsAt.
  await s.post([{ labels: { alertname: 'CorpusByHand', scenario: 'by-hand', severity: 'warning' }, annotations: { summary: 'posted with curl' } }]);
  const byHand = await s.wait('CorpusByHand', (ds) => ds.length >= 1, 'the by-hand delivery');
  file('posted-by-hand', 'an alert posted to /api/v2/alerts without generatorURL, startsAt or endsAt (Alertmanager fills startsAt and endsAt = now + resolve_timeout)', byHand, [await s.api(['scenario="by-hand"'])]);

  file('api-all', 'GET /api/v2/alerts at the end: active, suppressed (silenced, inhibited) alerts with state and updatedAt; the Date header of the answer', [], [await s.api([])]);
  return out;
}

interface PromCapture {
  readonly name: string;
  readonly about: string;
  readonly request: { readonly path: string; readonly params: Readonly<Record<string, string>> };
  readonly status: number;
  readonly contentType: string | null;
  readonly body: string;
}

const PROM_QUERIES: readonly { name: string; about: string; path?: string; params: Record<string, string> }[] = [
  { name: 'vector-pos-inf', about: 'an instant vector whose sample is +Inf', params: { query: 'vector(1/0)' } },
  { name: 'vector-neg-inf', about: 'an instant vector whose sample is -Inf', params: { query: 'vector(-1/0)' } },
  { name: 'vector-nan', about: 'an instant vector whose sample is NaN', params: { query: 'vector(0/0)' } },
  { name: 'vector-mixed', about: 'three series: +Inf, -Inf, NaN and 1.5 (label x)', params: { query: 'label_replace(vector(1/0), "x", "pinf", "", "") or label_replace(vector(-1/0), "x", "ninf", "", "") or label_replace(vector(0/0), "x", "nan", "", "") or label_replace(vector(1.5), "x", "num", "", "")' } },
  { name: 'scalar-inf', about: 'a scalar result: +Inf', params: { query: '1/0' } },
  { name: 'scalar-number', about: 'a scalar result: 42', params: { query: '42' } },
  { name: 'string', about: 'a string result', params: { query: '"hello"' } },
  { name: 'matrix-inf', about: 'query_range of +Inf over 3 steps', path: '/api/v1/query_range', params: { query: 'vector(1/0)', start: '1700000000', end: '1700000002', step: '1' } },
  { name: 'error-bad-data', about: 'a parse error: 400 bad_data', params: { query: 'sum(' } },
  { name: 'error-execution', about: 'an execution error (too many samples, --query.max-samples=100): 422 execution', params: { query: 'sum_over_time(vector(1)[1h:1s])' } },
];

async function prometheusCaptures(prom: ManagedProcess): Promise<PromCapture[]> {
  const out: PromCapture[] = [];
  for (const q of PROM_QUERIES) {
    const p = q.path ?? '/api/v1/query';
    const params = { ...q.params, ...(p === '/api/v1/query' ? { time: '1700000000' } : {}) };
    const r = await fetch(`${prom.url}${p}?${new URLSearchParams(params)}`);
    out.push({ name: q.name, about: q.about, request: { path: p, params }, status: r.status, contentType: r.headers.get('content-type'), body: await r.text() });
  }
  return out;
}

/** The real Alertmanager with the corpus config (also used by the live intake test). */
export function startCorpusAlertmanager(hook: Parameters<typeof corpusAlertmanagerConfig>[0], port?: number): Promise<ManagedProcess> {
  const amBin = requireBinary('prometheus-alertmanager');
  return startManaged({
    name: 'alertmanager',
    ...(port !== undefined ? { port } : {}),
    prepare: async (dir, p) => {
      const config = path.join(dir, 'alertmanager.yml');
      await writeFile(config, corpusAlertmanagerConfig(hook));
      return [amBin, [`--config.file=${config}`, `--storage.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${p}`, '--cluster.listen-address=', '--log.level=warn']];
    },
  });
}

export async function captureCorpus(log: (s: string) => void = () => undefined): Promise<{ files: string[] }> {
  requireBinary('prometheus-alertmanager');
  const promBin = requireBinary('prometheus');
  const files: string[] = [];
  const l = await listen();
  const am = await startCorpusAlertmanager(l.url);
  try {
    await mkdir(CORPUS_DIR.alertmanager, { recursive: true });
    for (const f of await scenarios(new Session(am, l))) {
      const name = path.join(CORPUS_DIR.alertmanager, `${f.scenario}.json`);
      await writeFile(name, `${JSON.stringify(f, null, 1)}\n`);
      files.push(name);
      log(`${name}: ${f.deliveries.length} deliveries`);
    }
  } finally {
    await am.stop();
    await l.close();
  }
  const prom = await startManaged({
    name: 'prometheus',
    prepare: async (dir, port) => {
      const config = path.join(dir, 'prometheus.yml');
      await writeFile(config, 'global: { scrape_interval: 15s }\n');
      return [promBin, [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--query.max-samples=100', '--log.level=warn']];
    },
  });
  try {
    await mkdir(CORPUS_DIR.prometheus, { recursive: true });
    const version = ((await (await fetch(`${prom.url}/api/v1/status/buildinfo`)).json()) as { data: { version: string } }).data.version;
    for (const c of await prometheusCaptures(prom)) {
      const name = path.join(CORPUS_DIR.prometheus, `${c.name}.json`);
      await writeFile(name, `${JSON.stringify({ prometheus: version, ...c }, null, 1)}\n`);
      files.push(name);
      log(`${name}: ${c.status}`);
    }
  } finally {
    await prom.stop();
  }
  return { files };
}

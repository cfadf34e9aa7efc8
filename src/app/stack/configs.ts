/**
 * The shipped deploy/ configs rewritten for a short-lived local stack (tests, benchmarks,
 * `mapek demo --stack`): scrape the given Charter, send alerts to the given Alertmanager,
 * 1 s intervals, group_wait 0s, the `mapek` receiver posting to the given webhook.
 */
import { readFile } from 'node:fs/promises';
import yaml from 'js-yaml';
import { DEPLOY } from './paths.js';

export interface PrometheusOptions {
  /** Charter base URL to scrape, e.g. http://127.0.0.1:41234 (its /metrics). */
  readonly charterUrl: string;
  /** Alertmanager base URL; without it, Prometheus evaluates rules but sends nowhere. */
  readonly alertmanagerUrl?: string;
  /** Seconds [1]. */
  readonly scrapeIntervalSeconds?: number;
  /** Seconds [1]. */
  readonly evaluationIntervalSeconds?: number;
  /** Rule file [deploy/prometheus/charter-alerts.yml]. */
  readonly rulesFile?: string;
  /** Port to listen on [a free one]. */
  readonly port?: number;
}

export interface AlertmanagerOptions {
  /** Where the `mapek` receiver posts. */
  readonly webhookUrl: string;
  /** More replicas the `mapek` receiver posts to as well (each gets every notification). */
  readonly extraWebhookUrls?: readonly string[];
  /** Bearer token the `mapek` receiver sends ["test-webhook-token"]. */
  readonly webhookToken?: string;
  /** [1s] */
  readonly groupInterval?: string;
  /** [10s] */
  readonly repeatInterval?: string;
  readonly port?: number;
}

type Doc = Record<string, any>;

/** The deploy Prometheus config rewritten for a local stack. */
export async function prometheusTestConfig(o: PrometheusOptions, source = DEPLOY.prometheusConfig): Promise<string> {
  const doc = yaml.load(await readFile(source, 'utf8')) as Doc;
  const scrape = o.scrapeIntervalSeconds ?? 1;
  doc['global'] = { ...doc['global'], scrape_interval: `${scrape}s`, scrape_timeout: `${Math.max(100, scrape * 900)}ms`, evaluation_interval: `${o.evaluationIntervalSeconds ?? 1}s` };
  doc['rule_files'] = [o.rulesFile ?? DEPLOY.prometheusRules];
  if (o.alertmanagerUrl) doc['alerting'] = { alertmanagers: [{ api_version: 'v2', timeout: '2s', static_configs: [{ targets: [new URL(o.alertmanagerUrl).host] }] }] };
  else delete doc['alerting'];
  const charter = new URL(o.charterUrl);
  const job = (doc['scrape_configs'] as Doc[] | undefined)?.find((j) => j['job_name'] === 'charter');
  if (!job) throw new Error(`${source}: no scrape job "charter"`);
  job['static_configs'] = [{ targets: [charter.host] }];
  job['metrics_path'] = `${charter.pathname.replace(/\/$/, '')}/metrics`;
  return yaml.dump(doc);
}

/** The deploy Alertmanager config rewritten for a local stack. */
export async function alertmanagerTestConfig(o: AlertmanagerOptions, source = DEPLOY.alertmanagerConfig): Promise<string> {
  const doc = yaml.load(await readFile(source, 'utf8')) as Doc;
  const timings = (r: Doc): void => {
    for (const k of ['group_wait', 'group_interval', 'repeat_interval']) delete r[k];
    for (const child of (r['routes'] as Doc[] | undefined) ?? []) timings(child);
  };
  const route = doc['route'] as Doc;
  timings(route);
  Object.assign(route, { group_wait: '0s', group_interval: o.groupInterval ?? '1s', repeat_interval: o.repeatInterval ?? '10s' });
  const mapek = (doc['receivers'] as Doc[] | undefined)?.find((r) => r['name'] === 'mapek');
  if (!mapek) throw new Error(`${source}: no receiver "mapek"`);
  mapek['webhook_configs'] = [o.webhookUrl, ...(o.extraWebhookUrls ?? [])].map((url) => ({ url, send_resolved: true, max_alerts: 0, http_config: { authorization: { type: 'Bearer', credentials: o.webhookToken ?? 'test-webhook-token' } } }));
  return yaml.dump(doc);
}

/**
 * The alert rules on a seconds timescale: 30 s rate/increase windows become `window`, and
 * the 15 s `for:` clauses become `forDuration`, so an alert fires and resolves within
 * seconds of a fault and its fix (the thresholds are unchanged).
 *
 * CharterDown keeps its `for: 10s`: Prometheus 2.42 first scrapes a new target about 5 s
 * after start, and until then `absent(up{job="charter"})` holds; shortened, CharterDown
 * fired at every start and blocked every plan guarded by `charterReachable`. The 10 s also
 * rides out a scrape or two missed on a loaded machine, as it does in production.
 */
export function fastAlertRules(text: string, window = '5s', forDuration = '3s'): string {
  return text.replace(/\[30s\]/g, `[${window}]`).replace(/for: 15s/g, `for: ${forDuration}`);
}

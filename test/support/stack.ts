/**
 * Test harness for the real monitoring stack: starts the Debian `prometheus` and
 * `prometheus-alertmanager` binaries with deploy/prometheus and deploy/alertmanager configs
 * rewritten for a test (scrape target, webhook URL, 1 s intervals, group_wait 0s) on free
 * 127.0.0.1 ports with temporary directories, waits until /-/ready, and stops them
 * (kill + wait + remove the directories). A missing binary is an error saying how to
 * install it: tests that need the stack fail, they never skip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';

/** Repository root (this file runs from dist/test/support/). */
export const REPO_ROOT = findRoot();
export const PROMETHEUS_CONFIG = path.join(REPO_ROOT, 'deploy/prometheus/prometheus.yml');
export const PROMETHEUS_RULES = path.join(REPO_ROOT, 'deploy/prometheus/charter-alerts.yml');
export const PROMETHEUS_RULES_TEST = path.join(REPO_ROOT, 'deploy/prometheus/charter-alerts.test.yml');
export const ALERTMANAGER_CONFIG = path.join(REPO_ROOT, 'deploy/alertmanager/alertmanager.yml');
export const INSTALL_HINT = 'apt-get install prometheus prometheus-alertmanager';

/** Absolute path of a binary on PATH (or in /usr/bin), or an Error saying how to install it. */
export function requireBinary(name: 'prometheus' | 'prometheus-alertmanager' | 'promtool' | 'amtool'): string {
  const dirs = [...(process.env['PATH'] ?? '').split(path.delimiter), '/usr/bin', '/usr/local/bin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = path.join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // try the next directory
    }
  }
  throw new Error(`${name} not found on PATH; the integration tests need the real binaries: ${INSTALL_HINT} (or run scripts/ensure-stack.sh)`);
}

/** A free TCP port on 127.0.0.1 (bind to 0, read, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A started binary. */
export interface ManagedProcess {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly child: ChildProcess;
  /** Last lines of its stderr/stdout, for failure messages. */
  logs(): string;
  /** SIGTERM, wait (SIGKILL after 5 s), remove its temp dir. Idempotent. */
  stop(): Promise<void>;
}

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
  /** Bearer token the `mapek` receiver sends ["test-webhook-token"]. */
  readonly webhookToken?: string;
  /** [1s] */
  readonly groupInterval?: string;
  /** [10s] */
  readonly repeatInterval?: string;
  readonly port?: number;
}

export interface StackOptions extends Omit<PrometheusOptions, 'alertmanagerUrl' | 'port'>, AlertmanagerOptions {}

export interface Stack {
  readonly prometheus: ManagedProcess;
  readonly alertmanager: ManagedProcess;
  readonly prometheusUrl: string;
  readonly alertmanagerUrl: string;
  /** Stops both (Prometheus first). Idempotent. */
  stop(): Promise<void>;
}

/** The deploy Prometheus config rewritten for a test. */
export async function prometheusTestConfig(o: PrometheusOptions): Promise<string> {
  const doc = yaml.load(await readFile(PROMETHEUS_CONFIG, 'utf8')) as Record<string, any>;
  const scrape = o.scrapeIntervalSeconds ?? 1;
  doc['global'] = { ...doc['global'], scrape_interval: `${scrape}s`, scrape_timeout: `${Math.max(100, scrape * 900)}ms`, evaluation_interval: `${o.evaluationIntervalSeconds ?? 1}s` };
  doc['rule_files'] = [o.rulesFile ?? PROMETHEUS_RULES];
  if (o.alertmanagerUrl) doc['alerting'] = { alertmanagers: [{ api_version: 'v2', timeout: '2s', static_configs: [{ targets: [new URL(o.alertmanagerUrl).host] }] }] };
  else delete doc['alerting'];
  const charter = new URL(o.charterUrl);
  const job = (doc['scrape_configs'] as Record<string, any>[]).find((j) => j['job_name'] === 'charter');
  if (!job) throw new Error(`${PROMETHEUS_CONFIG}: no scrape job "charter"`);
  job['static_configs'] = [{ targets: [charter.host] }];
  job['metrics_path'] = `${charter.pathname.replace(/\/$/, '')}/metrics`;
  return yaml.dump(doc);
}

/** The deploy Alertmanager config rewritten for a test. */
export async function alertmanagerTestConfig(o: AlertmanagerOptions): Promise<string> {
  const doc = yaml.load(await readFile(ALERTMANAGER_CONFIG, 'utf8')) as Record<string, any>;
  const timings = (r: Record<string, any>): void => {
    for (const k of ['group_wait', 'group_interval', 'repeat_interval']) delete r[k];
    for (const child of (r['routes'] as Record<string, any>[] | undefined) ?? []) timings(child);
  };
  const route = doc['route'] as Record<string, any>;
  timings(route);
  Object.assign(route, { group_wait: '0s', group_interval: o.groupInterval ?? '1s', repeat_interval: o.repeatInterval ?? '10s' });
  const mapek = (doc['receivers'] as Record<string, any>[]).find((r) => r['name'] === 'mapek');
  if (!mapek) throw new Error(`${ALERTMANAGER_CONFIG}: no receiver "mapek"`);
  mapek['webhook_configs'] = [{ url: o.webhookUrl, send_resolved: true, max_alerts: 0, http_config: { authorization: { type: 'Bearer', credentials: o.webhookToken ?? 'test-webhook-token' } } }];
  return yaml.dump(doc);
}

export async function startPrometheus(o: PrometheusOptions): Promise<ManagedProcess> {
  const bin = requireBinary('prometheus');
  return startManaged('prometheus', async (dir, port) => {
    const config = path.join(dir, 'prometheus.yml');
    await writeFile(config, await prometheusTestConfig(o));
    return [bin, [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=1h', '--web.enable-lifecycle', '--log.level=warn']];
  }, o.port);
}

export async function startAlertmanager(o: AlertmanagerOptions): Promise<ManagedProcess> {
  const bin = requireBinary('prometheus-alertmanager');
  return startManaged('alertmanager', async (dir, port) => {
    const config = path.join(dir, 'alertmanager.yml');
    await writeFile(config, await alertmanagerTestConfig(o));
    return [bin, [`--config.file=${config}`, `--storage.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn']];
  }, o.port);
}

/** Alertmanager, then Prometheus pointed at it. */
export async function startStack(o: StackOptions): Promise<Stack> {
  const alertmanager = await startAlertmanager(o);
  let prometheus: ManagedProcess;
  try {
    prometheus = await startPrometheus({ ...o, alertmanagerUrl: alertmanager.url });
  } catch (err) {
    await alertmanager.stop();
    throw err;
  }
  return {
    prometheus,
    alertmanager,
    prometheusUrl: prometheus.url,
    alertmanagerUrl: alertmanager.url,
    stop: async () => {
      await prometheus.stop();
      await alertmanager.stop();
    },
  };
}

/** For one test: starts the stack and registers its stop with t.teardown. */
export async function startStackFor(t: { teardown(fn: () => Promise<void>): void }, o: StackOptions): Promise<Stack> {
  const s = await startStack(o);
  t.teardown(() => s.stop());
  return s;
}

/** Polls `fn` until it returns a value other than undefined, or throws after timeoutMs. */
export async function waitUntil<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** GET a URL on loopback with node:http; resolves status and body (never throws on status). */
export function httpGet(url: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

async function startManaged(
  name: string,
  prepare: (dir: string, port: number) => Promise<[string, string[]]>,
  fixedPort?: number,
): Promise<ManagedProcess> {
  let lastError: Error | undefined;
  // A free port can be taken between probing and binding: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = await mkdtemp(path.join(os.tmpdir(), `mapek-${name}-`));
    const port = fixedPort ?? (await freePort());
    const [bin, args] = await prepare(dir, port);
    const p = spawnManaged(name, bin, args, dir, port);
    try {
      await waitUntil(async () => {
        if (p.child.exitCode !== null || p.child.signalCode !== null) throw new ExitedError(`${name} exited (${p.child.exitCode ?? p.child.signalCode}) during startup: ${p.logs()}`);
        const r = await httpGet(`${p.url}/-/ready`, 1000).catch(() => undefined);
        return r?.status === 200 ? true : undefined;
      }, 20_000, `${name} to be ready on ${p.url}`, 100);
      return p;
    } catch (err) {
      await p.stop();
      lastError = err as Error;
      if (!(err instanceof ExitedError) || !/address already in use/.test(lastError.message)) break;
    }
  }
  throw lastError ?? new Error(`${name} did not start`);
}

class ExitedError extends Error {}

function spawnManaged(name: string, bin: string, args: string[], dir: string, port: number): ManagedProcess {
  const child = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (buf: Buffer): void => {
    lines.push(...buf.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (err) => lines.push(`spawn error: ${err.message}`));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    child.once('exit', () => resolve());
  });
  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dir,
    child,
    logs: () => `${name} ${args.join(' ')}\n${lines.join('\n')}`,
    stop: () => {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(killer);
        }
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      accessSync(path.join(dir, 'package.json'));
      accessSync(path.join(dir, 'deploy'));
      return dir;
    } catch {
      dir = path.dirname(dir);
    }
  }
  return process.cwd();
}

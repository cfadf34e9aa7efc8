/**
 * End-to-end harness: the reference Charter in-process (test API on), real Prometheus and
 * Alertmanager (test/support/stack.ts) with the alert rules' 30 s windows shortened to 5 s
 * so an alert resolves seconds after its fix, and `mapek run` as a CHILD process
 * (node bin/mapek.js run) with env pointing at them and its knowledge store in a temp dir.
 * The child inherits the environment, so c8 collects its coverage (NODE_V8_COVERAGE).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startCharter, type CharterHandle } from '../../src/charter/index.js';
import type { ExecutionRecord } from '../../src/types/execution.js';
import { fastAlertRules, freePort, PROMETHEUS_RULES, REPO_ROOT, startStack, waitUntil, type Stack } from './stack.js';

export const E2E_TOKEN = 'e2e-webhook-token';

export interface MapekChild {
  readonly url: string;
  readonly child: ChildProcess;
  /** Parsed JSON log lines so far. */
  logs(): Record<string, unknown>[];
  waitForLog(pred: (l: Record<string, unknown>) => boolean, timeoutMs: number, what: string): Promise<Record<string, unknown>>;
  /** SIGTERM and wait; resolves the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
}

export interface E2eWorld {
  readonly charter: CharterHandle;
  readonly stack: Stack;
  readonly dir: string;
  readonly knowledgeDir: string;
  readonly rulesDir: string;
  readonly mapekPort: number;
  mapek: MapekChild;
  /** Starts (again) `mapek run` on the same port, store and rules. */
  startMapek(extraEnv?: Record<string, string>): Promise<MapekChild>;
  stop(): Promise<void>;
}

/** The shipped rules with verification and cooldowns shortened for the e2e timescale. */
async function fastRules(dst: string): Promise<void> {
  await cp(path.join(REPO_ROOT, 'rules'), dst, { recursive: true });
  for (const f of await readdir(dst)) {
    if (!/\.ya?ml$/.test(f)) continue;
    const p = path.join(dst, f);
    const text = await readFile(p, 'utf8');
    await writeFile(p, text.replace(/^(\s+after:\s*)\S+/gm, '$18s').replace(/^(\s+cooldown:\s*)\S+/gm, '$11s'));
  }
}

const MAPEK_CONFIG = `executor:
  cooldownMs: 0
  approvalRisk: none
  hysteresis: { minCycles: 1 }
  rateLimit: { global: { burst: 100, perMinute: 600 }, perType: { burst: 50, perMinute: 600 } }
  breaker: { failures: 20 }
`;

export async function startMapekChild(env: Record<string, string>, args: readonly string[] = []): Promise<MapekChild> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/mapek.js'), 'run', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let buf = '';
  child.stdout!.on('data', (c: Buffer) => {
    buf += c.toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ msg: line, raw: true });
      }
    }
  });
  child.stderr!.on('data', (c: Buffer) => lines.push({ msg: c.toString('utf8'), stderr: true }));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const port = env['MAPEK_LISTEN_PORT'];
  const url = `http://127.0.0.1:${port}`;
  const m: MapekChild = {
    url,
    child,
    logs: () => lines,
    waitForLog: (pred, timeoutMs, what) => waitUntil(() => lines.find(pred), timeoutMs, what, 100),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  await waitUntil(async () => {
    if (child.exitCode !== null) throw new Error(`mapek run exited ${child.exitCode}: ${JSON.stringify(lines.slice(-5))}`);
    const res = await fetch(`${url}/readyz`).catch(() => undefined);
    return res?.status === 200 ? true : undefined;
  }, 20_000, 'mapek run /readyz');
  return m;
}

export async function startE2e(opts: { intervalSeconds?: number; seed?: number } = {}): Promise<E2eWorld> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-e2e-'));
  const rulesDir = path.join(dir, 'rules');
  await fastRules(rulesDir);
  const alertRules = path.join(dir, 'charter-alerts.yml');
  await writeFile(alertRules, fastAlertRules(await readFile(PROMETHEUS_RULES, 'utf8')));
  await writeFile(path.join(dir, 'mapek.yaml'), MAPEK_CONFIG);
  const charter = await startCharter({ port: 0, seed: opts.seed ?? 7, testApi: true, tickMs: 250 });
  const mapekPort = await freePort();
  const stack = await startStack({ charterUrl: charter.url, webhookUrl: `http://127.0.0.1:${mapekPort}/api/v1/alerts/webhook`, webhookToken: E2E_TOKEN, rulesFile: alertRules });
  const knowledgeDir = path.join(dir, 'knowledge');
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    PROMETHEUS_URL: stack.prometheusUrl,
    ALERTMANAGER_URL: stack.alertmanagerUrl,
    CHARTER_API_URL: charter.url,
    MAPE_K_INTERVAL: String(opts.intervalSeconds ?? 1),
    // 2 s, not 1: Charter shares its process with the test; on a loaded 2-core machine a
    // 1 s timeout turned slow answers into 'charter down' cycles (plan only) and partial verify snapshots.
    MAPEK_REQUEST_TIMEOUT: '2',
    MAPEK_WEBHOOK_TOKEN: E2E_TOKEN,
    // Charter's recent violations over 10 s, not 60: a verification that reads them (the
    // quarantine's) waits until they cover only time after the action (docs/EXECUTION.md).
    MAPEK_CHARTER_WINDOW: '10',
    MAPEK_KNOWLEDGE_DIR: knowledgeDir,
    MAPEK_LISTEN_PORT: String(mapekPort),
    MAPEK_RULES: rulesDir,
    MAPEK_RELOAD_DEBOUNCE: '100',
    MAPEK_CONFIG: path.join(dir, 'mapek.yaml'),
    LOG_LEVEL: 'info',
    ...extra,
  });
  const world: E2eWorld = {
    charter, stack, dir, knowledgeDir, rulesDir, mapekPort,
    mapek: undefined as unknown as MapekChild,
    startMapek: async (extra) => {
      world.mapek = await startMapekChild(env(extra));
      return world.mapek;
    },
    stop: async () => {
      await world.mapek?.stop().catch(() => undefined);
      await stack.stop();
      await charter.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    // Prometheus first scrapes a new target ~5 s after start: until it has a few samples,
    // rate()/increase() see nothing and the first test's detection time would include that.
    await waitUntil(async () => ((await promScalar(stack.prometheusUrl, 'count_over_time(up{job="charter"}[10s])')) >= 3 ? true : undefined), 30_000, 'Prometheus to have scraped Charter three times', 250);
    await world.startMapek();
  } catch (err) {
    await stack.stop();
    await charter.close();
    throw err;
  }
  return world;
}

/** The execution records in the child's nedb file (latest version of each document). */
export async function readExecutions(knowledgeDir: string): Promise<ExecutionRecord[]> {
  let text = '';
  try {
    text = await readFile(path.join(knowledgeDir, 'executions.db'), 'utf8');
  } catch {
    return [];
  }
  const byId = new Map<string, Record<string, unknown>>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const doc = JSON.parse(line) as Record<string, unknown>;
      if (typeof doc['_id'] !== 'string') continue;
      if (doc['$$deleted'] === true) byId.delete(doc['_id']);
      else byId.set(doc['_id'], doc);
    } catch {
      // a torn last line while the child writes
    }
  }
  return [...byId.values()].flatMap((d) => (typeof d['body'] === 'string' ? [JSON.parse(d['body']) as ExecutionRecord] : []));
}

/** One sample of the child's /metrics (sum over series matching the label filter). */
export async function metric(url: string, name: string, labels: Readonly<Record<string, string>> = {}): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_:]+)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const l = m[3] ?? '';
    if (Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`))) sum += Number(m[4]);
  }
  return sum;
}

/** One number from a Prometheus instant query (NaN when empty or unreachable). */
export async function promScalar(prometheusUrl: string, promql: string): Promise<number> {
  try {
    const r = (await (await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`)).json()) as { data?: { result?: { value: [number, string] }[] } };
    const v = r.data?.result?.[0]?.value[1];
    return v === undefined ? NaN : Number(v);
  } catch {
    return NaN;
  }
}

/**
 * How healthy Prometheus' view of the in-process Charter was over the last `window`: the
 * slowest scrape, whether any scrape failed, and whether CharterDown fired. A loaded test
 * machine shows here first (the Charter shares its process with the test).
 */
export async function scrapeHealth(prometheusUrl: string, window = '2m'): Promise<string> {
  const [slowest, minUp, down] = await Promise.all([
    promScalar(prometheusUrl, `max_over_time(scrape_duration_seconds{job="charter"}[${window}])`),
    promScalar(prometheusUrl, `min_over_time(up{job="charter"}[${window}])`),
    promScalar(prometheusUrl, `max_over_time(ALERTS{alertname="CharterDown",alertstate="firing"}[${window}])`),
  ]);
  return `charter scrapes over ${window}: slowest ${Number.isNaN(slowest) ? '?' : `${Math.round(slowest * 1000)} ms`}, ${minUp === 0 ? 'some FAILED' : 'all up'}, CharterDown ${down === 1 ? 'FIRED' : 'never fired'}`;
}

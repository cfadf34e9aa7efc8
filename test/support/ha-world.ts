/**
 * The HA suites' world (test/e2e/ha*.test.ts): three `mapek run` replicas (child processes)
 * sharing one real PostgreSQL, each through its own TCP proxy (so one replica can be cut off
 * from the database), the reference Charter in-process (test API on), and real Prometheus +
 * Alertmanager posting every notification to all three replicas. Short lease (TTL 2 s) and
 * 1 s cycles; the suite's own rules (test/data/rules/ha/). Replica ids are `r<slot>-<n>`,
 * so the lease history names which process held each epoch.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startCharter, type CharterHandle, type WriteRecord } from '../../src/charter/index.js';
import { auditKnowledge, type AuditReport } from '../../src/execute/audit.js';
import { CharterClient } from '../../src/integration/charter-client.js';
import { readWriteLog } from '../../src/integration/charter-writes.js';
import { PostgresKnowledgeStore } from '../../src/knowledge/index.js';
import type { ExecutionRecord } from '../../src/types/execution.js';
import { startMapekChild, promScalar, type MapekChild } from './e2e-service.js';
import { startPostgres, type Postgres } from './postgres.js';
import { fastAlertRules, freePort, PROMETHEUS_RULES, REPO_ROOT, startStack, waitUntil, type Stack } from './stack.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export const TTL_S = 2;
export const INTERVAL_S = 1;

export interface Tenure {
  readonly epoch: number;
  readonly holder: string;
  /** Epoch ms on the database's clock (the same machine's). */
  readonly from: number;
  /** When the next epoch began (Infinity for the current one). */
  readonly to: number;
}

export interface HaWorld {
  readonly pg: Postgres;
  readonly charter: CharterHandle;
  readonly stack: Stack;
  readonly url: string;
  /** The test's own connections (a pool: after a PostgreSQL restart new queries reconnect). */
  readonly sql: pg.Pool;
  readonly proxies: readonly TcpProxy[];
  readonly replicas: (MapekChild | undefined)[];
  /** The id the replica in `slot` runs as. */
  idOf(slot: number): string;
  /** Starts (again) the replica in `slot` with a new id. */
  start(slot: number): Promise<MapekChild>;
  /** The slot whose replica says it is the leader (undefined while none does). */
  leader(): Promise<number | undefined>;
  waitForLeader(what: string, except?: number, timeoutMs?: number): Promise<number>;
  /** Every replica's /healthz (undefined where it does not answer). */
  health(): Promise<(Record<string, unknown> | undefined)[]>;
  executions(): Promise<ExecutionRecord[]>;
  tenures(): Promise<Tenure[]>;
  /** Charter's applied writes since `since` (ISO). */
  appliedWrites(since: string): WriteRecord[];
  /** `mapek knowledge audit`'s comparison of the shared store with Charter. */
  audit(): Promise<AuditReport>;
  /** Which replica id ran each cycle id (from the replicas' logs, alive or not). */
  cycleOwners(): Map<string, string>;
  stop(): Promise<void>;
}

const CONFIG = `leaseTtl: ${TTL_S}
executor:
  cooldownMs: 0
  approvalRisk: none
  hysteresis: { minCycles: 1 }
  rateLimit: { global: { burst: 100, perMinute: 600 }, perType: { burst: 50, perMinute: 600 } }
  breaker: { failures: 20 }
`;

export async function startHaWorld(o: { replicas?: number; database?: string } = {}): Promise<HaWorld> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-ha-'));
  const rulesDir = path.join(dir, 'rules');
  await mkdir(rulesDir);
  await writeFile(path.join(rulesDir, 'policy.yaml'), await readFile(path.join(REPO_ROOT, 'test/data/rules/ha/policy.yaml'), 'utf8'));
  await writeFile(path.join(dir, 'mapek.yaml'), CONFIG);
  const alertRules = path.join(dir, 'charter-alerts.yml');
  await writeFile(alertRules, fastAlertRules(await readFile(PROMETHEUS_RULES, 'utf8')));

  const server = await startPostgres({ settings: { track_commit_timestamp: 'on' } });
  const url = await server.createDatabase(o.database ?? 'mapek_ha');
  const sql = new pg.Pool({ connectionString: url, max: 2 });
  // An idle connection cut by a PostgreSQL restart errors on the pool: the next query opens another.
  sql.on('error', () => undefined);
  const charter = await startCharter({ port: 0, seed: 7, testApi: true, tickMs: 250 });
  const ports = [await freePort(), await freePort(), await freePort()];
  const proxies = [await startTcpProxy(server.port), await startTcpProxy(server.port), await startTcpProxy(server.port)];
  const hook = (p: number): string => `http://127.0.0.1:${p}/api/v1/alerts/webhook`;
  const stack = await startStack({ charterUrl: charter.url, webhookUrl: hook(ports[0]!), extraWebhookUrls: ports.slice(1).map(hook), rulesFile: alertRules });
  const generation = [0, 0, 0];
  const logs: Record<string, unknown>[][] = [];
  const replicas: (MapekChild | undefined)[] = [undefined, undefined, undefined];
  const idOf = (slot: number): string => `r${slot}-${generation[slot]}`;
  const env = (slot: number): Record<string, string> => ({
    PROMETHEUS_URL: stack.prometheusUrl,
    ALERTMANAGER_URL: stack.alertmanagerUrl,
    CHARTER_API_URL: charter.url,
    MAPEK_WEBHOOK_AUTH: 'off',
    MAPE_K_INTERVAL: String(INTERVAL_S),
    MAPEK_REQUEST_TIMEOUT: '5',
    MAPEK_STORE_URL: new URL(url).toString().replace(`:${server.port}/`, `:${proxies[slot]!.port}/`),
    MAPEK_LISTEN_PORT: String(ports[slot]),
    MAPEK_RULES: rulesDir,
    MAPEK_CONFIG: path.join(dir, 'mapek.yaml'),
    MAPEK_CHARTER_WINDOW: '10',
    MAPEK_SHUTDOWN_GRACE: '3',
    MAPEK_REPLICA_ID: idOf(slot),
    // debug: 'cycle start' names each cycle's replica even when it was killed mid-cycle.
    LOG_LEVEL: 'debug',
  });
  const healthOf = async (slot: number): Promise<Record<string, unknown> | undefined> => {
    const r = replicas[slot];
    if (r === undefined || r.child.exitCode !== null || r.child.signalCode !== null) return undefined;
    try {
      const res = await fetch(`${r.url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      return (await res.json()) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  const world: HaWorld = {
    pg: server,
    charter,
    stack,
    url,
    sql,
    proxies,
    replicas,
    idOf,
    start: async (slot) => {
      generation[slot]! += 1;
      const child = await startMapekChild(env(slot));
      logs.push(child.logs());
      replicas[slot] = child;
      return child;
    },
    health: () => Promise.all([0, 1, 2].map(healthOf)),
    leader: async () => {
      const hs = await world.health();
      const i = hs.findIndex((h) => h?.['role'] === 'leader');
      return i < 0 ? undefined : i;
    },
    waitForLeader: (what, except, timeoutMs = 15_000) =>
      waitUntil(async () => {
        const l = await world.leader();
        return l !== undefined && l !== except ? l : undefined;
      }, timeoutMs, what, 50),
    executions: async () => (await sql.query<{ body: string }>('SELECT body FROM mapek_executions')).rows.map((r) => JSON.parse(r.body) as ExecutionRecord),
    tenures: async () => {
      const { rows } = await sql.query<{ epoch: string; holder: string; ms: number }>("SELECT epoch::text, holder, (extract(epoch FROM acquired_at) * 1000)::float8 AS ms FROM mapek_lease_history WHERE name = 'leader' ORDER BY epoch");
      return rows.map((r, i) => ({ epoch: Number(r.epoch), holder: r.holder, from: r.ms, to: rows[i + 1]?.ms ?? Infinity }));
    },
    appliedWrites: (since) => charter.writes.list().filter((w) => w.at >= since && w.applied),
    audit: async () => {
      const store = await PostgresKnowledgeStore.open(url);
      const client = new CharterClient({ baseUrl: charter.url, retries: 0 });
      try {
        return await auditKnowledge({ store, charter: client, writeLog: () => readWriteLog(client.http) });
      } finally {
        client.http.close();
        await store.close();
      }
    },
    cycleOwners: () => {
      const out = new Map<string, string>();
      for (const ls of logs) {
        const id = ls.find((l) => typeof l['replicaId'] === 'string')?.['replicaId'];
        for (const l of ls) if (typeof l['cycleId'] === 'string' && typeof id === 'string') out.set(l['cycleId'], id);
      }
      return out;
    },
    stop: async () => {
      for (const r of replicas) await r?.kill().catch(() => undefined);
      await stack.stop();
      await charter.close();
      for (const p of proxies) await p.close();
      await sql.end().catch(() => undefined);
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitUntil(async () => ((await promScalar(stack.prometheusUrl, 'count_over_time(up{job="charter"}[10s])')) >= 3 ? true : undefined), 30_000, 'Prometheus to have scraped Charter three times', 250);
    await Promise.all(Array.from({ length: o.replicas ?? 3 }, (_, slot) => world.start(slot)));
  } catch (err) {
    await world.stop();
    throw err;
  }
  return world;
}

/**
 * Every decision row (written once, by the cycle that planned it) committed while the replica
 * that ran that cycle held the lease: a deposed leader recorded nothing after it lost it.
 * Resolves the offending rows (empty when none). Needs track_commit_timestamp.
 */
export async function writesOutsideTenure(w: HaWorld): Promise<string[]> {
  const tenures = await w.tenures();
  const owners = w.cycleOwners();
  const { rows } = await w.sql.query<{ id: string; cycle_id: string; ms: number }>(
    'SELECT id, cycle_id, (extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1000)::float8 AS ms FROM mapek_decisions',
  );
  const out: string[] = [];
  for (const r of rows) {
    const owner = owners.get(r.cycle_id);
    const during = tenures.find((t) => r.ms >= t.from && r.ms < t.to);
    if (owner === undefined || during?.holder !== owner) out.push(`decision ${r.id} of cycle ${r.cycle_id} (${owner ?? 'unknown replica'}) committed during epoch ${during?.epoch ?? '?'} held by ${during?.holder ?? 'nobody'}`);
  }
  return out;
}

/**
 * The `mapek run` composition in process (Service + buildClients + the knowledge store: the
 * journal files, or with `storeUrl` the PostgreSQL store fenced by this replica's leader lease,
 * as `mapek run --store-url` composes them), so
 * that a bench can time the Charter writes at the client boundary. Guard rails are opened
 * up (no cooldown, hysteresis of one cycle, no rate limit) and verification is pushed out of
 * the measurement window: the bench measures the path, not the policy.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildClients } from '../../src/app/clients.js';
import { Service } from '../../src/app/service.js';
import { compileConfig } from '../../src/config/compile.js';
import type { Config } from '../../src/config/options.js';
import type { ExecutorOptionsInput } from '../../src/execute/options.js';
import { replicaCoordinator } from '../../src/app/replica.js';
import { NedbKnowledgeStore, openStore } from '../../src/knowledge/index.js';
import type { CycleReport } from '../../src/loop/cycle.js';
import { createLogger } from '../../src/observability/logger.js';
import { waitUntil } from '../../src/app/stack/index.js';
import { uncooledRules } from '../../test/support/loop-fix.js';
import { writeBulkStore } from './bulk-store.js';
import type { CharterApi } from '../../src/types/ports.js';

export const OPEN_EXECUTOR: ExecutorOptionsInput = {
  cooldownMs: 0,
  hysteresis: { minCycles: 1 },
  rateLimit: { global: { burst: 1e6, perMinute: 1e6 }, perType: { burst: 1e6, perMinute: 1e6 } },
  maxConcurrent: 1e6,
  breaker: { failures: 1e6 },
  approvalRisk: 'none',
};


const WRITES = ['applyPolicy', 'putTarget', 'putCommittee', 'putSettings', 'reloadPolicies'] as const;

/** Wraps a CharterApi: `onWrite(method, ms)` when a write's response has arrived (performance.now()). */
export function timedCharter(api: CharterApi, onWrite: (method: string, at: number) => void): CharterApi {
  return new Proxy(api, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      const f = v as (...a: unknown[]) => unknown;
      if (!(WRITES as readonly (string | symbol)[]).includes(prop)) return f.bind(target);
      return async (...args: unknown[]) => {
        const r = await f.apply(target, args);
        onWrite(String(prop), performance.now());
        return r;
      };
    },
  });
}

export interface BenchService {
  readonly service: Service;
  readonly webhookUrl: string;
  readonly token: string;
  stop(): Promise<void>;
}

export async function startBenchService(o: {
  charterUrl: string;
  alertmanagerUrl?: string;
  prometheusUrl?: string;
  onWrite: (method: string, at: number) => void;
  onCycle?: (r: CycleReport) => void;
  verifyAfterMs?: number;
  intervalMs?: number;
  listenPort?: number;
  /** performance.now() at the start and end of each knowledge-store retention pass. */
  onRetain?: (start: number, end: number) => void;
  /** fdatasync the journal (default true, as in production); false only to measure its cost. */
  fsync?: boolean;
  /** Executions and outcomes already in the store when it opens (a long-running service's; journal files only). */
  prefill?: number;
  /** postgres://…: the shared store, this service a replica that is elected leader before it returns. */
  storeUrl?: string;
}): Promise<BenchService> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-bench-svc-'));
  const token = `bench-${process.pid}`;
  const defaults: Partial<Config> = {
    charterApiUrl: o.charterUrl,
    intervalMs: o.intervalMs ?? 3_600_000,
    listenPort: o.listenPort ?? 0,
    webhookToken: token,
    knowledgeDir: path.join(dir, 'knowledge'),
    rules: ['rules'],
    logLevel: 'warn',
    ...(o.storeUrl !== undefined ? { storeUrl: o.storeUrl } : {}),
    ...(o.alertmanagerUrl ? { alertmanagerUrl: o.alertmanagerUrl } : {}),
    ...(o.prometheusUrl ? { prometheusUrl: o.prometheusUrl } : {}),
  };
  const compiled = compileConfig({ defaults });
  if (!compiled.ok) throw new Error(compiled.errors.join('\n'));
  const config = compiled.config;
  if (o.prefill !== undefined) await writeBulkStore(config.knowledgeDir, o.prefill);
  const log = createLogger({ level: 'warn', write: (l) => process.stderr.write(`[service] ${l}\n`) });
  const coordinator = o.storeUrl !== undefined ? replicaCoordinator(config, o.storeUrl, log) : undefined;
  const store =
    coordinator !== undefined
      ? await openStore({ url: o.storeUrl, dir: config.knowledgeDir }, { fence: coordinator })
      : await NedbKnowledgeStore.open(config.knowledgeDir, o.fsync === undefined ? {} : { fsync: o.fsync });
  // Time the store's retention passes (started after a cycle, in the background).
  const retain = store.retain.bind(store);
  store.retain = async (minGarbage?: number) => {
    const t0 = performance.now();
    try {
      return await retain(minGarbage);
    } finally {
      o.onRetain?.(t0, performance.now());
    }
  };
  const clients = buildClients(config);
  const service = new Service({
    config,
    log,
    ...clients,
    charter: timedCharter(clients.charter, o.onWrite),
    // The executor writes through its own client (one request per call): time that one.
    executorCharter: timedCharter(clients.executorCharter, o.onWrite),
    store,
    loadRules: uncooledRules(o.verifyAfterMs ?? 3_600_000),
    executorOptions: OPEN_EXECUTOR,
    watchRules: false,
    ...(o.onCycle ? { onCycle: o.onCycle } : {}),
    ...(coordinator ? { coordinator } : {}),
  });
  await service.start();
  // Until the replica holds the lease and its takeover (recovery) is done: cycles run.
  if (coordinator) await waitUntil(() => (coordinator.isLeader() && service.controller.pausedBecause() === undefined) || undefined, 15_000, 'the bench service elected leader with cycles resumed', 20);
  const port = service.address?.port;
  if (port === undefined) throw new Error('service did not listen');
  return {
    service,
    webhookUrl: `http://127.0.0.1:${port}/api/v1/alerts/webhook`,
    token,
    async stop() {
      await service.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}


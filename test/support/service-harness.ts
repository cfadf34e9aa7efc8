/**
 * A Service (src/app/service.ts) wired in-process against the reference Charter: real HTTP
 * on 127.0.0.1 port 0, the shipped rules (or a copy to edit), a memory knowledge store that
 * records when it is closed, and a logger that keeps its lines for assertions.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildClients } from '../../src/app/clients.js';
import { Service, type ServiceParts } from '../../src/app/service.js';
import { startCharter, type CharterHandle } from '../../src/charter/index.js';
import { compileConfig } from '../../src/config/compile.js';
import type { Config } from '../../src/config/options.js';
import { MemoryKnowledgeStore } from '../../src/knowledge/index.js';
import { createLogger, type Logger } from '../../src/observability/logger.js';
import { loadRuleSet } from '../../src/rules/load.js';
import { REPO_ROOT } from './stack.js';

/** A logger whose JSON lines are kept, parsed. */
export function capturingLogger(level: 'debug' | 'info' = 'info'): Logger & { lines: Record<string, unknown>[]; find(msg: string): Record<string, unknown> | undefined } {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ level, write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) });
  return Object.assign(log, { lines, find: (msg: string) => lines.find((l) => l['msg'] === msg) });
}

/** Counts close() calls and the writes seen after it (there must be none). */
export class ClosingStore extends MemoryKnowledgeStore {
  closed = 0;
  writesAfterClose = 0;
  override async close(): Promise<void> {
    await super.close();
    this.closed++;
  }
  override async saveDecision(...args: Parameters<MemoryKnowledgeStore['saveDecision']>): ReturnType<MemoryKnowledgeStore['saveDecision']> {
    if (this.closed > 0) this.writesAfterClose++;
    return super.saveDecision(...args);
  }
}

export interface ServiceWorld {
  readonly charter: CharterHandle;
  readonly service: Service;
  readonly store: ClosingStore;
  readonly log: ReturnType<typeof capturingLogger>;
  readonly config: Config;
  /** A private copy of the shipped rules (when `copyRules`), else the shipped directory. */
  readonly rulesDir: string;
  /** http://127.0.0.1:PORT once started. */
  url(): string;
  stop(): Promise<void>;
}

export async function serviceWorld(
  t: { teardown(fn: () => Promise<void>): void },
  o: { config?: Partial<Config>; parts?: Partial<ServiceParts>; copyRules?: boolean; start?: boolean } = {},
): Promise<ServiceWorld> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-svc-'));
  const rulesDir = o.copyRules ? path.join(dir, 'rules') : path.join(REPO_ROOT, 'rules');
  if (o.copyRules) await cp(path.join(REPO_ROOT, 'rules'), rulesDir, { recursive: true });
  const charter = await startCharter({ port: 0, seed: 7, tickMs: 100 });
  const compiled = compileConfig({
    defaults: { charterApiUrl: charter.url, listenPort: 0, intervalMs: 60_000, requestTimeoutMs: 1_000, cycleTimeoutMs: 10_000, rules: [rulesDir], reloadDebounceMs: 50, shutdownGraceMs: 5_000, ...o.config },
  });
  if (!compiled.ok) throw new Error(compiled.errors.join('\n'));
  const config = compiled.config;
  const clients = buildClients(config);
  const store = new ClosingStore();
  const log = capturingLogger();
  const service = new Service({
    config,
    log,
    ...clients,
    store,
    loadRules: loadRuleSet,
    watchRules: false,
    ...o.parts,
  });
  let stopped = false;
  const world: ServiceWorld = {
    charter, service, store, log, config, rulesDir,
    url: () => `http://127.0.0.1:${service.address?.port ?? 0}`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await service.stop().catch(() => undefined);
      await charter.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  t.teardown(() => world.stop());
  if (o.start !== false) await service.start();
  return world;
}

/** Sum of a metric's samples whose labels include `labels`, from the service's /metrics. */
export async function metricValue(url: string, name: string, labels: Readonly<Record<string, string>> = {}): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    if (Object.entries(labels).every(([k, v]) => (m[3] ?? '').includes(`${k}="${v}"`))) sum += Number(m[4]);
  }
  return sum;
}

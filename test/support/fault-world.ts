/**
 * The fault-injection suite's world (test/e2e/trust.test.ts): the reference Charter
 * in-process (test API on), `mapek run` as a CHILD process on the suite's own rules
 * (test/data/rules/trust/), its nedb store in a temp dir, and no Prometheus or Alertmanager
 * unless a case asks for them: alerts are then evaluated in-process from Charter's /metrics,
 * over a 60 s window of its own scrapes (the case where a verification can judge on data from
 * before its action).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startCharter, type CharterHandle, type WriteRecord } from '../../src/charter/index.js';
import { NedbKnowledgeStore } from '../../src/knowledge/index.js';
import type { ExecutionRecord } from '../../src/types/execution.js';
import type { Outcome } from '../../src/types/knowledge.js';
import { readExecutions, startMapekChild, type MapekChild } from './e2e-service.js';
import { freePort, REPO_ROOT } from './stack.js';

export interface FaultWorldOptions {
  /** verify.after of the suite's rules (default 8s). */
  readonly verifyAfter?: string;
  /** The rollback's verify condition (default: the alert is gone). */
  readonly rollbackVerify?: string;
  readonly seed?: number;
  /** Extra lines under `executor:` in the config file. */
  readonly executor?: string;
  /** Charter URL mapek is given (e.g. a fault proxy in front of Charter); default Charter's own. */
  readonly charterUrl?: (charter: CharterHandle) => string | Promise<string>;
  readonly env?: Record<string, string>;
  /** Runs before the service first starts (e.g. mounts a file system at the store's directory). */
  readonly beforeStart?: (knowledgeDir: string) => Promise<void>;
  /** Runs after the service stopped, before the directory is removed. */
  readonly afterStop?: (knowledgeDir: string) => Promise<void>;
}

export interface FaultWorld {
  readonly charter: CharterHandle;
  readonly dir: string;
  readonly knowledgeDir: string;
  readonly port: number;
  mapek: MapekChild;
  startMapek(extraEnv?: Record<string, string>): Promise<MapekChild>;
  executions(): Promise<ExecutionRecord[]>;
  /** Outcomes in the store, read after the child stopped (opens the store). */
  outcomes(): Promise<readonly Outcome[]>;
  /** Charter's writes since the world started that changed state. */
  appliedWrites(): readonly WriteRecord[];
  stop(): Promise<void>;
}

export const ALERT_CLEARS = '{ fact: alertnames, operator: doesNotContain, value: CriticalViolationDetected }';
/** A verify condition that is confidently false: the rollback's verification fails, so it is undone. */
export const NEVER_HOLDS = '{ fact: alertnames, operator: contains, value: TrustSuiteNeverFires }';

export async function startFaultWorld(o: FaultWorldOptions = {}): Promise<FaultWorld> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-trust-'));
  const rulesDir = path.join(dir, 'rules');
  await mkdir(rulesDir);
  const text = await readFile(path.join(REPO_ROOT, 'test/data/rules/trust/policy.yaml'), 'utf8');
  await writeFile(path.join(rulesDir, 'policy.yaml'), text.replaceAll('VERIFY_AFTER', o.verifyAfter ?? '8s').replaceAll('[ ROLLBACK_VERIFY ]', `[ ${o.rollbackVerify ?? ALERT_CLEARS} ]`));
  await writeFile(
    path.join(dir, 'mapek.yaml'),
    `executor:
  cooldownMs: 0
  approvalRisk: none
  hysteresis: { minCycles: 1 }
  rateLimit: { global: { burst: 100, perMinute: 600 }, perType: { burst: 50, perMinute: 600 } }
  breaker: { failures: 20 }
${o.executor ?? ''}`,
  );
  const charter = await startCharter({ port: 0, seed: o.seed ?? 7, testApi: true, tickMs: 250 });
  const since = new Date().toISOString();
  const port = await freePort();
  const knowledgeDir = path.join(dir, 'knowledge');
  const charterUrl = o.charterUrl ? await o.charterUrl(charter) : charter.url;
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    CHARTER_API_URL: charterUrl,
    // No Alertmanager in this world: nothing posts to the webhook, so auth is off, explicitly.
    MAPEK_WEBHOOK_AUTH: 'off',
    MAPE_K_INTERVAL: '1',
    MAPEK_REQUEST_TIMEOUT: '2',
    MAPEK_KNOWLEDGE_DIR: knowledgeDir,
    MAPEK_LISTEN_PORT: String(port),
    MAPEK_RULES: rulesDir,
    MAPEK_CONFIG: path.join(dir, 'mapek.yaml'),
    MAPEK_SHUTDOWN_GRACE: '3',
    // In-process alerts over 10 s of Charter's scrapes: verifications wait ~10 s after an action.
    MAPEK_CHARTER_WINDOW: '10',
    LOG_LEVEL: 'info',
    ...o.env,
    ...extra,
  });
  const world: FaultWorld = {
    charter,
    dir,
    knowledgeDir,
    port,
    mapek: undefined as unknown as MapekChild,
    startMapek: async (extra) => (world.mapek = await startMapekChild(env(extra))),
    executions: () => readExecutions(knowledgeDir),
    outcomes: async () => {
      const s = await NedbKnowledgeStore.open(knowledgeDir);
      try {
        return await s.outcomes();
      } finally {
        await s.close();
      }
    },
    appliedWrites: () => charter.writes.list().filter((w) => w.at >= since && w.applied),
    stop: async () => {
      await world.mapek?.kill().catch(() => undefined);
      await o.afterStop?.(knowledgeDir).catch(() => undefined);
      await charter.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await o.beforeStart?.(knowledgeDir);
    await world.startMapek();
  } catch (err) {
    await charter.close();
    throw err;
  }
  return world;
}

/**
 * The console's end-to-end world: the reference Charter in-process and `mapek run` as a
 * CHILD process (bin/mapek.js run) on a free 127.0.0.1 port, with the console tests' rule set,
 * approval at high risk, the API token, and its nedb store in a temp dir. No Prometheus or
 * Alertmanager: the service derives Charter's alerts from its /metrics (what the console
 * shows does not depend on where the alerts came from).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startCharter, type CharterHandle } from '../../src/charter/index.js';
import type { Approval } from '../../src/types/knowledge.js';
import { startMapekChild, type MapekChild } from './e2e-service.js';
import { CONSOLE_RULES, CONSOLE_TOKEN } from './console-world.js';
import { freePort } from './stack.js';

export interface ConsoleChildWorld {
  readonly charter: CharterHandle;
  readonly mapek: MapekChild;
  readonly knowledgeDir: string;
  stop(): Promise<void>;
}

const CONFIG = `executor:
  approvalRisk: high
  cooldownMs: 0
  hysteresis: { minCycles: 1 }
`;

export async function startConsoleChild(extraEnv: Record<string, string> = {}): Promise<ConsoleChildWorld> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-console-'));
  await writeFile(path.join(dir, 'mapek.yaml'), CONFIG);
  const charter = await startCharter({ port: 0, seed: 7, testApi: true, tickMs: 250 });
  const knowledgeDir = path.join(dir, 'knowledge');
  let mapek: MapekChild;
  try {
    mapek = await startMapekChild({
      CHARTER_API_URL: charter.url,
      // No Alertmanager here: nothing posts to the webhook, so its auth is off, explicitly.
      MAPEK_WEBHOOK_AUTH: 'off',
      MAPE_K_INTERVAL: '1',
      MAPEK_REQUEST_TIMEOUT: '2',
      MAPEK_KNOWLEDGE_DIR: knowledgeDir,
      MAPEK_LISTEN_PORT: String(await freePort()),
      MAPEK_RULES: CONSOLE_RULES,
      MAPEK_CONFIG: path.join(dir, 'mapek.yaml'),
      MAPEK_API_TOKEN: CONSOLE_TOKEN,
      PROMETHEUS_URL: '',
      ALERTMANAGER_URL: '',
      LOG_LEVEL: 'info',
      ...extraEnv,
    });
  } catch (err) {
    await charter.close();
    throw err;
  }
  return {
    charter, mapek, knowledgeDir,
    stop: async () => {
      await mapek.stop().catch(() => undefined);
      await charter.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The approvals in the child's nedb file (latest version of each document). */
export async function readApprovals(knowledgeDir: string): Promise<Approval[]> {
  let text = '';
  try {
    text = await readFile(path.join(knowledgeDir, 'approvals.db'), 'utf8');
  } catch {
    return [];
  }
  const byId = new Map<string, Approval>();
  for (const line of text.split('\n')) {
    try {
      const doc = JSON.parse(line) as { _id?: string; body?: string; $$deleted?: boolean };
      if (typeof doc._id !== 'string') continue;
      if (doc.$$deleted === true) byId.delete(doc._id);
      else if (typeof doc.body === 'string') byId.set(doc._id, JSON.parse(doc.body) as Approval);
    } catch {
      // a torn last line while the child writes
    }
  }
  return [...byId.values()];
}

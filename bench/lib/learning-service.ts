/**
 * The real-service learning run (issue #12): the reference Charter in the bench process (test
 * API on, the world's probabilities set on it), `mapek run` as a CHILD process on the world's
 * generated rules, and faults injected one after another over Charter's test API
 * (`POST /api/v1/test/faults`). Everything measured comes from Charter's own fault records
 * (time to remediate = clearedAt − injectedAt; the first remediation attempt, its action and
 * draw) and from the service (its `escalated to a human` log lines, its knowledge store read
 * after it stopped). Nothing here models the executor or the time.
 *
 * Compressed time scale (all set by config, docs/LEARNING.md): Charter ticks every 100 ms,
 * a cycle every 200 ms, a 0.5 s Charter data window (MAPEK_CHARTER_WINDOW), verify.after 500 ms,
 * no cooldown, hysteresis of one cycle, verification looked at again after 300 ms.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startCharter, type CharterHandle, type FaultRecord } from '../../src/charter/index.js';
import { NedbKnowledgeStore } from '../../src/knowledge/index.js';
import type { PolicySpec } from '../../src/types/charter.js';
import { readExecutions, startMapekChild, type MapekChild } from '../../test/support/e2e-service.js';
import { freePort } from '../../test/support/stack.js';
import { oracleRules, worldRules } from './learning-rules.js';
import { bestFirst, isNotify, POLICY, type BenchFault, type ServiceWorld } from './learning-service-worlds.js';
import { wentQuiet } from './learning-summary.js';

export type Mode = 'learner on' | 'learner off' | 'oracle';

export interface Timescale {
  readonly tickMs: number;
  readonly intervalS: number;
  readonly windowS: number;
  readonly verifyAfter: string;
  readonly againMs: number;
  /** An incident neither cleared nor escalated by then is stopped by hand and counted unremediated. */
  readonly incidentTimeoutMs: number;
}

export const BENCH_TIMESCALE: Timescale = { tickMs: 100, intervalS: 0.2, windowS: 0.5, verifyAfter: '500ms', againMs: 300, incidentTimeoutMs: 25_000 };

export interface ServiceIncident {
  readonly n: number;
  readonly kind: BenchFault;
  /** Action of Charter's first recorded remediation attempt (undefined: none came). */
  readonly firstAction?: string;
  readonly firstBest: boolean;
  readonly firstSuccess: boolean;
  readonly attempts: number;
  readonly remediated: boolean;
  readonly escalated: boolean;
  /** Charter's clearedAt − injectedAt, when a remediation cleared it. */
  readonly ttrMs?: number;
  /** Other faults active when the incident ended (e.g. brought back by the service's undo), cleared by the bench; absent when none. */
  readonly leftActive?: readonly string[];
  /** For an incident neither remediated nor escalated (wentQuiet): the service's execution records of its time (rule, status, error), to tell why. */
  readonly quiet?: readonly string[];
}

export interface ServiceRun {
  readonly world: string;
  readonly mode: Mode;
  readonly seed: number;
  readonly incidents: readonly ServiceIncident[];
  /** Escalated execution records in the service's store. */
  readonly storeEscalations: number;
  /** Weight changes the service's store holds for notify rules (must be 0). */
  readonly notifyChanges: number;
  /** Weight changes the store holds in all. */
  readonly weightChanges: number;
  /** Outcomes in the service's store per situation (incident kind): the situations the learner saw. */
  readonly situations: Readonly<Record<string, number>>;
  readonly wallMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Children starting at once: 18 cold starts together on 2 busy cores miss the 20 s /readyz wait. */
const STARTING_AT_ONCE = 3;
let starting = 0;
const waiting: (() => void)[] = [];
async function gatedStart(env: Record<string, string>): Promise<MapekChild> {
  while (starting >= STARTING_AT_ONCE) await new Promise<void>((r) => waiting.push(r));
  starting += 1;
  try {
    return await startMapekChild(env);
  } finally {
    starting -= 1;
    waiting.shift()?.();
  }
}
const durationMs = (d: string): number => (d.endsWith('ms') ? Number(d.slice(0, -2)) : Number(d.slice(0, -1)) * 1000);

async function api<T>(charter: CharterHandle, method: string, p: string, body?: unknown): Promise<T> {
  const res = await fetch(`${charter.url}${p}`, { method, headers: { 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Clears every active fault over the test API; returns what it cleared. */
async function clearActive(charter: CharterHandle): Promise<readonly FaultRecord[]> {
  const active = charter.faults.active();
  for (const f of active) await api(charter, 'DELETE', `/api/v1/test/faults/${f.id}`);
  return active;
}

/** A fault left active, and for one a write brought back (origin reapplied) the policy version that did it: who wrote it and why. */
async function describeLeft(charter: CharterHandle, f: FaultRecord): Promise<string> {
  if (f.origin !== 'reapplied') return `${f.id} ${f.kind} (${f.origin})`;
  const p = await api<{ history: readonly { version: number; appliedAt: string; appliedBy: string; reason?: string }[] }>(charter, 'GET', `/api/v1/policies/${f.subject}`);
  const v = p.history.find((h) => h.appliedAt === f.injectedAt);
  return `${f.id} ${f.kind} (reapplied${v ? ` by version ${v.version}, ${v.appliedBy}: ${v.reason ?? 'no reason'}` : ''})`;
}

async function seedWeights(knowledgeDir: string, weights: Readonly<Record<string, number>>): Promise<void> {
  if (Object.keys(weights).length === 0) return;
  const store = await NedbKnowledgeStore.open(knowledgeDir);
  try {
    for (const [ruleId, to] of Object.entries(weights)) await store.saveWeightChange({ ruleId, from: 1, to, samples: 0, successRate: 0, reason: 'bench: initial weights', at: new Date().toISOString() });
  } finally {
    await store.close();
  }
}

/** Charter back to the state before the incident, through its API: cache off, the policy's original spec. */
async function restore(charter: CharterHandle, original: PolicySpec): Promise<void> {
  const s = await api<{ validationCache: boolean }>(charter, 'GET', '/api/v1/settings');
  if (s.validationCache) await api(charter, 'PUT', '/api/v1/settings', { validationCache: false });
  const p = await api<{ spec: PolicySpec }>(charter, 'GET', `/api/v1/policies/${POLICY}`);
  if (JSON.stringify(p.spec) !== JSON.stringify(original)) await api(charter, 'POST', '/api/v1/policies', { policyId: POLICY, spec: original, appliedBy: 'learning-bench', reason: 'bench: restore between incidents' });
}

/** `learner`: the service's `learner:` settings (LEARNING_LEARNER_OPTIONS; empty: the defaults). */
export async function runServiceWorld(w: ServiceWorld, mode: Mode, seed: number, incidents: number, t: Timescale = BENCH_TIMESCALE, learner: Readonly<Record<string, number>> = {}): Promise<ServiceRun> {
  const t0 = performance.now();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-learn-'));
  const rulesDir = path.join(dir, 'rules');
  const knowledgeDir = path.join(dir, 'knowledge');
  await mkdir(rulesDir);
  const rulesFile = path.join(rulesDir, 'world.yaml');
  await writeFile(rulesFile, mode === 'oracle' ? oracleRules(w, 1, t.verifyAfter) : worldRules(w, t.verifyAfter));
  await writeFile(
    path.join(dir, 'mapek.yaml'),
    `learn: ${mode === 'learner on'}
learner: ${JSON.stringify(learner)}
executor:
  cooldownMs: 0
  approvalRisk: none
  hysteresis: { minCycles: 1 }
  rateLimit: { global: { burst: 10000, perMinute: 100000 }, perType: { burst: 10000, perMinute: 100000 } }
  breaker: { failures: 100000 }
  verification: { againMs: ${t.againMs} }
`,
  );
  if (mode !== 'oracle') await seedWeights(knowledgeDir, w.initialWeights);
  const charter = await startCharter({ port: 0, seed, testApi: true, tickMs: t.tickMs, remediation: w.truth(1) });
  let child: MapekChild | undefined;
  const out: ServiceIncident[] = [];
  const injectedAt = new Map<number, string>();
  try {
    const port = await freePort();
    child = await gatedStart({
      CHARTER_API_URL: charter.url,
      MAPEK_WEBHOOK_AUTH: 'off',
      MAPE_K_INTERVAL: String(t.intervalS),
      MAPEK_REQUEST_TIMEOUT: '2',
      MAPEK_KNOWLEDGE_DIR: knowledgeDir,
      MAPEK_LISTEN_PORT: String(port),
      MAPEK_RULES: rulesDir,
      MAPEK_CONFIG: path.join(dir, 'mapek.yaml'),
      MAPEK_SHUTDOWN_GRACE: '3',
      MAPEK_CHARTER_WINDOW: String(t.windowS),
      MAPEK_RELOAD_DEBOUNCE: '100',
      // warn: the bench reads only `escalated to a human`; info would log every cycle's plan
      LOG_LEVEL: 'warn',
    });
    const original = (await api<{ spec: PolicySpec }>(charter, 'GET', `/api/v1/policies/${POLICY}`)).spec;
    const settleMs = Math.max(t.windowS * 1000, durationMs(t.verifyAfter)) + 1_000 + 2 * t.intervalS * 1000;
    for (let n = 1; n <= incidents; n++) {
      if (n === w.changeAt) {
        charter.world.faults.setProbabilities(w.truth(n));
        if (mode === 'oracle') {
          await writeFile(rulesFile, oracleRules(w, n, t.verifyAfter));
          await sleep(800); // the watcher's debounce and reload
        }
      }
      const kind = w.kinds[(n - 1) % w.kinds.length]!;
      const seen = child.logs().length;
      // a fault the service's undo brought back during the settle is cleared first (not counted: the settle is outside the incident)
      await clearActive(charter);
      const injected = await api<FaultRecord>(charter, 'POST', '/api/v1/test/faults', kind === 'validation_slowdown' ? { kind } : { kind, subject: POLICY });
      injectedAt.set(n, injected.injectedAt);
      const deadline = Date.now() + t.incidentTimeoutMs;
      let rec: FaultRecord = injected;
      let escalated = false;
      for (;;) {
        await sleep(100);
        rec = charter.faults.get(injected.id) ?? rec;
        escalated = child.logs().slice(seen).some((l) => l['msg'] === 'escalated to a human');
        if (rec.state === 'cleared' || escalated || Date.now() > deadline) break;
      }
      // the incident's fault if still active, and any the service's own writes brought back (an
      // undo re-applying a bad spec: origin "reapplied"), or the next injection of that kind is refused
      const others = (await clearActive(charter)).filter((f) => f.id !== rec.id);
      const first = rec.attempts[0];
      const best = bestFirst(w, kind, n)[0];
      const remediated = rec.state === 'cleared' && rec.clearedBy !== 'test_api';
      out.push({
        n,
        kind,
        ...(first ? { firstAction: first.action } : {}),
        firstBest: first !== undefined && first.action === best?.action,
        firstSuccess: first?.success === true,
        attempts: rec.attempts.length,
        remediated,
        escalated,
        ...(others.length > 0 ? { leftActive: await Promise.all(others.map((f) => describeLeft(charter, f))) } : {}),
        ...(remediated && rec.clearedAt ? { ttrMs: Date.parse(rec.clearedAt) - Date.parse(rec.injectedAt) } : {}),
      });
      await restore(charter, original);
      // the service verifies the fix (verify.after, and its data window after the write), and
      // the alert leaves that window, before the next fault
      await sleep(settleMs);
    }
  } finally {
    await child?.stop().catch(() => undefined);
    await charter.close();
  }
  const executions = await readExecutions(knowledgeDir);
  const notifyIds = new Set(w.rules.filter(isNotify).map((r) => r.id));
  let notifyChanges = 0;
  let weightChanges = 0;
  const situations: Record<string, number> = {};
  const store = await NedbKnowledgeStore.open(knowledgeDir);
  try {
    const history = await store.weightHistory(1_000_000);
    weightChanges = history.filter((c) => !c.reason.startsWith('bench:')).length;
    notifyChanges = history.filter((c) => notifyIds.has(c.rule ?? c.ruleId)).length;
    for (const o of await store.outcomes()) situations[o.incidentKind] = (situations[o.incidentKind] ?? 0) + 1;
  } finally {
    await store.close();
  }
  await rm(dir, { recursive: true, force: true });
  const quietOf = (i: ServiceIncident): ServiceIncident => {
    if (!wentQuiet(i)) return i;
    const from = injectedAt.get(i.n) ?? '';
    const to = new Date(Date.parse(from) + t.incidentTimeoutMs).toISOString();
    const quiet = executions.filter((e) => e.createdAt >= from && e.createdAt <= to).map((e) => `${e.ruleId} ${e.incidentKind} ${e.status}${e.error ? `: ${e.error}` : ''}`);
    return { ...i, quiet };
  };
  return { world: w.name, mode, seed, incidents: out.map(quietOf), storeEscalations: executions.filter((e) => e.status === 'escalated').length, notifyChanges, weightChanges, situations, wallMs: performance.now() - t0 };
}

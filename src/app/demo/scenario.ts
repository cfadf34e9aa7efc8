import { startCharter, SEED_COMMITTEES, SEED_POLICIES, SEED_TARGETS, type CharterHandle } from '../../charter/index.js';
import { compileConfig } from '../../config/compile.js';
import type { Config } from '../../config/options.js';
import { MemoryKnowledgeStore } from '../../knowledge/index.js';
import type { CycleReport } from '../../loop/cycle.js';
import { subjectOf, incidentId as incidentIdOf } from '../../monitor/incidents.js';
import type { Logger } from '../../observability/logger.js';
import { loadRuleSet } from '../../rules/load.js';
import type { FaultKind } from '../../types/charter.js';
import type { ExecutorOptionsInput } from '../../execute/options.js';
import type { Rule, RuleSet } from '../../types/rules.js';
import type { AlertmanagerApi, PrometheusApi } from '../../types/ports.js';
import { buildClients } from '../clients.js';
import type { RuleLoader } from '../rules-holder.js';
import { Service } from '../service.js';
import type { DemoEvent, DemoIncidentResult, DemoSummary } from './events.js';

export interface DemoOptions {
  readonly seed: number;
  readonly rulesDir: string;
  readonly faults: readonly FaultKind[];
  readonly log: Logger;
  readonly emit: (e: DemoEvent) => void;
  /** Longest wait for one fault to be remediated, ms. */
  readonly perFaultTimeoutMs?: number;
  /** Real Prometheus + Alertmanager (mapek demo --stack): supplied by the caller. */
  readonly stack?: DemoStack;
}

/** What --stack adds: clients for the real stack and a hook to start it once the webhook listens. */
export interface DemoStack {
  readonly prometheusUrl: string;
  readonly alertmanagerUrl: string;
  readonly webhookToken: string;
  /** Starts Prometheus (scraping charterUrl) and Alertmanager (posting to webhookUrl). */
  start(charterUrl: string, webhookUrl: string): Promise<void>;
  stop(): Promise<void>;
}

/** The demo's fast timings: short settle/verify times, cycle interval and rate windows. */
export const DEMO_TIMINGS = {
  tickMs: 100,
  intervalMs: 500,
  verifyAfterMs: 2_500,
  cooldownMs: 1_000,
  rateWindowMs: 2_000,
  forScale: 0.1,
} as const;

/** Rule timings shortened for the demo (the rules themselves are the shipped ones). */
export function demoRuleLoader(base: RuleLoader = loadRuleSet, t = DEMO_TIMINGS): RuleLoader {
  return async (paths) => {
    const r = await base(paths);
    if (!r.ok) return r;
    const rules: Rule[] = r.ruleSet.rules.map((rule) =>
      rule.stage !== 'plan'
        ? rule
        : { ...rule, action: { ...rule.action, cooldownMs: Math.min(rule.action.cooldownMs, t.cooldownMs), verify: { ...rule.action.verify, afterMs: Math.min(rule.action.verify.afterMs, t.verifyAfterMs) } } },
    );
    const ruleSet: RuleSet = { ...r.ruleSet, rules };
    return { ...r, ruleSet };
  };
}

export const DEMO_EXECUTOR: ExecutorOptionsInput = {
  cooldownMs: 0,
  hysteresis: { minCycles: 2 },
  // The demo has no human at the keyboard: high-risk actions do not wait for approval.
  approvalRisk: 'none',
  rateLimit: { global: { burst: 50, perMinute: 600 }, perType: { burst: 20, perMinute: 600 } },
  breaker: { failures: 10 },
};

function subjectFor(kind: FaultKind, i: number): string | undefined {
  switch (kind) {
    case 'bad_rollout':
      return SEED_POLICIES[0]?.id;
    case 'policy_load_failure':
      return SEED_POLICIES[2]?.id;
    case 'rogue_target':
      return SEED_TARGETS[i % SEED_TARGETS.length];
    case 'committee_overload':
      return SEED_COMMITTEES[0]?.id;
    case 'validation_slowdown':
      return undefined;
    default: {
      const never: never = kind;
      return never;
    }
  }
}

function incidentOf(kind: FaultKind, subject: string): string {
  switch (kind) {
    case 'bad_rollout':
    case 'policy_load_failure':
      return `policy:${subject}`;
    case 'rogue_target':
      return `target:${subject}`;
    case 'committee_overload':
      return `committee:${subject}`;
    case 'validation_slowdown':
      return 'service:charter';
    default: {
      const never: never = kind;
      return never;
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const mean = (xs: readonly number[]): number | undefined => (xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length);

/**
 * Runs the demo: the reference Charter in-process, the REAL service (controller, planner,
 * executor, a memory knowledge store) against it through its API, and the faults injected
 * one after another. Emits the timeline; resolves the summary.
 */
export async function runDemo(o: DemoOptions): Promise<DemoSummary> {
  const t0 = Date.now();
  const t = (): number => Date.now() - t0;
  const charter: CharterHandle = await startCharter({ port: 0, seed: o.seed, tickMs: DEMO_TIMINGS.tickMs });
  const defaults: Partial<Config> = {
    charterApiUrl: charter.url,
    intervalMs: DEMO_TIMINGS.intervalMs,
    cycleTimeoutMs: 10_000,
    requestTimeoutMs: 2_000,
    listenPort: 0,
    rules: [o.rulesDir],
    ...(o.stack ? { prometheusUrl: o.stack.prometheusUrl, alertmanagerUrl: o.stack.alertmanagerUrl, webhookToken: o.stack.webhookToken } : {}),
  };
  const compiled = compileConfig({ defaults });
  if (!compiled.ok) throw new Error(compiled.errors.join('\n'));
  const config = compiled.config;
  const store = new MemoryKnowledgeStore();
  const clients = buildClients(config);

  let current: { kind: FaultKind; subject: string; incident: string; injectedAt: number; detectedAt?: number } | undefined;
  const printed = new Set<string>();
  const once = (key: string, e: DemoEvent): void => {
    if (printed.has(key)) return;
    printed.add(key);
    o.emit(e);
  };
  let weightsSeen = 0;
  const actionsByIncident = new Map<string, number>();

  const onCycle = (r: CycleReport): void => {
    const now = t();
    if (current && current.detectedAt === undefined && r.snapshot) {
      const alerts = r.snapshot.alerts.filter((a) => a.state === 'firing' && incidentIdOf(subjectOf(a)) === current!.incident).map((a) => a.name);
      if (alerts.length > 0) {
        current.detectedAt = now;
        o.emit({ kind: 'detected', t: now, incident: current.incident, alerts: [...new Set(alerts)].sort(), afterMs: now - current.injectedAt });
      }
    }
    for (const d of r.decisions) {
      if (Object.keys(d.derived).length > 0) once(`analysis|${d.incidentId}|${JSON.stringify(d.derived)}`, { kind: 'analysis', t: now, incident: d.incidentId, derived: d.derived });
      for (const c of d.chosen) {
        const losers = d.candidates.filter((x) => x.rejected !== undefined && x.action.target === c.action.target).map((x) => `${x.ruleId} (${x.rejected})`);
        once(`plan|${d.incidentId}|${c.rule}|${c.action.target}`, {
          kind: 'plan', t: now, incident: d.incidentId, rule: c.rule, action: c.action.type, target: c.action.target,
          why: `priority ${c.priority} × weight ${c.weight.toFixed(2)} = ${c.effectivePriority.toFixed(1)}, utility ${c.utility.toFixed(2)}`, alternatives: losers,
        });
      }
    }
    for (const x of r.executions) {
      const detail = x.guard ? `guard ${x.guard}${x.guardDetail ? `: ${x.guardDetail}` : ''}` : x.error;
      once(`action|${x.ruleId}|${x.action.target}|${x.status}|${x.guard ?? ''}`, { kind: 'action', t: now, action: x.action.type, target: x.action.target, status: x.status, ...(detail ? { detail } : {}) });
      if (x.status === 'applied' || x.status === 'unchanged') actionsByIncident.set(x.incidentId, (actionsByIncident.get(x.incidentId) ?? 0) + 1);
      if (x.verify !== undefined) once(`verify|${x.key}|${x.verify}`, { kind: 'verification', t: now, action: x.action.type, target: x.action.target, result: x.verify });
    }
    void store.weightHistory(100).then((h) => {
      if (h.length > weightsSeen) {
        const fresh = h.slice(0, h.length - weightsSeen);
        weightsSeen = h.length;
        o.emit({ kind: 'weights', t: t(), changes: fresh.map((c) => ({ rule: c.ruleId, from: c.from, to: c.to, reason: c.reason })) });
      }
    });
  };

  const prometheus: PrometheusApi | undefined = clients.prometheus;
  const alertmanager: AlertmanagerApi | undefined = clients.alertmanager;
  const service = new Service({
    config,
    log: o.log,
    charter: clients.charter,
    ...(prometheus ? { prometheus } : {}),
    ...(alertmanager ? { alertmanager } : {}),
    scrapeCharterMetrics: clients.scrapeCharterMetrics,
    charterSource: { lookbackMs: DEMO_TIMINGS.rateWindowMs, rateWindowMs: DEMO_TIMINGS.rateWindowMs, forScale: DEMO_TIMINGS.forScale },
    store,
    loadRules: demoRuleLoader(),
    executorOptions: DEMO_EXECUTOR,
    http: o.stack !== undefined,
    watchRules: false,
    onCycle,
  });

  const results: DemoIncidentResult[] = [];
  o.emit({ kind: 'start', t: 0, charterUrl: charter.url, seed: o.seed, faults: o.faults.length, mode: o.stack ? 'stack' : 'embedded' });
  try {
    await service.start();
    if (o.stack && service.address) await o.stack.start(charter.url, `http://127.0.0.1:${service.address.port}/api/v1/alerts/webhook`);
    await sleep(DEMO_TIMINGS.intervalMs * 2);
    for (const [i, kind] of o.faults.entries()) {
      const f = charter.faults.inject(kind, subjectFor(kind, i));
      const incident = incidentOf(kind, f.subject);
      current = { kind, subject: f.subject, incident, injectedAt: t() };
      o.emit({ kind: 'fault_injected', t: current.injectedAt, fault: kind, subject: f.subject, incident });
      const deadline = Date.now() + (o.perFaultTimeoutMs ?? 25_000);
      while (charter.faults.get(f.id)?.state === 'active' && Date.now() < deadline) await sleep(100);
      const rec = charter.faults.get(f.id);
      const remediated = rec?.state === 'cleared';
      const remediateMs = remediated && rec?.clearedAt ? Date.parse(rec.clearedAt) - (t0 + current.injectedAt) : undefined;
      const detectMs = current.detectedAt === undefined ? undefined : current.detectedAt - current.injectedAt;
      const by = rec?.clearedBy;
      o.emit({ kind: 'outcome', t: t(), fault: kind, subject: f.subject, remediated, ...(by ? { by } : {}), ...(detectMs !== undefined ? { detectMs } : {}), ...(remediateMs !== undefined ? { remediateMs } : {}) });
      results.push({ fault: kind, subject: f.subject, detected: detectMs !== undefined, remediated, ...(by ? { by } : {}), ...(detectMs !== undefined ? { detectMs } : {}), ...(remediateMs !== undefined ? { remediateMs } : {}), actions: actionsByIncident.get(incident) ?? 0 });
      if (!remediated && rec?.state === 'active') charter.faults.clear(f.id);
      current = undefined;
      // Let the symptoms drain (rate windows, pending verifications) before the next fault.
      await sleep(DEMO_TIMINGS.rateWindowMs + DEMO_TIMINGS.intervalMs);
      await service.controller.idle();
    }
  } finally {
    await service.stop();
    await o.stack?.stop();
    await charter.close();
  }
  const remediated = results.filter((r) => r.remediated).length;
  const summary: DemoSummary = {
    incidents: results,
    remediated,
    successRate: results.length === 0 ? 0 : remediated / results.length,
    ...(mean(results.flatMap((r) => (r.detectMs === undefined ? [] : [r.detectMs]))) !== undefined ? { meanDetectMs: mean(results.flatMap((r) => (r.detectMs === undefined ? [] : [r.detectMs]))) as number } : {}),
    ...(mean(results.flatMap((r) => (r.remediateMs === undefined ? [] : [r.remediateMs]))) !== undefined ? { meanRemediateMs: mean(results.flatMap((r) => (r.remediateMs === undefined ? [] : [r.remediateMs]))) as number } : {}),
    cycles: service.controller.completed(),
    durationMs: t(),
  };
  o.emit({ kind: 'summary', t: t(), summary });
  return summary;
}

import { startCharter, type CharterHandle } from '../../charter/index.js';
import { compileConfig } from '../../config/compile.js';
import type { Config } from '../../config/options.js';
import { MemoryKnowledgeStore } from '../../knowledge/index.js';
import type { Logger } from '../../observability/logger.js';
import { loadRuleSet } from '../../rules/load.js';
import type { FaultKind } from '../../types/charter.js';
import type { ExecutorOptionsInput } from '../../execute/options.js';
import type { Rule, RuleSet } from '../../types/rules.js';
import type { AlertmanagerApi, PrometheusApi } from '../../types/ports.js';
import { buildClients } from '../clients.js';
import type { RuleLoader } from '../rules-holder.js';
import { Service } from '../service.js';
import { freePort } from '../stack/process.js';
import type { DemoEvent, DemoIncidentResult, DemoSummary } from './events.js';
import { incidentOf, subjectFor } from './faults.js';
import { metricLines } from './metrics.js';
import { DemoTimeline, type WatchedFault } from './timeline.js';

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

/** What --stack adds: the real Prometheus + Alertmanager, started once the demo knows where its webhook will listen. */
export interface DemoStackHandle {
  readonly prometheusUrl: string;
  readonly alertmanagerUrl: string;
  readonly webhookToken: string;
  stop(): Promise<void>;
}

/** Starts Prometheus (scraping charterUrl) and Alertmanager (posting to webhookUrl). */
export type DemoStack = (charterUrl: string, webhookUrl: string) => Promise<DemoStackHandle>;

/** The demo's fast timings: short settle/verify times, cycle interval and rate windows. */
export const DEMO_TIMINGS = {
  tickMs: 100,
  intervalMs: 500,
  verifyAfterMs: 2_500,
  cooldownMs: 1_000,
  rateWindowMs: 2_000,
  forScale: 0.1,
} as const;

export type DemoTimings = { readonly [K in keyof typeof DEMO_TIMINGS]: number };

/**
 * Through Prometheus the alert rules' windows are 5 s (src/app/stack fastAlertRules): a
 * verification must wait until the window no longer holds the fault's samples, or it would
 * see the alert still firing, fail, and roll a correct fix back.
 */
export const STACK_TIMINGS: DemoTimings = { ...DEMO_TIMINGS, verifyAfterMs: 8_000, rateWindowMs: 6_000 };

export interface DemoResult {
  readonly summary: DemoSummary;
  /** --stack: the service's own /metrics lines for SUMMARY_METRICS, read before it stopped. */
  readonly metrics?: readonly string[];
}

/** Rule timings shortened for the demo (the rules themselves are the shipped ones). */
export function demoRuleLoader(base: RuleLoader = loadRuleSet, t: DemoTimings = DEMO_TIMINGS): RuleLoader {
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

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const mean = (xs: readonly number[]): number | undefined => (xs.length === 0 ? undefined : xs.reduce((a, b) => a + b, 0) / xs.length);

/**
 * Waits until Prometheus holds a few scrapes of Charter: rate()/increase() need two samples in
 * the window, so a fault injected into a cold Prometheus is detected late.
 */
async function warmUp(prometheus: PrometheusApi, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const r = await prometheus.query('count_over_time(up{job="charter"}[10s])').catch(() => undefined);
    const v = r?.resultType === 'vector' ? r.result[0]?.value[1] ?? 0 : 0;
    if (v >= 3) return;
    await sleep(250);
  }
}

/**
 * Runs the demo: the reference Charter in-process, the REAL service (controller, planner,
 * executor, a memory knowledge store) against it through its API — with --stack through real
 * Prometheus and Alertmanager and the service's webhook — and the faults injected one after
 * another. Emits the timeline; resolves the summary (and with --stack the service's metrics).
 */
export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const timing = o.stack ? STACK_TIMINGS : DEMO_TIMINGS;
  const t0 = Date.now();
  const t = (): number => Date.now() - t0;
  const charter: CharterHandle = await startCharter({ port: 0, seed: o.seed, tickMs: timing.tickMs });
  let stack: DemoStackHandle | undefined;
  let service: Service | undefined;
  const results: DemoIncidentResult[] = [];
  let metrics: string[] | undefined;
  try {
    const listenPort = o.stack ? await freePort() : 0;
    if (o.stack) stack = await o.stack(charter.url, `http://127.0.0.1:${listenPort}/api/v1/alerts/webhook`);
    const compiled = compileConfig({
      defaults: {
        charterApiUrl: charter.url,
        intervalMs: timing.intervalMs,
        cycleTimeoutMs: 10_000,
        requestTimeoutMs: 2_000,
        listenPort,
        rules: [o.rulesDir],
        ...(stack ? { prometheusUrl: stack.prometheusUrl, alertmanagerUrl: stack.alertmanagerUrl, webhookToken: stack.webhookToken } : {}),
      },
    });
    if (!compiled.ok) throw new Error(compiled.errors.join('\n'));
    const config: Config = compiled.config;
    const store = new MemoryKnowledgeStore();
    const clients = buildClients(config);
    const timeline = new DemoTimeline(o.emit, t, store, DEMO_EXECUTOR.hysteresis?.minCycles ?? 2);
    const prometheus: PrometheusApi | undefined = clients.prometheus;
    const alertmanager: AlertmanagerApi | undefined = clients.alertmanager;
    const svc = new Service({
      config,
      log: o.log,
      charter: clients.charter,
      ...(prometheus ? { prometheus } : {}),
      ...(alertmanager ? { alertmanager } : {}),
      scrapeCharterMetrics: clients.scrapeCharterMetrics,
      charterSource: { lookbackMs: timing.rateWindowMs, rateWindowMs: timing.rateWindowMs, forScale: timing.forScale },
      store,
      loadRules: demoRuleLoader(loadRuleSet, timing),
      executorOptions: DEMO_EXECUTOR,
      http: stack !== undefined,
      watchRules: false,
      onCycle: (r) => timeline.onCycle(r),
    });
    service = svc;

    o.emit({ kind: 'start', t: 0, charterUrl: charter.url, seed: o.seed, faults: o.faults.length, mode: stack ? 'stack' : 'embedded' });
    await svc.start();
    if (prometheus) await warmUp(prometheus);
    await sleep(timing.intervalMs * 2);
    for (const [i, kind] of o.faults.entries()) {
      const f = charter.faults.inject(kind, subjectFor(kind, i));
      const watched: WatchedFault = { incident: incidentOf(kind, f.subject), injectedAt: t() };
      timeline.current = watched;
      o.emit({ kind: 'fault_injected', t: watched.injectedAt, fault: kind, subject: f.subject, incident: watched.incident });
      const deadline = Date.now() + (o.perFaultTimeoutMs ?? 25_000);
      while (charter.faults.get(f.id)?.state === 'active' && Date.now() < deadline) await sleep(100);
      const rec = charter.faults.get(f.id);
      const remediated = rec?.state === 'cleared';
      const remediateMs = remediated && rec?.clearedAt ? Date.parse(rec.clearedAt) - (t0 + watched.injectedAt) : undefined;
      const detectMs = watched.detectedAt === undefined ? undefined : watched.detectedAt - watched.injectedAt;
      const by = rec?.clearedBy;
      const outcome = { ...(by ? { by } : {}), ...(detectMs !== undefined ? { detectMs } : {}), ...(remediateMs !== undefined ? { remediateMs } : {}) };
      o.emit({ kind: 'outcome', t: t(), fault: kind, subject: f.subject, remediated, ...outcome });
      results.push({ fault: kind, subject: f.subject, detected: detectMs !== undefined, remediated, ...outcome, actions: timeline.actionsFor(watched.incident) });
      if (!remediated && rec?.state === 'active') charter.faults.clear(f.id);
      timeline.current = undefined;
      // Let the symptoms drain (rate windows, pending verifications) before the next fault.
      await sleep(timing.rateWindowMs + timing.intervalMs);
      await svc.controller.idle();
    }
    // The last actions' verifications (and the learner after them) belong in the summary.
    const verifyDeadline = Date.now() + timing.verifyAfterMs + 5_000;
    while (svc.executor.pending().length > 0 && Date.now() < verifyDeadline) await sleep(200);
    await svc.controller.idle();
    if (svc.address) {
      const res = await fetch(`http://127.0.0.1:${svc.address.port}/metrics`);
      metrics = metricLines(await res.text());
    }
  } finally {
    await service?.stop();
    await stack?.stop();
    await charter.close();
  }
  const remediated = results.filter((r) => r.remediated).length;
  const meanDetectMs = mean(results.flatMap((r) => (r.detectMs === undefined ? [] : [r.detectMs])));
  const meanRemediateMs = mean(results.flatMap((r) => (r.remediateMs === undefined ? [] : [r.remediateMs])));
  const summary: DemoSummary = {
    incidents: results,
    remediated,
    successRate: results.length === 0 ? 0 : remediated / results.length,
    ...(meanDetectMs !== undefined ? { meanDetectMs } : {}),
    ...(meanRemediateMs !== undefined ? { meanRemediateMs } : {}),
    cycles: service?.controller.completed() ?? 0,
    durationMs: t(),
  };
  o.emit({ kind: 'summary', t: t(), summary });
  return { summary, ...(metrics ? { metrics } : {}) };
}

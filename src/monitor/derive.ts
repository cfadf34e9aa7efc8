import { CHARTER_METRICS } from '../types/metrics.js';
import type { MetricSample } from '../types/snapshot.js';
import type { ExpositionSample } from './exposition.js';

/**
 * Derives the fifteen built-in metric facts (BUILTIN_FACTS in src/types/facts.ts; their PromQL
 * is in rules/facts.yaml) from Charter's own /metrics when there is no Prometheus: gauges are read directly, counter rates are computed over a sliding window
 * of this process' own scrapes. The demo's stand-in for PromQL; semantics follow the
 * queries' PromQL closely (sum/max by the subject label), over `windowMs` instead of 1m.
 */
export interface Derived {
  /** Named query → samples, the same shape PrometheusSource produces. */
  readonly metrics: Record<string, MetricSample[]>;
  /** Counter increases over the window, for the in-process alert evaluator. */
  readonly increases: {
    readonly criticalViolations: Readonly<Record<string, number>>;
    readonly loadFailures: Readonly<Record<string, number>>;
    readonly enforcementFailures: Readonly<Record<string, number>>;
  };
  /** Total API requests per second over the window (alerts need "some traffic"). */
  readonly apiRequestRate: number;
  /** How far back the rates and increases reach: from the baseline scrape to now (≥ the window once it is full). */
  readonly spanMs: number;
}

interface Scrape {
  readonly t: number;
  readonly series: ReadonlyMap<string, number>;
}

const M = CHARTER_METRICS;
const keyOf = (name: string, labels: Readonly<Record<string, string>>): string =>
  `${name}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)))}`;

export class CharterMetricsDeriver {
  private history: Scrape[] = [];
  private readonly labelsByKey = new Map<string, Readonly<Record<string, string>>>();

  constructor(private readonly windowMs: number) {}

  /** Records a successful scrape at `nowMs` and derives every built-in fact from it. */
  derive(samples: readonly ExpositionSample[], nowMs: number): Derived {
    const series = new Map<string, number>();
    for (const s of samples) {
      const k = keyOf(s.name, s.labels);
      series.set(k, s.value);
      this.labelsByKey.set(k, s.labels);
    }
    this.history.push({ t: nowMs, series });
    // Keep the newest scrape at or before the window start as the baseline.
    while (this.history.length > 2 && (this.history[1]?.t ?? nowMs) <= nowMs - this.windowMs) this.history.shift();

    const byName = (name: string): ExpositionSample[] => samples.filter((s) => s.name === name);
    const gaugeBy = (name: string, label: string, filter?: (l: Readonly<Record<string, string>>) => boolean, agg: 'max' | 'sum' = 'max'): MetricSample[] => {
      const out = new Map<string, number>();
      for (const s of byName(name)) {
        if (filter && !filter(s.labels)) continue;
        const id = s.labels[label];
        if (id === undefined) continue;
        const prev = out.get(id);
        out.set(id, prev === undefined ? s.value : agg === 'max' ? Math.max(prev, s.value) : prev + s.value);
      }
      return [...out].map(([id, value]) => ({ labels: { [label]: id }, value }));
    };
    const increaseBy = (name: string, label: string | undefined, filter?: (l: Readonly<Record<string, string>>) => boolean): Map<string, number> => {
      const out = new Map<string, number>();
      const first = this.history[0];
      if (first === undefined || this.history.length < 2) {
        for (const s of byName(name)) if ((!filter || filter(s.labels)) && (label === undefined || s.labels[label] !== undefined)) out.set(label === undefined ? '' : (s.labels[label] as string), 0);
        return out;
      }
      for (const s of byName(name)) {
        if (filter && !filter(s.labels)) continue;
        const id = label === undefined ? '' : s.labels[label];
        if (id === undefined) continue;
        const before = first.series.get(keyOf(s.name, s.labels)) ?? 0;
        const inc = s.value >= before ? s.value - before : s.value; // counter reset
        out.set(id, (out.get(id) ?? 0) + inc);
      }
      return out;
    };
    const seconds = Math.max((nowMs - (this.history[0]?.t ?? nowMs)) / 1000, 1e-9);
    const rateSamples = (inc: Map<string, number>, label: string): MetricSample[] =>
      [...inc].map(([id, v]) => ({ labels: { [label]: id }, value: this.history.length < 2 ? 0 : v / seconds }));
    const one = (value: number | undefined): MetricSample[] => (value === undefined || Number.isNaN(value) ? [] : [{ labels: {}, value }]);

    const critical = increaseBy(M.violations.name, 'policy_id', (l) => l['severity'] === 'critical');
    const all = increaseBy(M.violations.name, 'policy_id');
    const loadFailures = increaseBy(M.policyLoadFailures.name, 'policy_id');
    const enforcement = increaseBy(M.enforcementFailures.name, 'node_or_service');
    const validationErr = increaseBy(M.validationRequests.name, undefined, (l) => l['result'] === 'error').get('') ?? 0;
    const validationAll = increaseBy(M.validationRequests.name, undefined).get('') ?? 0;
    const apiErr = increaseBy(M.apiRequests.name, undefined, (l) => /^5\d\d$/.test(l['code'] ?? '')).get('') ?? 0;
    const apiAll = increaseBy(M.apiRequests.name, undefined).get('') ?? 0;
    const targets = byName(M.targets.name);
    const quarantined = targets.filter((s) => s.labels['state'] === 'quarantined').reduce((a, s) => a + s.value, 0);
    const totalTargets = targets.reduce((a, s) => a + s.value, 0);
    const latency = byName(M.validationLatency.name).filter((s) => s.labels['quantile'] === '0.99' && !Number.isNaN(s.value));
    const compliance = byName(M.complianceRatio.name)[0]?.value;
    const ratio = (num: number, den: number): number => (this.history.length < 2 ? 0 : num / seconds / Math.max(den / seconds, 1e-9));

    const metrics: Record<string, MetricSample[]> = {
      criticalViolationRate: rateSamples(critical, 'policy_id'),
      violationRate: rateSamples(all, 'policy_id'),
      policyVersion: gaugeBy(M.policyVersion.name, 'policy_id'),
      policyLoadFailed: gaugeBy(M.policyVersion.name, 'policy_id', undefined).map((s) => ({
        labels: s.labels,
        value: byName(M.policyVersion.name).some((x) => x.labels['policy_id'] === s.labels['policy_id'] && x.labels['load_state'] === 'failed' && x.value > 0) ? 1 : 0,
      })),
      violatedPolicies: gaugeBy(M.targetViolatedPolicies.name, 'node_or_service'),
      enforcementFailureRate: rateSamples(enforcement, 'node_or_service'),
      committeeQueueDepth: gaugeBy(M.committeeQueueDepth.name, 'committee_id'),
      committeeCapacity: gaugeBy(M.committeeCapacity.name, 'committee_id'),
      committeeP99: gaugeBy(M.committeeDecision.name, 'committee_id', (l) => l['quantile'] === '0.99'),
      validationLatencyP99: one(latency.length === 0 ? undefined : Math.max(...latency.map((s) => s.value))),
      validationErrorRatio: one(ratio(validationErr, validationAll)),
      complianceRatio: one(compliance),
      quarantinedShare: one(totalTargets === 0 && targets.length === 0 ? undefined : quarantined / Math.max(totalTargets, 1)),
      apiErrorRatio: one(ratio(apiErr, apiAll)),
      up: one(1),
    };
    return {
      metrics,
      increases: {
        criticalViolations: Object.fromEntries(critical),
        loadFailures: Object.fromEntries(loadFailures),
        enforcementFailures: Object.fromEntries(enforcement),
      },
      apiRequestRate: this.history.length < 2 ? 0 : apiAll / seconds,
      spanMs: nowMs - (this.history[0]?.t ?? nowMs),
    };
  }
}

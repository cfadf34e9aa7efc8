/**
 * The fifteen metrics of src/types/metrics.ts on a prom-client Registry of their own
 * (one per server: prom-client throws when a name is registered twice). Values are read
 * from the world at scrape time, so the world stays plain data and tests can read either.
 */
import client from 'prom-client';
import { CHARTER_METRICS, type CharterMetricSpec } from '../types/metrics.js';
import { CHARTER_BUILD_VERSION } from './seed.js';
import type { CounterStore, WindowedSummary } from './stats.js';
import type { World } from './world.js';

export const SUMMARY_QUANTILES = [0.5, 0.9, 0.99] as const;

type MetricValue = { labels: Record<string, string | number>; value: number; metricName?: string };

/**
 * A prom-client Summary whose quantiles come from the world's tick window (see
 * WindowedSummary) instead of prom-client's wall-clock window, and whose _sum/_count are
 * the world's monotonic totals.
 */
class WorldSummary extends client.Summary<string> {
  readonly #source: () => WindowedSummary;
  readonly #spec: CharterMetricSpec;
  constructor(spec: CharterMetricSpec, registry: client.Registry, source: () => WindowedSummary) {
    super({ name: spec.name, help: spec.help, labelNames: [...spec.labels], percentiles: [...SUMMARY_QUANTILES], registers: [registry] });
    this.#source = source;
    this.#spec = spec;
  }
  override async get(): Promise<client.MetricObjectWithValues<client.MetricValue<string>>> {
    const values: MetricValue[] = [];
    const src = this.#source();
    for (const s of src.entries()) {
      for (const q of SUMMARY_QUANTILES) values.push({ labels: { ...s.labels, quantile: q }, value: src.quantile(s.labels, q) });
      values.push({ metricName: `${this.#spec.name}_sum`, labels: { ...s.labels }, value: s.sum });
      values.push({ metricName: `${this.#spec.name}_count`, labels: { ...s.labels }, value: s.count });
    }
    return { name: this.#spec.name, help: this.#spec.help, type: 'summary', values, aggregator: 'sum' } as unknown as client.MetricObjectWithValues<client.MetricValue<string>>;
  }
}

function counter(spec: CharterMetricSpec, registry: client.Registry, source: () => CounterStore): void {
  new client.Counter({
    name: spec.name,
    help: spec.help,
    labelNames: [...spec.labels],
    registers: [registry],
    collect() {
      this.reset();
      for (const e of source().entries()) this.inc({ ...e.labels }, e.value);
    },
  });
}

function gauge(spec: CharterMetricSpec, registry: client.Registry, values: () => readonly { labels: Record<string, string>; value: number }[]): void {
  new client.Gauge({
    name: spec.name,
    help: spec.help,
    labelNames: [...spec.labels],
    registers: [registry],
    collect() {
      this.reset();
      for (const v of values()) this.set(v.labels, v.value);
    },
  });
}

/** A Registry holding the fifteen Charter metrics of `world` (read at scrape time). */
export function createCharterRegistry(world: World): client.Registry {
  const registry = new client.Registry();
  const m = CHARTER_METRICS;
  const st = () => world.stats;
  counter(m.violations, registry, () => st().violations);
  counter(m.enforcementActions, registry, () => st().enforcementActions);
  new WorldSummary(m.committeeDecision, registry, () => st().committeeDecision);
  new WorldSummary(m.validationLatency, registry, () => st().validationLatency);
  counter(m.policyLoadFailures, registry, () => st().policyLoadFailures);
  gauge(m.policyVersion, registry, () => world.listPolicies().map((p) => ({ labels: { policy_id: p.id, load_state: p.loadState }, value: p.version })));
  gauge(m.committeeQueueDepth, registry, () => world.listCommittees().map((c) => ({ labels: { committee_id: c.id }, value: c.queueDepth })));
  gauge(m.committeeCapacity, registry, () => world.listCommittees().map((c) => ({ labels: { committee_id: c.id }, value: c.capacity })));
  counter(m.validationRequests, registry, () => st().validationRequests);
  counter(m.enforcementFailures, registry, () => st().enforcementFailures);
  gauge(m.targets, registry, () => {
    const ts = world.listTargets();
    const q = ts.filter((t) => t.quarantined).length;
    return [
      { labels: { state: 'active' }, value: ts.length - q },
      { labels: { state: 'quarantined' }, value: q },
    ];
  });
  gauge(m.complianceRatio, registry, () => [{ labels: {}, value: world.complianceRatio() }]);
  counter(m.apiRequests, registry, () => st().apiRequests);
  gauge(m.buildInfo, registry, () => [{ labels: { version: CHARTER_BUILD_VERSION }, value: 1 }]);
  gauge(m.targetViolatedPolicies, registry, () => world.listTargets().map((t) => ({ labels: { node_or_service: t.id }, value: world.targetViolatedPolicies(t.id) })));
  return registry;
}

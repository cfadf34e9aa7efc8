import type { Alert, Severity } from '../types/alert.js';
import { MapekError } from '../types/errors.js';
import type { MetricFact } from '../types/facts.js';
import type { PrometheusApi, PromQueryResult } from '../types/ports.js';
import type { MetricSample, RangeSeries } from '../types/snapshot.js';
import { factWindowMs } from '../rules/verify-window.js';
import { labelsFingerprint } from './fingerprint.js';
import type { MonitorSource, SourceReading } from './source.js';

const SEVERITIES: readonly string[] = ['critical', 'warning', 'info'];

function samplesOf(r: PromQueryResult): MetricSample[] {
  switch (r.resultType) {
    case 'vector':
      return r.result.map((i) => ({ labels: i.metric, value: i.value[1] }));
    case 'scalar':
      return [{ labels: {}, value: r.result[1] }];
    case 'matrix':
      return r.result.flatMap((i) => {
        const last = i.values[i.values.length - 1];
        return last === undefined ? [] : [{ labels: i.metric, value: last[1] }];
      });
    case 'string':
      return [];
    default: {
      const never: never = r;
      return never;
    }
  }
}

function seriesOf(r: PromQueryResult): RangeSeries[] {
  switch (r.resultType) {
    case 'matrix':
      return r.result.map((i) => ({ labels: i.metric, points: i.values.map(([t, v]) => [t, v] as const) }));
    case 'vector':
      return r.result.map((i) => ({ labels: i.metric, points: [[i.value[0], i.value[1]] as const] }));
    case 'scalar':
      return [{ labels: {}, points: [[r.result[0], r.result[1]] as const] }];
    case 'string':
      return [];
    default: {
      const never: never = r;
      return never;
    }
  }
}

/** Runs `tasks` with at most `limit` in flight; results in input order; rejects on the first failure. */
async function bounded<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await (tasks[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return out;
}

/** Queries in flight at once per reading: enough to hide latency, few enough not to flood Prometheus. */
export const DEFAULT_QUERY_CONCURRENCY = 8;

/** ALERTS{alertstate="firing"} series → alerts; startsAt from ALERTS_FOR_STATE (activeAt). */
export function alertsFromSeries(alerts: readonly MetricSample[], forState: readonly MetricSample[]): Alert[] {
  const activeAt = new Map<string, number>();
  for (const s of forState) {
    const { __name__: _n, ...labels } = s.labels;
    activeAt.set(labelsFingerprint(labels), s.value);
  }
  return alerts.map((s) => {
    const { __name__: _n, alertstate: _s, ...labels } = s.labels;
    const fingerprint = labelsFingerprint(labels);
    const since = activeAt.get(fingerprint);
    const severity = SEVERITIES.includes(labels['severity'] ?? '') ? (labels['severity'] as Severity) : 'warning';
    return {
      fingerprint,
      name: labels['alertname'] ?? 'unknown',
      severity,
      state: 'firing',
      labels,
      annotations: {},
      startsAt: new Date(since !== undefined && Number.isFinite(since) ? since * 1000 : 0).toISOString(),
      silenced: false,
      inhibited: false,
      source: 'prometheus',
    };
  });
}

/** A query of the monitor failed: names the query and its PromQL; retryable as its cause. */
export class NamedQueryError extends MapekError {
  constructor(readonly query: string, readonly promql: string, cause: unknown) {
    super(`named query "${query}" (${promql}) failed: ${cause instanceof Error ? cause.message : String(cause)}`, cause instanceof MapekError ? cause.retryable : true, { cause });
    this.name = 'NamedQueryError';
  }
}

/** A fact's data window, parsed once per fact of a loaded rule set (not every cycle). */
const windows = new WeakMap<MetricFact, number>();
function windowOf(f: MetricFact): number {
  let ms = windows.get(f);
  if (ms === undefined) windows.set(f, (ms = factWindowMs(f)));
  return ms;
}

/**
 * Reads the rule set's metric facts and the firing ALERTS series from Prometheus: each fact
 * with a query once per reading (ranges through query_range over their window), at most
 * `concurrency` at once. Any failed query fails the whole reading: a Prometheus that answers
 * some queries is not one to trust. `facts` is read at every reading, so a rule reload that
 * declares a new fact is queried from the next cycle on.
 */
export class PrometheusSource implements MonitorSource {
  readonly name = 'prometheus' as const;
  constructor(
    private readonly api: PrometheusApi,
    private readonly facts: () => readonly MetricFact[],
    private readonly concurrency = DEFAULT_QUERY_CONCURRENCY,
  ) {}

  async read(now: Date): Promise<SourceReading> {
    const facts = this.facts().filter((f): f is MetricFact & { promql: string } => f.promql !== undefined);
    const tasks = facts.map((f) => (): Promise<PromQueryResult> => {
      const r = f.range;
      const q = r === undefined ? this.api.query(f.promql, now) : this.api.queryRange(f.promql, new Date(now.getTime() - r.windowMs), now, r.stepMs / 1000);
      return q.catch((err: unknown) => {
        throw new NamedQueryError(f.name, f.promql, err);
      });
    });
    const [alerts, forState, results] = await Promise.all([
      this.named('alerts', 'ALERTS{alertstate="firing"}', now),
      this.named('alertsForState', 'ALERTS_FOR_STATE', now),
      bounded(tasks, this.concurrency),
    ]);
    const metrics: Record<string, MetricSample[]> = {};
    const ranges: Record<string, RangeSeries[]> = {};
    facts.forEach((f, i) => {
      const r = results[i];
      if (f.range === undefined) metrics[f.name] = r === undefined ? [] : samplesOf(r);
      else ranges[f.name] = r === undefined ? [] : seriesOf(r);
    });
    // How far back each fact's data reaches (what `mapek validate` compares verify.after with).
    const metricMs: Record<string, number> = {};
    for (const f of facts) metricMs[f.name] = windowOf(f);
    const windows = { metricsMs: Math.max(0, ...Object.values(metricMs)), metricMs };
    return {
      metrics,
      ...(Object.keys(ranges).length > 0 ? { ranges } : {}),
      alerts: alertsFromSeries(samplesOf(alerts), samplesOf(forState)),
      windows,
    };
  }

  private named(name: string, promql: string, now: Date): Promise<PromQueryResult> {
    return this.api.query(promql, now).catch((err: unknown) => {
      throw new NamedQueryError(name, promql, err);
    });
  }
}

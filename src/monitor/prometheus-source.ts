import { promqlWindowMs } from './data-window.js';
import type { Alert, Severity } from '../types/alert.js';
import { MapekError } from '../types/errors.js';
import { NAMED_QUERIES, type NamedQuery } from '../types/facts.js';
import type { PrometheusApi, PromQueryResult } from '../types/ports.js';
import type { MetricSample } from '../types/snapshot.js';
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

/**
 * Reads the named queries and the firing ALERTS series from Prometheus. Any failed query
 * fails the whole reading: a Prometheus that answers some queries is not one to trust.
 */
export class PrometheusSource implements MonitorSource {
  readonly name = 'prometheus' as const;
  constructor(
    private readonly api: PrometheusApi,
    private readonly queries: readonly NamedQuery[] = NAMED_QUERIES,
  ) {}

  async read(now: Date): Promise<SourceReading> {
    const [alerts, forState, ...results] = await Promise.all([
      this.named('alerts', 'ALERTS{alertstate="firing"}', now),
      this.named('alertsForState', 'ALERTS_FOR_STATE', now),
      ...this.queries.map((q) => this.named(q.name, q.promql, now)),
    ]);
    const metrics: Record<string, MetricSample[]> = {};
    this.queries.forEach((q, i) => {
      const r = results[i];
      metrics[q.name] = r === undefined ? [] : samplesOf(r);
    });
    const metricMs: Record<string, number> = {};
    for (const q of this.queries) metricMs[q.name] = promqlWindowMs(q.promql);
    const windows = { metricsMs: Math.max(0, ...Object.values(metricMs)), metricMs };
    return { metrics, alerts: alertsFromSeries(samplesOf(alerts as PromQueryResult), samplesOf(forState as PromQueryResult)), windows };
  }

  private named(name: string, promql: string, now: Date): Promise<PromQueryResult> {
    return this.api.query(promql, now).catch((err: unknown) => {
      throw new NamedQueryError(name, promql, err);
    });
  }
}

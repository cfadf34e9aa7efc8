import type { Alert } from './alert.js';
import type { Violation } from './charter.js';

/** One series of an instant-query result. Values are already numbers (NaN/±Inf mapped). */
export interface MetricSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** One series of a range-query result: `[unix seconds, value]` points, oldest first. */
export interface RangeSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly points: readonly (readonly [number, number])[];
}

export type SourceName = 'prometheus' | 'alertmanager' | 'charter';

/** Health of one monitor source for the snapshot it contributed to. */
export interface SourceStatus {
  readonly ok: boolean;
  /** Exact error text when not ok. */
  readonly error?: string;
}

/**
 * Everything Monitor observed at one instant. The loop is level based: a cycle reads one
 * whole snapshot and converges; it never depends on which event triggered it.
 */
export interface Snapshot {
  /** ISO-8601 observation time. */
  readonly at: string;
  readonly alerts: readonly Alert[];
  /**
   * Instant metric facts (built-in or declared) → their samples. A query whose metric is
   * missing from Prometheus maps to an empty array.
   */
  readonly metrics: Readonly<Record<string, readonly MetricSample[]>>;
  /** Range facts (declared with `range:`) → their series; reduced per subject by Analyze. */
  readonly ranges?: Readonly<Record<string, readonly RangeSeries[]>>;
  readonly violations: readonly Violation[];
  readonly sources: Readonly<Partial<Record<SourceName, SourceStatus>>>;
  /** How far back each part's data reaches (absent: instant data, or not known). */
  readonly windows?: DataWindows;
}

/** Look-back of the data behind a snapshot's parts, in ms: facts at `at` describe [at − window, at]. */
export interface DataWindows {
  /** Metric facts (the longest range of their queries, or the in-process deriver's window). */
  readonly metricsMs?: number;
  /** Per named metric, when known (else metricsMs). */
  readonly metricMs?: Readonly<Record<string, number>>;
  /** Alerts evaluated in-process over the deriver's window (0 for Alertmanager's and Prometheus' own alerts). */
  readonly alertsMs?: number;
  /** Charter's recent violations (the look-back they are listed over). */
  readonly violationsMs?: number;
}

/** What an incident is about. */
export type SubjectKind = 'policy' | 'target' | 'committee' | 'service';

export interface Subject {
  readonly kind: SubjectKind;
  /** policy id, node/service name, committee id, or "charter" for the service itself. */
  readonly id: string;
}

/**
 * The alerts, metric samples and violations about one subject. Rules are evaluated per
 * incident, with the snapshot's global facts also available.
 */
export interface Incident {
  /** `${subject.kind}:${subject.id}` — stable across cycles. */
  readonly id: string;
  readonly subject: Subject;
  readonly alerts: readonly Alert[];
  readonly violations: readonly Violation[];
  readonly metrics: Readonly<Record<string, readonly MetricSample[]>>;
  /** The subject's series of each range fact of its kind. */
  readonly ranges?: Readonly<Record<string, readonly RangeSeries[]>>;
}

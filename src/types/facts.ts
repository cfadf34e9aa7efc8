import type { SourceLocation } from './rules.js';
import type { SubjectKind } from './snapshot.js';

/**
 * Metric facts: named numbers per subject (or one global number) that rules read as
 * `metrics.<name>`. Their PromQL lives in rule files (`facts:`; the shipped built-ins in
 * rules/facts.yaml) — the code keeps none. A fact missing from Prometheus gives `null`.
 */

/** How a range fact's points become one number (docs/RULES.md, "Declared facts"). */
export const REDUCERS = ['last', 'min', 'max', 'avg', 'increase', 'slope', 'anomaly', 'count'] as const;
export type Reducer = (typeof REDUCERS)[number];

export interface FactRange {
  /** How far back `query_range` reads. */
  readonly windowMs: number;
  /** Resolution of the points. */
  readonly stepMs: number;
  readonly reduce: Reducer;
  /** `count` only: points strictly above it are counted. */
  readonly threshold?: number;
}

/** One metric fact, declared in a rule file or built in (then `promql` may be absent). */
export interface MetricFact {
  readonly name: string;
  readonly description: string;
  readonly subject: SubjectKind;
  /** Label of the query result that names the subject; absent for service (global) facts. */
  readonly by?: string;
  /** Absent for a built-in that no loaded file gives a query (the deriver still serves it). */
  readonly promql?: string;
  /** Absent: an instant query. */
  readonly range?: FactRange;
  /** Where it was declared. */
  readonly location?: SourceLocation;
}

/** What the in-process deriver (src/monitor/derive.ts) computes without Prometheus. */
export interface BuiltinFact {
  readonly name: string;
  readonly subject: SubjectKind;
  readonly by?: 'policy_id' | 'node_or_service' | 'committee_id';
  readonly description: string;
  /** True when the deriver computes it as a rate over its window (else a gauge, window 0). */
  readonly windowed: boolean;
}

/**
 * The fifteen built-in names. Without Prometheus the deriver serves exactly these; with it,
 * their queries come from rules/facts.yaml like any declared fact's. Names are stable, so
 * shipped rules and recorded fixtures replay unchanged.
 */
export const BUILTIN_FACTS: readonly BuiltinFact[] = [
  { name: 'criticalViolationRate', subject: 'policy', by: 'policy_id', windowed: true, description: 'Critical violations per second, per policy.' },
  { name: 'violationRate', subject: 'policy', by: 'policy_id', windowed: true, description: 'Violations per second, per policy.' },
  { name: 'policyVersion', subject: 'policy', by: 'policy_id', windowed: false, description: 'Current version of the policy.' },
  { name: 'policyLoadFailed', subject: 'policy', by: 'policy_id', windowed: false, description: '1 when the policy failed to load.' },
  { name: 'violatedPolicies', subject: 'target', by: 'node_or_service', windowed: false, description: 'Distinct policies the target violated in 5 minutes.' },
  { name: 'enforcementFailureRate', subject: 'target', by: 'node_or_service', windowed: true, description: 'Enforcement failures per second, per target.' },
  { name: 'committeeQueueDepth', subject: 'committee', by: 'committee_id', windowed: false, description: 'Decisions waiting.' },
  { name: 'committeeCapacity', subject: 'committee', by: 'committee_id', windowed: false, description: 'Committee capacity.' },
  { name: 'committeeP99', subject: 'committee', by: 'committee_id', windowed: false, description: 'p99 decision time, seconds.' },
  { name: 'validationLatencyP99', subject: 'service', windowed: false, description: 'p99 validation latency, seconds.' },
  { name: 'validationErrorRatio', subject: 'service', windowed: true, description: 'Share of validation requests that failed.' },
  { name: 'complianceRatio', subject: 'service', windowed: false, description: 'Share of recent checks that passed.' },
  { name: 'quarantinedShare', subject: 'service', windowed: false, description: 'Share of targets quarantined.' },
  { name: 'apiErrorRatio', subject: 'service', windowed: true, description: 'Share of API requests answered 5xx.' },
  { name: 'up', subject: 'service', windowed: false, description: '1 when Prometheus can scrape Charter.' },
];

export const BUILTIN_FACT_NAMES: ReadonlySet<string> = new Set(BUILTIN_FACTS.map((f) => f.name));

/** The built-ins as metric facts without queries: the catalogue of a rule set that declares none. */
export const BUILTIN_CATALOG: readonly MetricFact[] = BUILTIN_FACTS.map((f) => ({
  name: f.name,
  description: f.description,
  subject: f.subject,
  ...(f.by !== undefined ? { by: f.by } : {}),
}));

/** The deriver's default rate window (CharterSource `rateWindowMs`); PromQL's built-ins use 1m. */
export const DEFAULT_DERIVER_WINDOW_MS = 60_000;

/**
 * Facts every incident has before analysis (rules read them with `fact:`); analysis rules
 * add derived facts. Validation rejects a fact that is neither observed nor derived.
 */
export const OBSERVED_FACTS: Readonly<Record<string, string>> = {
  subject: '{ kind, id } — what the incident is about.',
  alertnames: 'Names of the firing, unsilenced alerts in the incident (array).',
  alerts: 'The incident’s alerts: { name, severity, state, labels, annotations, startsAt, firingForSeconds, silenced, inhibited }[].',
  severity: 'Highest severity among the firing alerts: "critical", "warning", "info" or "none".',
  labels: 'Labels common to the incident’s alerts.',
  violations: '{ total, critical, high, medium, low, policies, targets, topPolicy, topTarget } over the snapshot’s recent violations about the subject.',
  metrics: 'Metric fact (built-in or declared under facts:) → number, or null when it is missing, for this subject.',
  global: '{ alertCount, incidentCount, firingAlertnames, sources: { prometheus, alertmanager, charter }, metrics } — the whole snapshot.',
  firingFor: 'Seconds since the oldest active alert of the incident started firing (for a rule with alerts:, the oldest of those), on the snapshot’s clock; null when none fires.',
  incidentAge: 'Seconds since the oldest alert of the incident (any state) started, on the snapshot’s clock.',
};

/** The metric facts of a rule set (the built-ins, without queries, when it lists none). */
export function factCatalog(rs: { readonly facts?: readonly MetricFact[] } | undefined): readonly MetricFact[] {
  return rs?.facts ?? BUILTIN_CATALOG;
}

/** Facts with no query in any loaded file: with Prometheus they are null (ship rules/facts.yaml). */
export function factsWithoutQuery(facts: readonly MetricFact[]): string[] {
  return facts.filter((f) => f.promql === undefined).map((f) => f.name);
}

/** Declared facts the in-process deriver cannot compute: without Prometheus they are null. */
export function factsNeedingPrometheus(facts: readonly MetricFact[]): string[] {
  return facts.filter((f) => !BUILTIN_FACT_NAMES.has(f.name)).map((f) => f.name);
}

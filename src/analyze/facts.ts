/**
 * The observed facts of an incident (OBSERVED_FACTS in src/types/facts.ts): what rules read
 * before any derivation. Pure functions of the snapshot.
 */
import type { Alert, Severity } from '../types/alert.js';
import type { Violation } from '../types/charter.js';
import { BUILTIN_CATALOG, type FactRange, type MetricFact } from '../types/facts.js';
import type { Incident, MetricSample, Snapshot } from '../types/snapshot.js';
import { isActive } from '../monitor/incidents.js';
import { reduceSeries } from './reduce.js';
import { firingFor, secondsSince } from './time.js';

export type Facts = Readonly<Record<string, unknown>>;

const SEVERITY_RANK: Readonly<Record<Severity | 'none', number>> = { none: 0, info: 1, warning: 2, critical: 3 };

/**
 * One number from a query's samples: the largest that is not NaN; NaN when every sample is
 * NaN; null when there is none (metric missing). Rules treat NaN like a missing value
 * (operators/missing.ts); the explanation shows which it was.
 */
export function metricValue(samples: readonly MetricSample[] | undefined): number | null {
  if (samples === undefined || samples.length === 0) return null;
  let best: number | null = null;
  for (const s of samples) {
    if (Number.isNaN(s.value)) continue;
    if (best === null || s.value > best) best = s.value;
  }
  return best ?? Number.NaN;
}

export interface GlobalFacts {
  readonly alertCount: number;
  readonly incidentCount: number;
  readonly firingAlertnames: readonly string[];
  readonly sources: { readonly prometheus: boolean; readonly alertmanager: boolean; readonly charter: boolean };
  readonly metrics: Readonly<Record<string, number | null>>;
}

const rangeIndex = new WeakMap<readonly MetricFact[], ReadonlyMap<string, FactRange>>();

/** Range fact name → its range, once per catalogue. */
function rangesOf(facts: readonly MetricFact[]): ReadonlyMap<string, FactRange> {
  let m = rangeIndex.get(facts);
  if (m === undefined) {
    m = new Map(facts.flatMap((f) => (f.range === undefined ? [] : [[f.name, f.range] as const])));
    rangeIndex.set(facts, m);
  }
  return m;
}

export function globalFacts(snapshot: Snapshot, incidents: readonly Incident[], facts: readonly MetricFact[] = BUILTIN_CATALOG): GlobalFacts {
  const active = snapshot.alerts.filter(isActive);
  const metrics: Record<string, number | null> = {};
  for (const f of facts) {
    if (f.subject !== 'service') continue;
    metrics[f.name] = f.range === undefined ? metricValue(snapshot.metrics[f.name]) : reduceSeries(f.range, snapshot.ranges?.[f.name]);
  }
  return {
    alertCount: active.length,
    incidentCount: incidents.filter((i) => i.alerts.some(isActive)).length,
    firingAlertnames: uniqueSorted(active.map((a) => a.name)),
    sources: {
      prometheus: snapshot.sources.prometheus?.ok === true,
      alertmanager: snapshot.sources.alertmanager?.ok === true,
      charter: snapshot.sources.charter?.ok === true,
    },
    metrics,
  };
}

/** Observed facts as analysis reads them: which names are observed (they shadow derived ones), and their values. */
export interface FactSource {
  has(name: string): boolean;
  get(name: string): unknown;
}

/** A plain record of observed facts (its own keys). */
export class RecordFacts implements FactSource {
  constructor(readonly record: Readonly<Record<string, unknown>>) {}
  has(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.record, name);
  }
  get(name: string): unknown {
    return this.record[name];
  }
}

/** The names observedFacts returns, in its order: what a rule reads before any derivation. */
export const OBSERVED_NAMES: ReadonlySet<string> = new Set(['subject', 'alertnames', 'alerts', 'firingFor', 'incidentAge', 'severity', 'labels', 'violations', 'metrics', 'global']);

/**
 * The observed facts of one incident, each made on first read: a rule set reads a few of them,
 * and building all (alert objects, label intersections, violation counts) per incident was
 * most of what analysis allocated. observedFacts reads them all; the values are the same.
 */
export class IncidentFacts implements FactSource {
  private activeAlerts: Alert[] | undefined;
  private names: readonly string[] | undefined;
  private alertFacts: Record<string, unknown>[] | undefined;
  private subject: unknown = UNSET;
  private firing: unknown = UNSET;
  private age: unknown = UNSET;
  private severity: unknown = UNSET;
  private labels: unknown = UNSET;
  private violations: unknown = UNSET;
  private metrics: unknown = UNSET;

  /** `nowMs`: the snapshot's time, for the time facts (null without it). */
  constructor(
    private readonly incident: Incident,
    private readonly global: GlobalFacts,
    private readonly facts: readonly MetricFact[] = BUILTIN_CATALOG,
    private readonly nowMs?: number,
  ) {}

  private active(): Alert[] {
    return (this.activeAlerts ??= this.incident.alerts.filter(isActive));
  }

  /** The firing alert names, sorted; `use` replaces them by an equal array (the planner interns them). */
  alertnames(use?: readonly string[]): readonly string[] {
    if (use !== undefined) this.names = use;
    return (this.names ??= uniqueSorted(this.active().map((a) => a.name)));
  }

  private alerts(): Record<string, unknown>[] {
    return (this.alertFacts ??= this.incident.alerts.map((a) => alertFact(a, this.nowMs)));
  }

  has(name: string): boolean {
    return OBSERVED_NAMES.has(name);
  }

  /** An observed fact (undefined for other names: see OBSERVED_NAMES). */
  get(name: string): unknown {
    const incident = this.incident;
    switch (name) {
      case 'subject':
        return this.subject !== UNSET ? this.subject : (this.subject = { kind: incident.subject.kind, id: incident.subject.id });
      case 'alertnames':
        return this.alertnames();
      case 'alerts':
        return this.alerts();
      case 'firingFor':
        return this.firing !== UNSET ? this.firing : (this.firing = firingFor(this.alerts()));
      case 'incidentAge':
        return this.age !== UNSET ? this.age : (this.age = oldestSeconds(incident.alerts, this.nowMs));
      case 'severity':
        return this.severity !== UNSET ? this.severity : (this.severity = highestSeverity(this.active()));
      case 'labels': {
        if (this.labels !== UNSET) return this.labels;
        const active = this.active();
        return (this.labels = commonLabels(active.length > 0 ? active : incident.alerts));
      }
      case 'violations':
        return this.violations !== UNSET ? this.violations : (this.violations = violationSummary(incident.violations));
      case 'metrics':
        return this.metrics !== UNSET ? this.metrics : (this.metrics = metricsOf(incident, this.facts));
      case 'global':
        return this.global;
      default:
        return undefined;
    }
  }
}

const UNSET: unique symbol = Symbol('unset');

function oldestSeconds(alerts: readonly Alert[], nowMs: number | undefined): number | null {
  let oldest: number | null = null;
  for (const a of alerts) {
    const s = secondsSince(a.startsAt, nowMs);
    if (s !== null && (oldest === null || s > oldest)) oldest = s;
  }
  return oldest;
}

function highestSeverity(active: readonly Alert[]): Severity | 'none' {
  let severity: Severity | 'none' = 'none';
  for (const a of active) if (SEVERITY_RANK[a.severity] > SEVERITY_RANK[severity]) severity = a.severity;
  return severity;
}

function metricsOf(incident: Incident, facts: readonly MetricFact[]): Record<string, number | null> {
  const metrics: Record<string, number | null> = {};
  // for…in over own keys, not Object.entries: this runs per incident, and the entries array was a tenth of a small cycle.
  const own = incident.metrics;
  for (const name in own) if (Object.prototype.hasOwnProperty.call(own, name)) metrics[name] = metricValue(own[name]);
  if (incident.ranges !== undefined) {
    const ranges = rangesOf(facts);
    // Reduced on first read: a cycle pays for the range facts its rules read, not for all of them.
    for (const [name, series] of Object.entries(incident.ranges)) {
      const range = ranges.get(name);
      let value: number | null | undefined;
      Object.defineProperty(metrics, name, {
        enumerable: true,
        get: () => (value === undefined ? (value = range === undefined ? null : reduceSeries(range, series)) : value),
      });
    }
  }
  return metrics;
}

/** `nowMs`: the snapshot's time, for the time facts (null without it). */
export function observedFacts(incident: Incident, global: GlobalFacts, facts: readonly MetricFact[] = BUILTIN_CATALOG, nowMs?: number): Record<string, unknown> {
  const f = new IncidentFacts(incident, global, facts, nowMs);
  const out: Record<string, unknown> = {};
  for (const name of OBSERVED_NAMES) out[name] = f.get(name);
  return out;
}

function alertFact(a: Alert, nowMs: number | undefined): Record<string, unknown> {
  return {
    name: a.name,
    severity: a.severity,
    state: a.state,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt,
    firingForSeconds: a.state === 'firing' ? secondsSince(a.startsAt, nowMs) : null,
    silenced: a.silenced,
    inhibited: a.inhibited,
  };
}

function uniqueSorted(xs: readonly string[]): string[] {
  if (xs.length < 2) return xs.slice();
  return [...new Set(xs)].sort();
}

export function commonLabels(alerts: readonly Alert[]): Record<string, string> {
  const [first, ...rest] = alerts;
  if (first === undefined) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first.labels)) {
    if (rest.every((a) => a.labels[k] === v)) out[k] = v;
  }
  return out;
}

export interface ViolationSummary {
  readonly total: number;
  readonly critical: number;
  readonly high: number;
  readonly medium: number;
  readonly low: number;
  /** Distinct policies and targets involved. */
  readonly policies: number;
  readonly targets: number;
  /** The policy / target with the most violations (ties: smallest id); null when none. */
  readonly topPolicy: string | null;
  readonly topTarget: string | null;
}

export function violationSummary(vs: readonly Violation[]): ViolationSummary {
  const only = vs.length === 1 ? vs[0] : undefined;
  if (only !== undefined) {
    // One violation (an incident's usual count): no maps.
    const one = (s: Violation['severity']): number => (only.severity === s ? 1 : 0);
    return { total: 1, critical: one('critical'), high: one('high'), medium: one('medium'), low: one('low'), policies: 1, targets: 1, topPolicy: only.policyId, topTarget: only.nodeOrService };
  }
  const sev = { critical: 0, high: 0, medium: 0, low: 0 };
  const policies = new Map<string, number>();
  const targets = new Map<string, number>();
  for (const v of vs) {
    sev[v.severity]++;
    policies.set(v.policyId, (policies.get(v.policyId) ?? 0) + 1);
    targets.set(v.nodeOrService, (targets.get(v.nodeOrService) ?? 0) + 1);
  }
  return { total: vs.length, ...sev, policies: policies.size, targets: targets.size, topPolicy: top(policies), topTarget: top(targets) };
}

function top(counts: Map<string, number>): string | null {
  let best: string | null = null;
  let bestN = 0;
  for (const [k, n] of counts) {
    if (n > bestN || (n === bestN && best !== null && k < best)) {
      best = k;
      bestN = n;
    }
  }
  return best;
}

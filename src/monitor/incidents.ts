/**
 * Group a snapshot into incidents, one per subject that has at least one alert.
 *
 * Subject of an alert: src/types/subject.ts (label `policy_id` → policy; else
 * `node_or_service` → target; else `committee_id` → committee; else the service). Resolved,
 * silenced and inhibited alerts stay in their incident (the explanation says why nothing was
 * done); only "active" alerts (firing, not silenced, not inhibited) count as firing for rules.
 *
 * Violations join the policy incident of their policyId and the target incident of their
 * nodeOrService; the service incident sees all of them. Metric samples and range series join
 * by the metric fact's `by` label; global (service) facts join the service incident. Order is deterministic:
 * by kind (policy, target, committee, service), then id.
 */
import type { Alert } from '../types/alert.js';
import type { Violation } from '../types/charter.js';
import { BUILTIN_CATALOG, type MetricFact } from '../types/facts.js';
import type { Incident, MetricSample, RangeSeries, Snapshot, Subject, SubjectKind } from '../types/snapshot.js';
import { SERVICE_ID, incidentId, isActive, subjectOf } from '../types/subject.js';

const KIND_ORDER: Readonly<Record<SubjectKind, number>> = { policy: 0, target: 1, committee: 2, service: 3 };

// The alert → subject mapping is shared with Execute (which must not import Monitor).
export { SERVICE_ID, incidentId, isActive, subjectOf };

export function compareSubjects(a: Subject, b: Subject): number {
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function compareAlerts(a: Alert, b: Alert): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0;
}

/** `facts`: the rule set's metric facts (their subject and `by` label say where samples go). */
export function groupIncidents(snapshot: Snapshot, facts: readonly MetricFact[] = BUILTIN_CATALOG): Incident[] {
  // By kind, then by the subject's id (a label value): no `kind:id` string made and hashed per alert.
  const groups: { id: string; subject: Subject; alerts: Alert[] }[] = [];
  const byKind = new Map<SubjectKind, Map<string, { id: string; subject: Subject; alerts: Alert[] }>>();
  for (const a of snapshot.alerts) {
    const subject = subjectOf(a);
    let ids = byKind.get(subject.kind);
    if (ids === undefined) byKind.set(subject.kind, (ids = new Map()));
    let g = ids.get(subject.id);
    if (g === undefined) {
      const id = incidentId(subject);
      ids.set(subject.id, (g = { id, subject, alerts: [] }));
      groups.push(g);
    }
    g.alerts.push(a);
  }
  const byPolicy = groupBy(snapshot.violations, (v) => v.policyId);
  const byTarget = groupBy(snapshot.violations, (v) => v.nodeOrService);
  const instant = facts.filter((f) => f.range === undefined);
  const ranged = facts.filter((f) => f.range !== undefined);
  // Each incident reads the facts of its subject kind: those lists once per snapshot.
  const ofKind = (list: readonly MetricFact[]): Record<SubjectKind, readonly MetricFact[]> => ({
    policy: list.filter((f) => f.subject === 'policy'),
    target: list.filter((f) => f.subject === 'target'),
    committee: list.filter((f) => f.subject === 'committee'),
    service: list.filter((f) => f.subject === 'service'),
  });
  const instantOf = ofKind(instant);
  const rangedOf = ofKind(ranged);
  const samples = indexBySubject(instant, snapshot.metrics);
  const series = ranged.length === 0 ? undefined : indexBySubject(ranged, snapshot.ranges ?? {});
  const incidents: Incident[] = [];
  for (const g of groups) {
    incidents.push({
      id: g.id,
      subject: g.subject,
      alerts: g.alerts.sort(compareAlerts),
      violations: violationsFor(g.subject, snapshot.violations, byPolicy, byTarget),
      metrics: forSubject(g.subject, instantOf[g.subject.kind], snapshot.metrics, samples),
      ...(series !== undefined ? { ranges: forSubject(g.subject, rangedOf[g.subject.kind], snapshot.ranges ?? {}, series) } : {}),
    });
  }
  return incidents.sort((a, b) => compareSubjects(a.subject, b.subject));
}

function groupBy(vs: readonly Violation[], key: (v: Violation) => string): Map<string, Violation[]> {
  const m = new Map<string, Violation[]>();
  for (const v of vs) {
    const k = key(v);
    const list = m.get(k);
    if (list === undefined) m.set(k, [v]);
    else list.push(v);
  }
  return m;
}

function violationsFor(
  s: Subject,
  all: readonly Violation[],
  byPolicy: Map<string, Violation[]>,
  byTarget: Map<string, Violation[]>,
): readonly Violation[] {
  switch (s.kind) {
    case 'policy':
      return byPolicy.get(s.id) ?? [];
    case 'target':
      return byTarget.get(s.id) ?? [];
    case 'committee':
      return [];
    case 'service':
      return all;
  }
}

/** Fact name → subject id → samples (or series), built once per snapshot (not per incident). */
function indexBySubject<T extends MetricSample | RangeSeries>(facts: readonly MetricFact[], data: Readonly<Record<string, readonly T[]>>): Map<string, Map<string, T[]>> {
  const out = new Map<string, Map<string, T[]>>();
  for (const f of facts) {
    const label = f.by;
    if (label === undefined || f.subject === 'service') continue;
    const bySubject = new Map<string, T[]>();
    for (const m of data[f.name] ?? []) {
      const id = m.labels[label];
      if (id === undefined) continue;
      const list = bySubject.get(id);
      if (list === undefined) bySubject.set(id, [m]);
      else list.push(m);
    }
    out.set(f.name, bySubject);
  }
  return out;
}

/** No samples: one frozen array for every incident and fact without any. */
const NONE: readonly never[] = Object.freeze([]);

function forSubject<T>(s: Subject, facts: readonly MetricFact[], data: Readonly<Record<string, readonly T[]>>, index: Map<string, Map<string, T[]>>): Record<string, readonly T[]> {
  const out: Record<string, readonly T[]> = {};
  for (const f of facts) {
    out[f.name] = f.subject === 'service' || f.by === undefined ? data[f.name] ?? NONE : index.get(f.name)?.get(s.id) ?? NONE;
  }
  return out;
}

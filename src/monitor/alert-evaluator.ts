import type { Alert, CharterAlertName, Severity } from '../types/alert.js';
import type { MetricSample } from '../types/snapshot.js';
import type { Derived } from './derive.js';
import { labelsFingerprint } from './fingerprint.js';

/**
 * The demo's stand-in for Prometheus' rule evaluation: Charter's eleven alert conditions
 * (deploy/prometheus/charter-alerts.yml) evaluated in-process on metrics derived from
 * Charter's own /metrics. Same names, labels, severities, thresholds and `for` durations
 * (scalable for the demo), so the rules cannot tell the difference. Not a PromQL engine.
 */
interface Spec {
  readonly severity: Severity;
  readonly team: 'policy' | 'security' | 'platform';
  readonly forMs: number;
}

export const ALERT_SPECS: Readonly<Record<CharterAlertName, Spec>> = {
  CriticalViolationDetected: { severity: 'critical', team: 'policy', forMs: 0 },
  PolicyLoadFailure: { severity: 'critical', team: 'policy', forMs: 0 },
  ValidationLatencySLA: { severity: 'warning', team: 'platform', forMs: 0 },
  CommitteeOverloaded: { severity: 'warning', team: 'platform', forMs: 0 },
  ViolationRateHigh: { severity: 'warning', team: 'policy', forMs: 0 },
  TargetViolatingManyPolicies: { severity: 'critical', team: 'security', forMs: 0 },
  EnforcementFailures: { severity: 'warning', team: 'platform', forMs: 0 },
  ComplianceRatioLow: { severity: 'warning', team: 'policy', forMs: 15_000 },
  QuarantineSaturation: { severity: 'warning', team: 'security', forMs: 15_000 },
  CharterAPIErrors: { severity: 'warning', team: 'platform', forMs: 15_000 },
  CharterDown: { severity: 'critical', team: 'platform', forMs: 10_000 },
};

interface Hit {
  readonly name: CharterAlertName;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const bySubject = (samples: readonly MetricSample[] | undefined, label: string, test: (v: number) => boolean): { id: string; value: number }[] =>
  (samples ?? []).filter((s) => s.labels[label] !== undefined && test(s.value)).map((s) => ({ id: s.labels[label] as string, value: s.value }));
const global = (samples: readonly MetricSample[] | undefined): number | undefined => samples?.[0]?.value;

/** Which conditions hold now (before `for`). `derived` undefined means Charter could not be scraped. */
export function evaluateConditions(derived: Derived | undefined): Hit[] {
  if (derived === undefined) return [{ name: 'CharterDown', labels: {}, value: 1 }];
  const m = derived.metrics;
  const hits: Hit[] = [];
  for (const [id, v] of Object.entries(derived.increases.criticalViolations)) if (v > 0) hits.push({ name: 'CriticalViolationDetected', labels: { policy_id: id }, value: v });
  const failed = new Set(bySubject(m['policyLoadFailed'], 'policy_id', (v) => v > 0).map((s) => s.id));
  for (const [id, v] of Object.entries(derived.increases.loadFailures)) if (v > 0) failed.add(id);
  for (const id of [...failed].sort()) hits.push({ name: 'PolicyLoadFailure', labels: { policy_id: id }, value: 1 });
  const p99 = global(m['validationLatencyP99']);
  if (p99 !== undefined && p99 > 1) hits.push({ name: 'ValidationLatencySLA', labels: {}, value: p99 });
  const capacity = new Map(bySubject(m['committeeCapacity'], 'committee_id', () => true).map((s) => [s.id, s.value]));
  for (const q of bySubject(m['committeeQueueDepth'], 'committee_id', () => true)) {
    const c = capacity.get(q.id);
    if (c !== undefined && q.value > c) hits.push({ name: 'CommitteeOverloaded', labels: { committee_id: q.id }, value: q.value });
  }
  for (const s of bySubject(m['violationRate'], 'policy_id', (v) => v > 2)) hits.push({ name: 'ViolationRateHigh', labels: { policy_id: s.id }, value: s.value });
  for (const s of bySubject(m['violatedPolicies'], 'node_or_service', (v) => v >= 4)) hits.push({ name: 'TargetViolatingManyPolicies', labels: { node_or_service: s.id }, value: s.value });
  for (const [id, v] of Object.entries(derived.increases.enforcementFailures)) if (v > 3) hits.push({ name: 'EnforcementFailures', labels: { node_or_service: id }, value: v });
  const compliance = global(m['complianceRatio']);
  if (compliance !== undefined && compliance < 0.9) hits.push({ name: 'ComplianceRatioLow', labels: {}, value: compliance });
  const quarantined = global(m['quarantinedShare']);
  if (quarantined !== undefined && quarantined > 0.25) hits.push({ name: 'QuarantineSaturation', labels: {}, value: quarantined });
  const apiErr = global(m['apiErrorRatio']);
  if (apiErr !== undefined && apiErr > 0.05 && derived.apiRequestRate > 0.1) hits.push({ name: 'CharterAPIErrors', labels: {}, value: apiErr });
  return hits;
}

/** Stateful across evaluations: tracks since when each condition holds, for `for` and startsAt. */
export class AlertEvaluator {
  private readonly since = new Map<string, number>();

  /** `forScale` multiplies every `for` (the demo uses a small one). */
  constructor(private readonly forScale = 1) {}

  evaluate(derived: Derived | undefined, now: Date): Alert[] {
    const nowMs = now.getTime();
    const alerts: Alert[] = [];
    const seen = new Set<string>();
    for (const hit of evaluateConditions(derived)) {
      const spec = ALERT_SPECS[hit.name];
      const labels = { alertname: hit.name, ...hit.labels, severity: spec.severity, team: spec.team };
      const fp = labelsFingerprint(labels);
      seen.add(fp);
      const since = this.since.get(fp) ?? nowMs;
      this.since.set(fp, since);
      if (nowMs - since < spec.forMs * this.forScale) continue;
      alerts.push({
        fingerprint: fp,
        name: hit.name,
        severity: spec.severity,
        state: 'firing',
        labels,
        annotations: { summary: `${hit.name} (value ${Number(hit.value.toFixed(3))})`, value: String(hit.value) },
        startsAt: new Date(since).toISOString(),
        silenced: false,
        inhibited: false,
        source: 'prometheus',
      });
    }
    for (const fp of [...this.since.keys()]) if (!seen.has(fp)) this.since.delete(fp);
    return alerts;
  }
}

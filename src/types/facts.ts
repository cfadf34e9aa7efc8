import type { SubjectKind } from './snapshot.js';

/**
 * Monitor's named metric queries. Each yields one number per subject (or a global one)
 * that rules read as `metrics.<name>`; a metric missing from Prometheus gives `null`.
 * The same names are used in fixtures, so a recorded fixture replays unchanged.
 */
export interface NamedQuery {
  readonly name: string;
  readonly promql: string;
  /** Label that names the subject; absent for global (service-level) queries. */
  readonly subjectLabel?: 'policy_id' | 'node_or_service' | 'committee_id';
  readonly subjectKind: SubjectKind;
  readonly description: string;
}

export const NAMED_QUERIES: readonly NamedQuery[] = [
  { name: 'criticalViolationRate', subjectKind: 'policy', subjectLabel: 'policy_id', promql: 'sum by (policy_id) (rate(westworld_charter_policy_violations_total{severity="critical"}[1m]))', description: 'Critical violations per second, per policy.' },
  { name: 'violationRate', subjectKind: 'policy', subjectLabel: 'policy_id', promql: 'sum by (policy_id) (rate(westworld_charter_policy_violations_total[1m]))', description: 'Violations per second, per policy.' },
  { name: 'policyVersion', subjectKind: 'policy', subjectLabel: 'policy_id', promql: 'max by (policy_id) (westworld_charter_policy_version)', description: 'Current version of the policy.' },
  { name: 'policyLoadFailed', subjectKind: 'policy', subjectLabel: 'policy_id', promql: 'max by (policy_id) (westworld_charter_policy_version{load_state="failed"} > bool 0)', description: '1 when the policy failed to load.' },
  { name: 'violatedPolicies', subjectKind: 'target', subjectLabel: 'node_or_service', promql: 'max by (node_or_service) (westworld_charter_target_violated_policies)', description: 'Distinct policies the target violated in 5 minutes.' },
  { name: 'enforcementFailureRate', subjectKind: 'target', subjectLabel: 'node_or_service', promql: 'sum by (node_or_service) (rate(westworld_charter_enforcement_failures_total[1m]))', description: 'Enforcement failures per second, per target.' },
  { name: 'committeeQueueDepth', subjectKind: 'committee', subjectLabel: 'committee_id', promql: 'max by (committee_id) (westworld_charter_committee_queue_depth)', description: 'Decisions waiting.' },
  { name: 'committeeCapacity', subjectKind: 'committee', subjectLabel: 'committee_id', promql: 'max by (committee_id) (westworld_charter_committee_capacity)', description: 'Committee capacity.' },
  { name: 'committeeP99', subjectKind: 'committee', subjectLabel: 'committee_id', promql: 'max by (committee_id) (westworld_charter_committee_decision_duration_seconds{quantile="0.99"})', description: 'p99 decision time, seconds.' },
  { name: 'validationLatencyP99', subjectKind: 'service', promql: 'max(westworld_charter_validation_latency_seconds{quantile="0.99"})', description: 'p99 validation latency, seconds.' },
  { name: 'validationErrorRatio', subjectKind: 'service', promql: 'sum(rate(westworld_charter_validation_requests_total{result="error"}[1m])) / clamp_min(sum(rate(westworld_charter_validation_requests_total[1m])), 1e-9)', description: 'Share of validation requests that failed.' },
  { name: 'complianceRatio', subjectKind: 'service', promql: 'min(westworld_charter_compliance_ratio)', description: 'Share of recent checks that passed.' },
  { name: 'quarantinedShare', subjectKind: 'service', promql: 'sum(westworld_charter_targets{state="quarantined"}) / clamp_min(sum(westworld_charter_targets), 1)', description: 'Share of targets quarantined.' },
  { name: 'apiErrorRatio', subjectKind: 'service', promql: 'sum(rate(westworld_charter_api_requests_total{code=~"5.."}[1m])) / clamp_min(sum(rate(westworld_charter_api_requests_total[1m])), 1e-9)', description: 'Share of API requests answered 5xx.' },
  { name: 'up', subjectKind: 'service', promql: 'max(up{job="charter"})', description: '1 when Prometheus can scrape Charter.' },
];

/**
 * Facts every incident has before analysis (rules read them with `fact:`); analysis rules
 * add derived facts. Validation rejects a fact that is neither observed nor derived.
 */
export const OBSERVED_FACTS: Readonly<Record<string, string>> = {
  subject: '{ kind, id } — what the incident is about.',
  alertnames: 'Names of the firing, unsilenced alerts in the incident (array).',
  alerts: 'The incident’s alerts: { name, severity, state, labels, annotations, startsAt, silenced }[].',
  severity: 'Highest severity among the firing alerts: "critical", "warning", "info" or "none".',
  labels: 'Labels common to the incident’s alerts.',
  violations: '{ total, critical, high, medium, low, policies, targets, topPolicy, topTarget } over the snapshot’s recent violations about the subject.',
  metrics: 'Named query → number (or null when the metric is missing), for this subject.',
  global: '{ alertCount, incidentCount, firingAlertnames, sources: { prometheus, alertmanager, charter }, metrics } — the whole snapshot.',
};

/**
 * Charter's fifteen metrics (docs/PROMETHEUS_METRICS.md). The reference Charter registers
 * exactly these; the built-in metric facts (rules/facts.yaml) and the alert rules read them.
 */
export interface CharterMetricSpec {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'summary';
  readonly labels: readonly string[];
  readonly help: string;
}

export const CHARTER_METRICS = {
  violations: { name: 'westworld_charter_policy_violations_total', type: 'counter', labels: ['severity', 'policy_id', 'policy_name'], help: 'Policy violations detected, by severity and policy.' },
  enforcementActions: { name: 'westworld_charter_enforcement_actions_total', type: 'counter', labels: ['action_type', 'node_or_service'], help: 'Enforcement actions taken, by action type and node or service.' },
  committeeDecision: { name: 'westworld_charter_committee_decision_duration_seconds', type: 'summary', labels: ['committee_id'], help: 'Committee decision duration (quantiles 0.5, 0.9, 0.99).' },
  validationLatency: { name: 'westworld_charter_validation_latency_seconds', type: 'summary', labels: ['validation_type'], help: 'Validation latency (quantiles 0.5, 0.9, 0.99).' },
  policyLoadFailures: { name: 'westworld_charter_policy_load_failures_total', type: 'counter', labels: ['policy_id'], help: 'Failed policy loads.' },
  policyVersion: { name: 'westworld_charter_policy_version', type: 'gauge', labels: ['policy_id', 'load_state'], help: 'Current version of each policy; load_state is "loaded" or "failed".' },
  committeeQueueDepth: { name: 'westworld_charter_committee_queue_depth', type: 'gauge', labels: ['committee_id'], help: 'Decisions waiting in each committee queue.' },
  committeeCapacity: { name: 'westworld_charter_committee_capacity', type: 'gauge', labels: ['committee_id'], help: 'Decisions each committee can work on at once.' },
  validationRequests: { name: 'westworld_charter_validation_requests_total', type: 'counter', labels: ['validation_type', 'result'], help: 'Validation requests; result is "ok" or "error".' },
  enforcementFailures: { name: 'westworld_charter_enforcement_failures_total', type: 'counter', labels: ['action_type', 'node_or_service'], help: 'Enforcement actions that failed.' },
  targets: { name: 'westworld_charter_targets', type: 'gauge', labels: ['state'], help: 'Nodes and services under enforcement; state is "active" or "quarantined".' },
  complianceRatio: { name: 'westworld_charter_compliance_ratio', type: 'gauge', labels: [], help: 'Share of recent policy checks that passed (0..1).' },
  apiRequests: { name: 'westworld_charter_api_requests_total', type: 'counter', labels: ['method', 'route', 'code'], help: 'Charter API requests by method, route and status code.' },
  buildInfo: { name: 'westworld_charter_build_info', type: 'gauge', labels: ['version'], help: 'Always 1; the version label names the build. With Prometheus `up`, the liveness signal.' },
  targetViolatedPolicies: { name: 'westworld_charter_target_violated_policies', type: 'gauge', labels: ['node_or_service'], help: 'Distinct policies each node or service violated in the last 5 minutes.' },
} as const satisfies Record<string, CharterMetricSpec>;

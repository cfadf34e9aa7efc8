/**
 * A snapshot for the SHIPPED rules: `alertCount` alerts spread round-robin over Charter's
 * alert names (CharterDown at most once, as the last alert), each on its own subject (policy, target, committee or the service,
 * by the alert's label), with metrics and violations in the ranges the fixtures use, so
 * that the analysis chains and the plan rules actually fire.
 */
import { CHARTER_ALERTS, type Alert, type Severity } from '../../src/types/alert.js';
import type { Violation } from '../../src/types/charter.js';
import type { MetricSample, Snapshot } from '../../src/types/snapshot.js';

const SUBJECT_LABEL: Readonly<Record<string, 'policy_id' | 'node_or_service' | 'committee_id' | undefined>> = {
  CriticalViolationDetected: 'policy_id',
  PolicyLoadFailure: 'policy_id',
  ViolationRateHigh: 'policy_id',
  TargetViolatingManyPolicies: 'node_or_service',
  EnforcementFailures: 'node_or_service',
  CommitteeOverloaded: 'committee_id',
};

const SEVERITY: Readonly<Record<string, Severity>> = {
  CriticalViolationDetected: 'critical',
  PolicyLoadFailure: 'critical',
  CharterDown: 'critical',
  TargetViolatingManyPolicies: 'critical',
};

export function shippedSnapshot(alertCount: number, opts: { charterDown?: boolean; at?: string } = {}): Snapshot {
  const at = opts.at ?? '2026-11-26T12:00:00.000Z';
  // CharterDown holds every remediation back (rules/common.yaml charterReachable): once, or never.
  const names = CHARTER_ALERTS.filter((n) => n !== 'CharterDown');
  const alerts: Alert[] = [];
  const metrics: Record<string, MetricSample[]> = {};
  const add = (name: string, labels: Record<string, string>, value: number): void => {
    (metrics[name] ??= []).push({ labels, value });
  };
  const violations: Violation[] = [];
  for (let i = 0; i < alertCount; i++) {
    const name = opts.charterDown !== false && i === alertCount - 1 ? 'CharterDown' : names[i % names.length] ?? 'CriticalViolationDetected';
    const label = SUBJECT_LABEL[name];
    const id = label === 'policy_id' ? `p-${i}` : label === 'node_or_service' ? `node-${i}` : label === 'committee_id' ? `committee-${i}` : undefined;
    const labels: Record<string, string> = { alertname: name, severity: SEVERITY[name] ?? 'warning', team: 'policy' };
    if (label !== undefined && id !== undefined) labels[label] = id;
    alerts.push({
      fingerprint: `fp${i.toString(16).padStart(12, '0')}`,
      name,
      severity: SEVERITY[name] ?? 'warning',
      state: 'firing',
      labels,
      annotations: {},
      startsAt: at,
      silenced: false,
      inhibited: false,
      source: 'alertmanager',
    });
    if (label === 'policy_id' && id !== undefined) {
      add('violationRate', { policy_id: id }, 6.5);
      add('criticalViolationRate', { policy_id: id }, 3.1);
      add('policyVersion', { policy_id: id }, 4);
      add('policyLoadFailed', { policy_id: id }, name === 'PolicyLoadFailure' ? 1 : 0);
      for (let n = 0; n < 3; n++) {
        violations.push({ id: `v${i}-${n}`, policyId: id, policyName: id, severity: 'critical', nodeOrService: `node-x${n}`, message: 'bench', timestamp: at });
      }
    } else if (label === 'node_or_service' && id !== undefined) {
      add('violatedPolicies', { node_or_service: id }, 6);
      add('enforcementFailureRate', { node_or_service: id }, 0.4);
      for (let n = 0; n < 6; n++) {
        violations.push({ id: `t${i}-${n}`, policyId: `pol-${n}`, policyName: `pol-${n}`, severity: 'high', nodeOrService: id, message: 'bench', timestamp: at });
      }
    } else if (label === 'committee_id' && id !== undefined) {
      add('committeeQueueDepth', { committee_id: id }, 12);
      add('committeeCapacity', { committee_id: id }, 4);
      add('committeeP99', { committee_id: id }, 6.2);
    }
  }
  for (const [name, value] of Object.entries({ validationLatencyP99: 1.8, validationErrorRatio: 0.02, complianceRatio: 0.7, quarantinedShare: 0.3, apiErrorRatio: 0.08, up: 1 })) {
    add(name, {}, value);
  }
  return { at, alerts, metrics, violations, sources: { prometheus: { ok: true }, alertmanager: { ok: true }, charter: { ok: true } } };
}

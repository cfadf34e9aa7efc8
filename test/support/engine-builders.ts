/** Builders for rule sets, alerts and snapshots in analyze/simulate tests. */
import type { Alert, Severity } from '../../src/types/alert.js';
import type { Violation } from '../../src/types/charter.js';
import type { AnalyzeRule, Condition, PlanRule, Rule, RuleSet } from '../../src/types/rules.js';
import type { MetricSample, Snapshot } from '../../src/types/snapshot.js';

const loc = { file: 'test.yaml', line: 1, column: 1 };

export function analyzeRule(id: string, conditions: Condition, derive: Record<string, unknown>, more: Partial<AnalyzeRule> = {}): AnalyzeRule {
  return { id, version: 1, description: id, stage: 'analyze', priority: 50, alerts: [], subjects: [], conditions, derive, location: loc, ruleSet: 'test@1', ...more };
}

export function planRule(id: string, conditions: Condition, action: Partial<PlanRule['action']> & Pick<PlanRule['action'], 'type' | 'target'>, more: Partial<PlanRule> = {}): PlanRule {
  return {
    id, version: 1, description: id, stage: 'plan', priority: 50, alerts: [], subjects: [], conditions, location: loc, ruleSet: 'test@1',
    action: { params: {}, cost: 1, benefit: 5, risk: 'medium', successProbability: 0.5, verify: { afterMs: 1000, conditions: { all: [] } }, cooldownMs: 60_000, ...action },
    ...more,
  };
}

export function ruleSet(rules: Rule[], namedConditions: Record<string, Condition> = {}, hash = 'h-test'): RuleSet {
  return { hash, files: ['test.yaml'], rules, namedConditions };
}

export function alert(name: string, labels: Record<string, string> = {}, more: Partial<Alert> = {}): Alert {
  const severity: Severity = more.severity ?? 'critical';
  return {
    fingerprint: `fp-${name}-${Object.values(labels).join('-')}`,
    name, severity, state: 'firing', labels: { alertname: name, severity, ...labels }, annotations: {},
    startsAt: '2026-11-26T12:00:00.000Z', silenced: false, inhibited: false, source: 'fixture', ...more,
  };
}

export function violation(id: string, policyId: string, nodeOrService: string, severity: Violation['severity'] = 'critical'): Violation {
  return { id, policyId, policyName: policyId, severity, nodeOrService, message: 'm', timestamp: '2026-11-26T12:00:00.000Z' };
}

export function snapshot(alerts: Alert[], metrics: Record<string, MetricSample[]> = {}, violations: Violation[] = []): Snapshot {
  return {
    at: '2026-11-26T12:00:00.000Z', alerts, metrics, violations,
    sources: { prometheus: { ok: true }, alertmanager: { ok: true }, charter: { ok: true } },
  };
}

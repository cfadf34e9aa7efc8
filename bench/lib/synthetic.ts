/**
 * Synthetic rule sets and snapshots for the analyze + plan benchmark, shaped like the
 * shipped rules: per alert kind, an analysis rule that derives a root cause from the alert
 * and a metric, a second that derives risk from the root cause, and planning rules that
 * propose actions from the derived facts.
 *
 * Distribution (stated in docs/PERFORMANCE.md): alert kinds = max(11, rules / 10), so a
 * large rule set covers more alert kinds, as an organisation's grows; each kind has the same
 * number of rules. Alerts are spread evenly over kinds, one policy each; the policies' metric
 * values differ (each incident reads its own numbers) but every one leads to the same plan.
 */
import type { Alert, Condition, Rule, RuleSet, Snapshot } from '../../src/types/index.js';

export function alertKinds(rules: number): number {
  return Math.max(11, Math.floor(rules / 10));
}

export function kindName(k: number): string {
  return `SyntheticAlert${k}`;
}

/** What the plan rules' actions share, and what the nth rule of a kind (≥ 2) varies. */
export const SYNTHETIC_ACTION = { benefit: 8, successProbability: 0.8 } as const;
export function planShape(nth: number): { priority: number; cost: number } {
  return { priority: 10 + (nth % 50), cost: 1 + (nth % 3) };
}

const loc = { file: 'bench/synthetic.yaml', line: 1, column: 1 };

export function syntheticRuleSet(ruleCount: number): RuleSet {
  const kinds = alertKinds(ruleCount);
  const rules: Rule[] = [];
  for (let i = 0; i < ruleCount; i++) {
    const k = i % kinds;
    const nth = Math.floor(i / kinds); // 0: root cause, 1: risk, ≥2: plans
    const name = kindName(k);
    const base = {
      id: `r${i}`,
      version: 1,
      description: `synthetic rule ${i}`,
      alerts: [name],
      subjects: ['policy'],
      location: loc,
      ruleSet: 'synthetic@1',
    };
    if (nth === 0) {
      const conditions: Condition = {
        all: [
          { fact: 'alertnames', operator: 'contains', value: name },
          { fact: 'metrics', path: '$.criticalViolationRate', operator: 'greaterThan', value: 0.1 },
          { fact: 'severity', operator: 'equal', value: 'critical' },
        ],
      };
      rules.push({ ...base, stage: 'analyze', priority: 90, conditions, derive: { [`cause${k}`]: 'bad_rollout' } });
    } else if (nth === 1) {
      const conditions: Condition = {
        all: [
          { fact: `cause${k}`, operator: 'equal', value: 'bad_rollout' },
          { fact: 'violations', path: '$.critical', operator: 'greaterThanInclusive', value: 1 },
        ],
      };
      rules.push({ ...base, stage: 'analyze', priority: 80, conditions, derive: { [`risk${k}`]: 'high' } });
    } else {
      const conditions: Condition = {
        all: [
          { fact: 'alertnames', operator: 'contains', value: name },
          { fact: `cause${k}`, operator: 'equal', value: 'bad_rollout' },
          { any: [{ fact: `risk${k}`, operator: 'equal', value: 'high' }, { fact: 'metrics', path: '$.violationRate', operator: 'greaterThan', value: 5 }] },
        ],
      };
      rules.push({
        ...base,
        stage: 'plan',
        priority: planShape(nth).priority,
        conditions,
        action: {
          type: 'rollback_policy',
          target: '{{subject.id}}',
          params: {},
          cost: planShape(nth).cost,
          benefit: SYNTHETIC_ACTION.benefit,
          risk: 'medium',
          successProbability: SYNTHETIC_ACTION.successProbability,
          verify: { afterMs: 1000, conditions: { all: [{ fact: 'alertnames', operator: 'doesNotContain', value: name }] } },
          cooldownMs: 60_000,
        },
      });
    }
  }
  return { hash: `synthetic-${ruleCount}`, files: ['bench/synthetic.yaml'], rules, namedConditions: {} };
}

/** A number in [0, 1) from (i, variant, salt): a mixing hash, so values do not repeat in practice. */
function unit(i: number, variant: number, salt: number): number {
  let h = Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(variant + 1, 0x85ebca77) ^ salt;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}

/**
 * `variant` changes every metric value (a later scrape of the same incidents): the bench plans
 * a new variant each run, so that a planner cannot reuse work across runs on equal numbers.
 */
export function syntheticSnapshot(ruleCount: number, alertCount: number, at = '2026-11-26T12:00:00.000Z', variant = 0): Snapshot {
  const kinds = alertKinds(ruleCount);
  const alerts: Alert[] = [];
  const crit: { labels: Record<string, string>; value: number }[] = [];
  const rate: { labels: Record<string, string>; value: number }[] = [];
  for (let i = 0; i < alertCount; i++) {
    const policy = `pol-${i}`;
    alerts.push({
      fingerprint: `fp${i.toString(16).padStart(12, '0')}`,
      name: kindName(i % kinds),
      severity: 'critical',
      state: 'firing',
      labels: { alertname: kindName(i % kinds), severity: 'critical', policy_id: policy, team: 'policy' },
      annotations: {},
      startsAt: at,
      silenced: false,
      inhibited: false,
      source: 'alertmanager',
    });
    // Values differ per policy and per variant, as real series do (a planner must not gain from
    // incidents or runs that read the same numbers): every rate is above the root-cause rule's
    // 0.1, and the violation rates fall on both sides of the plan rules' 5.
    crit.push({ labels: { policy_id: policy }, value: 0.11 + 0.88 * unit(i, variant, 1) });
    rate.push({ labels: { policy_id: policy }, value: 1 + 9.6 * unit(i, variant, 2) });
  }
  return {
    at,
    alerts,
    metrics: { criticalViolationRate: crit, violationRate: rate },
    violations: alerts.map((a, i) => ({
      id: `v${i}`,
      policyId: a.labels['policy_id'] ?? '',
      policyName: a.labels['policy_id'] ?? '',
      severity: 'critical',
      nodeOrService: `node-${i % 7}`,
      message: 'synthetic',
      timestamp: at,
    })),
    sources: { prometheus: { ok: true }, alertmanager: { ok: true }, charter: { ok: true } },
  };
}

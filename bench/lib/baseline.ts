/**
 * The json-rules-engine anchors of the analyze + plan benchmark. The product never does this
 * (only src/analyze/ touches json-rules-engine); this file exists to measure against.
 * - "one engine": the way its README suggests — one Engine holding every rule, one run per
 *   firing alert, chaining through priorities and runtime facts added by event handlers;
 * - "one engine per alert name": what a careful user would write — one Engine per alert
 *   name holding the rules that name it (plus the rules that name none), picked per alert
 *   by a Map lookup, so an alert evaluates only the rules that can match it.
 */
import { Engine, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import type { Rule, RuleSet, Snapshot } from '../../src/types/index.js';

export interface Baseline {
  /** Planned actions, as `policy|ruleId` (one per plan event), in order. */
  run(snapshot: Snapshot): Promise<string[]>;
}

export type BaselineShape = 'one engine' | 'one engine per alert name';

function toEngineRule(r: Rule): RuleProperties {
  return {
    name: r.id,
    priority: r.priority,
    conditions: r.conditions as unknown as TopLevelCondition,
    event: r.stage === 'analyze' ? { type: 'derive', params: { derive: r.derive } } : r.stage === 'plan' ? { type: 'plan', params: { rule: r.id, action: r.action } } : { type: 'veto', params: { rule: r.id, blocks: r.blocks } },
  };
}

function engineOf(rules: readonly Rule[]): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const r of rules) engine.addRule(toEngineRule(r));
  engine.on('success', (event, almanac) => {
    const derive = event.params?.['derive'] as Record<string, unknown> | undefined;
    if (derive) for (const [k, v] of Object.entries(derive)) almanac.addRuntimeFact(k, v);
  });
  return engine;
}

/** Alert name → its engine; names no rule mentions share the engine of the rules that name none. */
function enginesByAlertName(ruleSet: RuleSet): (name: string) => Engine {
  const everywhere = ruleSet.rules.filter((r) => r.alerts.length === 0);
  const names = new Set(ruleSet.rules.flatMap((r) => r.alerts));
  const engines = new Map<string, Engine>();
  for (const n of names) engines.set(n, engineOf(ruleSet.rules.filter((r) => r.alerts.length === 0 || r.alerts.includes(n))));
  const rest = engineOf(everywhere);
  return (name) => engines.get(name) ?? rest;
}

/** Policy id → the first sample's value of metric `name`. */
export function byPolicy(snapshot: Snapshot, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of snapshot.metrics[name] ?? []) {
    const p = m.labels['policy_id'];
    if (p !== undefined && !out.has(p)) out.set(p, m.value);
  }
  return out;
}

/** Policy id → how many violations, and how many critical. */
export function violationsByPolicy(snapshot: Snapshot): Map<string, { total: number; critical: number }> {
  const out = new Map<string, { total: number; critical: number }>();
  for (const v of snapshot.violations) {
    let c = out.get(v.policyId);
    if (c === undefined) out.set(v.policyId, (c = { total: 0, critical: 0 }));
    c.total++;
    if (v.severity === 'critical') c.critical++;
  }
  return out;
}

export function createBaseline(ruleSet: RuleSet, shape: BaselineShape = 'one engine'): Baseline {
  const single = shape === 'one engine' ? engineOf(ruleSet.rules) : undefined;
  const pick = single === undefined ? enginesByAlertName(ruleSet) : () => single;
  return {
    async run(snapshot: Snapshot): Promise<string[]> {
      const planned: string[] = [];
      // Samples and violations by policy once per snapshot, as the planner groups them.
      const crit = byPolicy(snapshot, 'criticalViolationRate');
      const rate = byPolicy(snapshot, 'violationRate');
      const violations = violationsByPolicy(snapshot);
      for (const alert of snapshot.alerts) {
        const policy = alert.labels['policy_id'] ?? '';
        const vs = violations.get(policy) ?? { total: 0, critical: 0 };
        const facts = {
          subject: { kind: 'policy', id: policy },
          alertnames: [alert.name],
          severity: alert.severity,
          labels: alert.labels,
          metrics: { criticalViolationRate: crit.get(policy) ?? null, violationRate: rate.get(policy) ?? null },
          violations: { total: vs.total, critical: vs.critical },
        };
        const result = await pick(alert.name).run(facts);
        for (const e of result.events) if (e.type === 'plan') planned.push(`${policy}|${String(e.params?.['rule'])}`);
      }
      return planned;
    },
  };
}

/**
 * The baseline of the analyze + plan benchmark: plain json-rules-engine, the way its README
 * suggests — one Engine holding every rule, one run per firing alert, chaining through
 * priorities and runtime facts added by event handlers. The product never does this (only
 * src/analyze/ touches json-rules-engine); this file exists to measure against.
 */
import { Engine, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import type { Rule, RuleSet, Snapshot } from '../../src/types/index.js';

export interface Baseline {
  /** Planned actions, as `policy|ruleId` (one per plan event), in order. */
  run(snapshot: Snapshot): Promise<string[]>;
}

function toEngineRule(r: Rule): RuleProperties {
  return {
    name: r.id,
    priority: r.priority,
    conditions: r.conditions as unknown as TopLevelCondition,
    event: r.stage === 'analyze' ? { type: 'derive', params: { derive: r.derive } } : r.stage === 'plan' ? { type: 'plan', params: { rule: r.id, action: r.action } } : { type: 'veto', params: { rule: r.id, blocks: r.blocks } },
  };
}

export function createBaseline(ruleSet: RuleSet): Baseline {
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const r of ruleSet.rules) engine.addRule(toEngineRule(r));
  engine.on('success', (event, almanac) => {
    const derive = event.params?.['derive'] as Record<string, unknown> | undefined;
    if (derive) for (const [k, v] of Object.entries(derive)) almanac.addRuntimeFact(k, v);
  });
  return {
    async run(snapshot: Snapshot): Promise<string[]> {
      const planned: string[] = [];
      const byPolicy = (name: string, policy: string) =>
        snapshot.metrics[name]?.find((s) => s.labels['policy_id'] === policy)?.value ?? null;
      for (const alert of snapshot.alerts) {
        const policy = alert.labels['policy_id'] ?? '';
        const violations = snapshot.violations.filter((v) => v.policyId === policy);
        const facts = {
          subject: { kind: 'policy', id: policy },
          alertnames: [alert.name],
          severity: alert.severity,
          labels: alert.labels,
          metrics: { criticalViolationRate: byPolicy('criticalViolationRate', policy), violationRate: byPolicy('violationRate', policy) },
          violations: { total: violations.length, critical: violations.filter((v) => v.severity === 'critical').length },
        };
        const result = await engine.run(facts);
        for (const e of result.events) if (e.type === 'plan') planned.push(`${policy}|${String(e.params?.['rule'])}`);
      }
      return planned;
    },
  };
}

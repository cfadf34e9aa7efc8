/**
 * The floor of the analyze + plan benchmark: the plan of bench/lib/synthetic.ts's rules
 * computed by hand-written code — one plain function per rule, picked per alert by a Map
 * lookup, derived facts as local fields, the winner by the planner's competition order
 * (priority × weight 1, then utility, then rule id). No explanation, no generality: what
 * the synthetic plan costs at the least. The bench checks it plans what the planner plans.
 * Assumes the synthetic snapshot's shape: one alert per policy, so one incident per alert.
 */
import type { Snapshot } from '../../src/types/index.js';
import { byPolicy, violationsByPolicy } from './baseline.js';
import { alertKinds, kindName, planShape, SYNTHETIC_ACTION } from './synthetic.js';

export interface FloorFacts {
  readonly alertname: string;
  readonly severity: string;
  readonly criticalViolationRate: number | undefined;
  readonly violationRate: number | undefined;
  readonly criticalViolations: number;
}

interface Derived {
  cause: string | undefined;
  risk: string | undefined;
}

interface PlanFn {
  readonly id: string;
  readonly priority: number;
  readonly utility: number;
  readonly fires: (f: FloorFacts, d: Derived) => boolean;
}

interface Kind {
  readonly name: string;
  readonly cause: ((f: FloorFacts) => boolean) | undefined;
  readonly risk: ((f: FloorFacts, d: Derived) => boolean) | undefined;
  /** In competition order: the first that fires wins. */
  readonly plans: readonly PlanFn[];
}

/** Policy id → the chosen `ruleId type target`, or '' when nothing is chosen. */
export type FloorPlan = Map<string, string>;

export interface Floor {
  plan(snapshot: Snapshot): FloorPlan;
}

export function createFloor(ruleCount: number): Floor {
  const kinds = alertKinds(ruleCount);
  const byName = new Map<string, Kind>();
  const parts: { cause?: Kind['cause']; risk?: Kind['risk']; plans: PlanFn[] }[] = Array.from({ length: kinds }, () => ({ plans: [] }));
  for (let i = 0; i < ruleCount; i++) {
    const k = i % kinds;
    const nth = Math.floor(i / kinds);
    const name = kindName(k);
    const p = parts[k]!;
    if (nth === 0) p.cause = (f) => f.alertname === name && f.criticalViolationRate !== undefined && f.criticalViolationRate > 0.1 && f.severity === 'critical';
    else if (nth === 1) p.risk = (f, d) => d.cause === 'bad_rollout' && f.criticalViolations >= 1;
    else {
      const { priority, cost } = planShape(nth);
      p.plans.push({
        id: `r${i}`,
        priority,
        utility: (SYNTHETIC_ACTION.benefit - cost) * SYNTHETIC_ACTION.successProbability,
        fires: (f, d) => f.alertname === name && d.cause === 'bad_rollout' && (d.risk === 'high' || (f.violationRate !== undefined && f.violationRate > 5)),
      });
    }
  }
  for (let k = 0; k < kinds; k++) {
    const p = parts[k]!;
    const plans = p.plans.sort((a, b) => b.priority - a.priority || b.utility - a.utility || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    byName.set(kindName(k), { name: kindName(k), cause: p.cause, risk: p.risk, plans });
  }
  const d: Derived = { cause: undefined, risk: undefined };
  return {
    plan(snapshot) {
      const crit = byPolicy(snapshot, 'criticalViolationRate');
      const rate = byPolicy(snapshot, 'violationRate');
      const violations = violationsByPolicy(snapshot);
      const out: FloorPlan = new Map();
      for (const a of snapshot.alerts) {
        const policy = a.labels['policy_id'] ?? '';
        const kind = byName.get(a.name);
        let chosen = '';
        if (kind !== undefined && a.state === 'firing' && !a.silenced && !a.inhibited) {
          const f: FloorFacts = { alertname: a.name, severity: a.severity, criticalViolationRate: crit.get(policy), violationRate: rate.get(policy), criticalViolations: violations.get(policy)?.critical ?? 0 };
          d.cause = kind.cause?.(f) === true ? 'bad_rollout' : undefined;
          d.risk = kind.risk?.(f, d) === true ? 'high' : undefined;
          for (const p of kind.plans) {
            if (p.fires(f, d)) {
              chosen = `${p.id} rollback_policy ${policy}`;
              break;
            }
          }
        }
        out.set(policy, chosen);
      }
      return out;
    },
  };
}

/**
 * The worlds of the real-service learning bench (issue #12): the reference Charter's fault
 * kinds, the plan rules written for each world (real actions against real Charter writes) and
 * the world's true success probabilities, set on the Charter (`startCharter({remediation})`,
 * `world.faults.setProbabilities`, docs/FAULT_MODEL.md "Other worlds").
 *
 * The alternatives of a kind act on the same thing, so that the planner picks one of them
 * (src/analyze/compete.ts: proposals compete per target): `validation_slowdown` (alert
 * ValidationLatencySLA; enable_validation_cache or reload_policies, both on "charter"),
 * `bad_rollout` and `policy_load_failure` on pol-network (alerts CriticalViolationDetected,
 * PolicyLoadFailure; rollback_policy or set_enforcement_mode audit, both on the policy).
 */
import type { RemediationOverrides } from '../../src/charter/index.js';
import { REMEDIATION_TABLE, type RemediationAction } from '../../src/charter/index.js';

export type BenchFault = 'validation_slowdown' | 'bad_rollout' | 'policy_load_failure';
export type BenchAction = Extract<RemediationAction, 'enable_validation_cache' | 'reload_policies' | 'rollback_policy' | 'set_enforcement_mode_audit'> | 'notify';

export interface ServiceRule {
  readonly id: string;
  readonly priority: number;
  /** The rule's declared successProbability (the learner's prior). */
  readonly declared: number;
  readonly benefit: number;
  readonly cost: number;
  readonly action: BenchAction;
  readonly kinds: readonly BenchFault[];
}

export const isNotify = (r: ServiceRule): boolean => r.action === 'notify';

export interface ServiceWorld {
  readonly name: string;
  /** Incident n (1-based) is of kind kinds[(n − 1) mod length]. */
  readonly kinds: readonly BenchFault[];
  readonly rules: readonly ServiceRule[];
  /** The Charter's probabilities at incident n (pairs not given: the shipped table). */
  readonly truth: (n: number) => RemediationOverrides;
  /** Weights the store starts from (learner on and off; the oracle's rules are the truth). */
  readonly initialWeights: Readonly<Record<string, number>>;
  /** First incident after the world changed, if it does. */
  readonly changeAt?: number;
}

export const POLICY = 'pol-network';
export const ALERT: Readonly<Record<BenchFault, string>> = { validation_slowdown: 'ValidationLatencySLA', bad_rollout: 'CriticalViolationDetected', policy_load_failure: 'PolicyLoadFailure' };

/** True probability of `rule`'s action against `kind` at incident n. */
export function trueP(w: ServiceWorld, rule: ServiceRule, kind: BenchFault, n: number): number {
  if (rule.action === 'notify') return 0;
  return w.truth(n)[kind]?.[rule.action] ?? REMEDIATION_TABLE[kind][rule.action] ?? 0;
}

/** The change rules serving `kind`, best true probability first (ties: id). */
export function bestFirst(w: ServiceWorld, kind: BenchFault, n: number): ServiceRule[] {
  return w.rules.filter((r) => r.kinds.includes(kind) && !isNotify(r)).sort((a, b) => trueP(w, b, kind, n) - trueP(w, a, kind, n) || (a.id < b.id ? -1 : 1));
}

const SLOW: BenchFault = 'validation_slowdown';
const LOAD: BenchFault = 'policy_load_failure';
const ROLLOUT: BenchFault = 'bad_rollout';
const slow = (cache: number, reload: number): RemediationOverrides => ({ validation_slowdown: { enable_validation_cache: cache, reload_policies: reload } });

export const SERVICE_WORLDS: readonly ServiceWorld[] = [
  {
    name: 'shipped table, wrong initial weights',
    kinds: [SLOW, ROLLOUT],
    rules: [
      { id: 'enable-cache', priority: 80, declared: 0.85, benefit: 7, cost: 1, action: 'enable_validation_cache', kinds: [SLOW] },
      { id: 'reload-for-slow', priority: 40, declared: 0.2, benefit: 4, cost: 2, action: 'reload_policies', kinds: [SLOW] },
      { id: 'rollback-bad-rollout', priority: 80, declared: 0.95, benefit: 8, cost: 2, action: 'rollback_policy', kinds: [ROLLOUT] },
      { id: 'audit-mode-bad-rollout', priority: 60, declared: 0.5, benefit: 5, cost: 1, action: 'set_enforcement_mode_audit', kinds: [ROLLOUT] },
      // the bystander of issue #12: runs beside the fix, its verification "succeeds" when the alert goes
      { id: 'notify-bad-rollout', priority: 50, declared: 0.5, benefit: 1, cost: 0, action: 'notify', kinds: [ROLLOUT] },
    ],
    truth: () => ({}),
    // the old bench's wrong preference: the worse action of each kind wins at first
    initialWeights: { 'reload-for-slow': 2.5, 'audit-mode-bad-rollout': 1.5 },
  },
  {
    name: "reversed (the rules' default is the worse action), neutral weights",
    kinds: [SLOW],
    rules: [
      { id: 'default-cache', priority: 80, declared: 0.85, benefit: 6, cost: 1, action: 'enable_validation_cache', kinds: [SLOW] },
      { id: 'other-reload', priority: 50, declared: 0.2, benefit: 6, cost: 1, action: 'reload_policies', kinds: [SLOW] },
    ],
    truth: () => slow(0.2, 0.85),
    initialWeights: {},
  },
  {
    name: 'close call 0.7 / 0.6, the worse at double priority',
    kinds: [SLOW],
    rules: [
      { id: 'worse-at-100', priority: 100, declared: 0.5, benefit: 6, cost: 1, action: 'enable_validation_cache', kinds: [SLOW] },
      { id: 'better-at-50', priority: 50, declared: 0.5, benefit: 6, cost: 1, action: 'reload_policies', kinds: [SLOW] },
    ],
    truth: () => slow(0.6, 0.7),
    initialWeights: {},
  },
  {
    name: 'mid-run swap (0.85 / 0.2 swapped after a third of the run)',
    kinds: [SLOW],
    rules: [
      { id: 'first-good', priority: 80, declared: 0.5, benefit: 6, cost: 1, action: 'enable_validation_cache', kinds: [SLOW] },
      { id: 'later-good', priority: 50, declared: 0.5, benefit: 6, cost: 1, action: 'reload_policies', kinds: [SLOW] },
    ],
    // changeAt is set per run (a third of the incidents); truth reads it through swapAt
    truth: () => ({}),
    initialWeights: {},
    changeAt: 0,
  },
  {
    name: 'every action at 0.1',
    kinds: [SLOW],
    rules: [
      { id: 'poor-cache', priority: 80, declared: 0.5, benefit: 6, cost: 1, action: 'enable_validation_cache', kinds: [SLOW] },
      { id: 'poor-reload', priority: 60, declared: 0.5, benefit: 6, cost: 1, action: 'reload_policies', kinds: [SLOW] },
    ],
    truth: () => slow(0.1, 0.1),
    initialWeights: {},
  },
  {
    name: 'one rule serving two kinds (good for one, bad for the other)',
    kinds: [ROLLOUT, LOAD],
    rules: [
      { id: 'shared-rollback', priority: 80, declared: 0.5, benefit: 6, cost: 1, action: 'rollback_policy', kinds: [ROLLOUT, LOAD] },
      { id: 'rollout-only-audit', priority: 50, declared: 0.5, benefit: 6, cost: 1, action: 'set_enforcement_mode_audit', kinds: [ROLLOUT] },
      { id: 'load-only-audit', priority: 50, declared: 0.5, benefit: 6, cost: 1, action: 'set_enforcement_mode_audit', kinds: [LOAD] },
    ],
    // audit mode against a load failure draws at 0 in the shipped table; this world makes it the better action
    truth: () => ({ bad_rollout: { rollback_policy: 0.9, set_enforcement_mode_audit: 0.3 }, policy_load_failure: { rollback_policy: 0.2, set_enforcement_mode_audit: 0.85 } }),
    initialWeights: {},
  },
];

/** The world as run for `incidents` incidents: the swap world swaps after a third of them (at 51 of 150, as in the model's 50 of 150 after the first 50). */
export function forRun(w: ServiceWorld, incidents: number): ServiceWorld {
  if (w.changeAt === undefined) return w;
  const at = Math.max(2, Math.floor(incidents / 3) + 1);
  return { ...w, changeAt: at, name: w.name, truth: (n) => (n < at ? slow(0.85, 0.2) : slow(0.2, 0.85)) };
}

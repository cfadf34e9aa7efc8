/**
 * The worlds the learning bench runs (issue #12): each is a set of incident kinds, the plan
 * rules that serve each kind (priority, declared successProbability, benefit, cost, verify
 * delay) and each rule's true success probability in each kind — which may change mid-run.
 * The shipped table's numbers are the reference Charter's (src/charter/remediation-table.ts)
 * and the shipped rules' (rules/policy.yaml, rules/service.yaml).
 */
export interface WorldRule {
  readonly id: string;
  readonly priority: number;
  readonly declared: number;
  readonly benefit: number;
  readonly cost: number;
  readonly verifyMs: number;
  /** True success probability per kind, at incident n (1-based, counted over all kinds). */
  readonly p: (kind: string, n: number) => number;
  readonly kinds: readonly string[];
  /** A notify rule: it runs beside the remediation and its verification "succeeds" whenever the alert went away (the bystander of issue #12). */
  readonly notify?: boolean;
}

export interface World {
  readonly name: string;
  readonly kinds: readonly string[];
  readonly rules: readonly WorldRule[];
  /** Weights the run starts from (the store is seeded with them as unsituated weights). */
  readonly initialWeights: Readonly<Record<string, number>>;
  /** Incident at which the world changes (for "adapted within N incidents"), if it does. */
  readonly changeAt?: number;
}

const fixed = (table: Readonly<Record<string, number>>) => (kind: string): number => table[kind] ?? 0;
const ROLLOUT = 'CriticalViolationDetected';
const SLOW = 'ValidationLatencySLA';
const V = 45_000;

export const WORLDS: readonly World[] = [
  {
    name: 'shipped table, wrong initial weights',
    kinds: [ROLLOUT, SLOW],
    rules: [
      { id: 'rollback-bad-rollout', priority: 80, declared: 0.95, benefit: 8, cost: 2, verifyMs: V, kinds: [ROLLOUT], p: fixed({ [ROLLOUT]: 0.95 }) },
      { id: 'audit-mode-bad-rollout', priority: 60, declared: 0.5, benefit: 5, cost: 1, verifyMs: V, kinds: [ROLLOUT], p: fixed({ [ROLLOUT]: 0.5 }) },
      { id: 'enable-cache-for-slow-validation', priority: 80, declared: 0.85, benefit: 7, cost: 1, verifyMs: 30_000, kinds: [SLOW], p: fixed({ [SLOW]: 0.85 }) },
      { id: 'notify-policy-high-risk', priority: 50, declared: 0.5, benefit: 1, cost: 0, verifyMs: 0, kinds: [ROLLOUT], p: fixed({}), notify: true },
      { id: 'reload-policies-for-slow-validation', priority: 40, declared: 0.2, benefit: 4, cost: 2, verifyMs: 30_000, kinds: [SLOW], p: fixed({ [SLOW]: 0.2 }) },
    ],
    // the old bench's wrong preference: the worse action of each kind wins at first
    initialWeights: { 'audit-mode-bad-rollout': 1.5, 'reload-policies-for-slow-validation': 2.5 },
  },
  {
    name: 'reversed (the rules\' default is the worse action), neutral weights',
    kinds: [SLOW],
    rules: [
      { id: 'default-action', priority: 80, declared: 0.85, benefit: 6, cost: 1, verifyMs: 30_000, kinds: [SLOW], p: fixed({ [SLOW]: 0.2 }) },
      { id: 'other-action', priority: 50, declared: 0.2, benefit: 6, cost: 1, verifyMs: 30_000, kinds: [SLOW], p: fixed({ [SLOW]: 0.85 }) },
    ],
    initialWeights: {},
  },
  {
    name: 'close call 0.7 / 0.6, the worse at double priority',
    kinds: [SLOW],
    rules: [
      { id: 'worse-at-100', priority: 100, declared: 0.5, benefit: 6, cost: 1, verifyMs: 30_000, kinds: [SLOW], p: fixed({ [SLOW]: 0.6 }) },
      { id: 'better-at-50', priority: 50, declared: 0.5, benefit: 6, cost: 1, verifyMs: 30_000, kinds: [SLOW], p: fixed({ [SLOW]: 0.7 }) },
    ],
    initialWeights: {},
  },
  {
    name: 'mid-run swap (0.85 / 0.2 swapped after incident 50)',
    kinds: [SLOW],
    rules: [
      { id: 'first-good', priority: 80, declared: 0.5, benefit: 6, cost: 1, verifyMs: 30_000, kinds: [SLOW], p: (_k, n) => (n <= 50 ? 0.85 : 0.2) },
      { id: 'later-good', priority: 50, declared: 0.5, benefit: 6, cost: 1, verifyMs: 30_000, kinds: [SLOW], p: (_k, n) => (n <= 50 ? 0.2 : 0.85) },
    ],
    initialWeights: {},
    changeAt: 51,
  },
  {
    name: 'every action at 0.1',
    kinds: [SLOW],
    rules: [
      { id: 'poor-a', priority: 80, declared: 0.5, benefit: 6, cost: 1, verifyMs: 30_000, kinds: [SLOW], p: fixed({ [SLOW]: 0.1 }) },
      { id: 'poor-b', priority: 60, declared: 0.5, benefit: 6, cost: 1, verifyMs: 30_000, kinds: [SLOW], p: fixed({ [SLOW]: 0.1 }) },
      { id: 'poor-c', priority: 40, declared: 0.5, benefit: 6, cost: 1, verifyMs: 30_000, kinds: [SLOW], p: fixed({ [SLOW]: 0.1 }) },
    ],
    initialWeights: {},
  },
  {
    name: 'one rule serving two kinds (good for one, bad for the other)',
    kinds: [ROLLOUT, SLOW],
    rules: [
      { id: 'shared-rule', priority: 80, declared: 0.5, benefit: 6, cost: 1, verifyMs: 30_000, kinds: [ROLLOUT, SLOW], p: fixed({ [ROLLOUT]: 0.9, [SLOW]: 0.2 }) },
      { id: 'slow-only', priority: 50, declared: 0.5, benefit: 6, cost: 1, verifyMs: 30_000, kinds: [SLOW], p: fixed({ [SLOW]: 0.85 }) },
      { id: 'rollout-only', priority: 50, declared: 0.5, benefit: 6, cost: 1, verifyMs: 30_000, kinds: [ROLLOUT], p: fixed({ [ROLLOUT]: 0.3 }) },
    ],
    initialWeights: {},
  },
];

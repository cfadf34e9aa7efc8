/**
 * The learner (pure): re-weights plan-rule priorities from recorded outcomes.
 *
 * Per plan rule: a Beta prior updated with recency-weighted outcomes (weight halves every
 * `halfLife` outcomes), blended with a SimpleLinearRegression trend over the last
 * `trendWindow` outcomes (is the rule getting better or worse?), plus a UCB-style optimism
 * bonus that shrinks with the rule's sample size, so a rule with few outcomes is not
 * starved after an early bad streak. The target weight is that score over the baseline
 * success rate, clamped to [minWeight, maxWeight]; each update moves a weight by at most
 * `maxStep`. Analysis rules are never touched; every change carries its reason.
 *
 * A weight moves only when its rule has outcomes the weight does not reflect yet (newer
 * than the `upTo` mark of the rule's last change): learning is idempotent, so calling it
 * again without a new outcome changes nothing, however often the service calls it.
 */
import { SimpleLinearRegression } from 'ml-regression';
import type { OutcomeMark, WeightChange } from '../types/execution.js';
import type { Outcome } from '../types/knowledge.js';
import type { Weights } from '../types/rules.js';

export interface LearnerOptions {
  /** Outcomes after which an outcome counts half. Default 10. */
  readonly halfLife: number;
  /** Prior success rate of a rule without outcomes. Default 0.5. */
  readonly priorSuccess: number;
  /** Pseudo-outcomes the prior is worth. Default 2. */
  readonly priorStrength: number;
  /** Outcomes the trend regression looks at (needs ≥ 4). Default 20. */
  readonly trendWindow: number;
  /** Share of the trend in the score (0..1). Default 0.3. */
  readonly trendShare: number;
  /** Optimism bonus scale (UCB). Default 0.2. */
  readonly exploration: number;
  /** Success rate that maps to weight 1. Default 0.5. */
  readonly baseline: number;
  /** Largest change of one weight per update. Default 0.25. */
  readonly maxStep: number;
  /** Exponent on score/baseline: above 1 separates good from bad rules faster. Default 1.5. */
  readonly sharpness: number;
  readonly minWeight: number; // default 0.2
  readonly maxWeight: number; // default 3
}

export const DEFAULT_LEARNER_OPTIONS: LearnerOptions = Object.freeze({
  halfLife: 10,
  priorSuccess: 0.5,
  priorStrength: 2,
  trendWindow: 20,
  trendShare: 0.3,
  exploration: 0.2,
  baseline: 0.5,
  maxStep: 0.25,
  sharpness: 1.5,
  minWeight: 0.2,
  maxWeight: 3,
});

export interface RuleStats {
  readonly ruleId: string;
  readonly samples: number;
  readonly successes: number;
  readonly successRate: number;
  /** Recency-weighted Beta posterior mean. */
  readonly decayedRate: number;
  /** Predicted next success probability from the trend regression, when it had enough points. */
  readonly trend?: number;
  readonly bonus: number;
  readonly score: number;
  readonly target: number;
  /** Outcomes per incident kind (explanation only). */
  readonly kinds: Readonly<Record<string, { samples: number; successes: number }>>;
}

export interface LearnInput {
  readonly outcomes: readonly Outcome[];
  readonly current: Weights;
  /** Ids of the plan rules in the current rule set: only these are re-weighted. */
  readonly planRules: readonly string[];
  /** ISO-8601 time stamped on the changes. */
  readonly at: string;
  /** Per rule, the newest outcome its weight already reflects (the last change's `upTo`). */
  readonly learned?: Readonly<Record<string, OutcomeMark>>;
  readonly options?: Partial<LearnerOptions>;
}

export interface LearnResult {
  readonly weights: Readonly<Record<string, number>>;
  readonly changes: readonly WeightChange[];
  readonly stats: readonly RuleStats[];
  /** `learned` after this step: moved rules carry their new mark. */
  readonly learned: Readonly<Record<string, OutcomeMark>>;
}

/** The newest of `outcomes` (all at the newest time). */
export function markOf(outcomes: readonly Outcome[]): OutcomeMark | undefined {
  let at: string | undefined;
  for (const o of outcomes) if (at === undefined || o.at > at) at = o.at;
  return at === undefined ? undefined : { at, keys: outcomes.filter((o) => o.at === at).map((o) => o.key).sort() };
}

/** True when `o` is newer than what `mark` reflects. */
export function isNewOutcome(o: Outcome, mark: OutcomeMark | undefined): boolean {
  return mark === undefined || o.at > mark.at || (o.at === mark.at && !mark.keys.includes(o.key));
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
const round = (x: number): number => Math.round(x * 1000) / 1000;
const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** Trend: least squares of success (0/1) over position; the prediction for the next outcome. */
export function trendOf(successes: readonly number[], window: number): number | undefined {
  const ys = successes.slice(-window);
  if (ys.length < 4) return undefined;
  const xs = ys.map((_, i) => i);
  const p = new SimpleLinearRegression(xs, [...ys]).predict(ys.length);
  return Number.isFinite(p) ? clamp(p, 0, 1) : undefined; // degenerate input gives NaN
}

export function ruleStats(ruleId: string, outcomes: readonly Outcome[], total: number, o: LearnerOptions): RuleStats {
  const decisive = outcomes.filter((x) => x.result !== 'inconclusive');
  const ys: number[] = decisive.map((x) => (x.result === 'succeeded' ? 1 : 0));
  const n = ys.length;
  let a = o.priorSuccess * o.priorStrength;
  let b = (1 - o.priorSuccess) * o.priorStrength;
  ys.forEach((y, i) => {
    const w = 0.5 ** ((n - 1 - i) / o.halfLife);
    a += w * y;
    b += w * (1 - y);
  });
  const decayedRate = a / (a + b);
  const trend = trendOf(ys, o.trendWindow);
  const p = trend === undefined ? decayedRate : (1 - o.trendShare) * decayedRate + o.trendShare * trend;
  const bonus = o.exploration * Math.sqrt(Math.log(total + 1) / (n + 1));
  const score = p + bonus;
  const kinds: Record<string, { samples: number; successes: number }> = {};
  for (const x of decisive) {
    const k = (kinds[x.incidentKind] ??= { samples: 0, successes: 0 });
    k.samples += 1;
    if (x.result === 'succeeded') k.successes += 1;
  }
  const successes = ys.reduce<number>((s, y) => s + y, 0);
  return {
    ruleId,
    samples: n,
    successes,
    successRate: n ? successes / n : 0,
    decayedRate,
    ...(trend !== undefined ? { trend } : {}),
    bonus,
    score,
    target: clamp((score / o.baseline) ** o.sharpness, o.minWeight, o.maxWeight),
    kinds,
  };
}

function reasonOf(s: RuleStats, from: number, to: number, capped: boolean): string {
  const parts = [
    `${s.successes}/${s.samples} succeeded (${pct(s.successRate)}), recency-weighted ${pct(s.decayedRate)}`,
    ...(s.trend !== undefined ? [`trend predicts ${pct(s.trend)}`] : []),
    `exploration +${s.bonus.toFixed(2)}`,
    `target weight ${s.target.toFixed(2)}`,
  ];
  const dir = to > from ? 'raised' : 'lowered';
  return `${parts.join('; ')}: ${dir} ${from.toFixed(2)} → ${to.toFixed(2)}${capped ? ` (step capped at ${(Math.abs(to - from)).toFixed(2)})` : ''}`;
}

export function learn(input: LearnInput): LearnResult {
  const o: LearnerOptions = { ...DEFAULT_LEARNER_OPTIONS, ...input.options };
  const plan = new Set(input.planRules);
  const relevant = input.outcomes.filter((x) => plan.has(x.ruleId) && x.result !== 'inconclusive');
  const byRule = new Map<string, Outcome[]>();
  for (const x of relevant) {
    const list = byRule.get(x.ruleId);
    if (list) list.push(x);
    else byRule.set(x.ruleId, [x]);
  }
  const weights: Record<string, number> = {};
  for (const [k, v] of Object.entries(input.current)) if (plan.has(k)) weights[k] = v;
  const changes: WeightChange[] = [];
  const stats: RuleStats[] = [];
  const learned: Record<string, OutcomeMark> = { ...input.learned };
  for (const ruleId of [...byRule.keys()].sort()) {
    const mine = byRule.get(ruleId) ?? [];
    const s = ruleStats(ruleId, mine, relevant.length, o);
    stats.push(s);
    const mark = input.learned?.[ruleId];
    if (!mine.some((x) => isNewOutcome(x, mark))) continue; // nothing new to learn from
    const upTo = markOf(mine);
    const from = input.current[ruleId] ?? 1;
    const delta = s.target - from;
    const to = round(from + clamp(delta, -o.maxStep, o.maxStep));
    if (Math.abs(to - from) < 0.001) continue;
    weights[ruleId] = to;
    if (upTo) learned[ruleId] = upTo;
    changes.push({ ruleId, from, to, samples: s.samples, successRate: s.successRate, reason: reasonOf(s, from, to, Math.abs(delta) > o.maxStep), at: input.at, ...(upTo ? { upTo } : {}) });
  }
  return { weights, changes, stats, learned };
}

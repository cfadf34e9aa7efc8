/**
 * The learner (pure): per (plan rule, situation), how likely the rule's action clears the
 * incident, and the weight that makes the planner act on it.
 *
 * - **Situation** = the incident kind (sorted firing alert names): one rule serving two kinds
 *   of fault is learned separately for each.
 * - **Estimate**: a Beta posterior whose prior is the rule's declared `successProbability`
 *   worth `priorStrength` outcomes, plus the credited outcomes (src/knowledge/credit.ts: no
 *   notify, shared successes) discounted by `forgetting` per newer outcome *of the same
 *   situation*, so a rule not chosen any more drifts back to its prior (and is tried again)
 *   instead of freezing, and a changed world is noticed within a few incidents.
 * - **Choice**: Thompson sampling. Each step draws θ from every posterior of the situation
 *   (seeded: `seed`, situation and its newest outcome), and the weight is
 *   `(EU(θ) / EU(prior))^κ` with `EU(p) = p·benefit − cost` and `κ = evidence / evidenceScale`
 *   (capped): with no evidence the weight is 1 and the rule's priority decides; as evidence
 *   grows the expected-utility ratio dominates, so a priority is a prior the evidence can
 *   cross, and the draws keep exploring at a rate that falls as the posteriors narrow.
 * - **Time**: an attempt's seconds from write to verification (attempt-time.ts), estimated and
 *   recorded; with `timeWeight` > 0 (off by default) the weight is divided by the rule's attempt
 *   time over its situation's, so the choice is by expected utility per second an attempt takes.
 * - **Change detection**: a run of `changeWindow` equal outcomes that the rule's record made
 *   unlikely (< `changeAlpha`) drops the record before it (changeSince), so a world that
 *   turns is followed within a few incidents, not after forgetting outweighs a long record.
 * - **Only on new evidence**: a situated weight moves only when its situation has outcomes
 *   newer than its last change's `upTo` mark; calling again without one changes nothing.
 */
import { SimpleLinearRegression } from 'ml-regression';
import type { Estimate, OutcomeMark, WeightChange } from '../types/execution.js';
import type { Outcome } from '../types/knowledge.js';
import { situatedKey, type Weights } from '../types/rules.js';
import { betaMean, betaSd, sampleBeta, seededStream, type Random } from './beta.js';
import { attemptTime, timeFactor, type AttemptTime } from './attempt-time.js';
import { credit, type Credit } from './credit.js';

/** What the learner needs of a plan rule. A bare id stands for a neutral rule (p 0.5, benefit 1, cost 0). */
export interface PlanRuleInfo {
  readonly id: string;
  readonly successProbability: number;
  readonly benefit: number;
  readonly cost: number;
  /** The rule's declared priority (default 1): the prior whose say fades with evidence. */
  readonly priority?: number;
  /** Notify rules are never learned (never credited with a fix). */
  readonly notify?: boolean;
}

export interface LearnerOptions {
  /** Each newer outcome of the same situation multiplies older evidence by this (0..1]. Default 0.99. */
  readonly forgetting: number;
  /** Pseudo-outcomes the declared prior is worth. Default 2. */
  readonly priorStrength: number;
  /** Situation evidence per unit of κ (the priority counts ^1/(1+κ)). Default 1. */
  readonly evidenceScale: number;
  /** Cap on κ. Default 8. */
  readonly maxExponent: number;
  readonly minWeight: number; // default 0.001
  readonly maxWeight: number; // default 1000
  /** Seed of the Thompson draws. Default 1. */
  readonly seed: number;
  /** Outcomes the trend regression looks at (explanation only; needs ≥ 4). Default 20. */
  readonly trendWindow: number;
  /** Change detection: a run of this many equal outcomes of one rule (situation)… Default 3. */
  readonly changeWindow: number;
  /** …that its evidence before the run made less likely than this drops that older evidence (0 = off). Default 0.02. */
  readonly changeAlpha: number;
  /**
   * How much attempt time counts: the weight is multiplied by (situation's time ÷ the rule's)^timeWeight.
   * Default 0 (estimated, recorded and explained, not ranked by): side by side on the learning
   * bench, 1 cost time in the close-call world (docs/LEARNING.md, "Time").
   */
  readonly timeWeight: number;
}

export const DEFAULT_LEARNER_OPTIONS: LearnerOptions = Object.freeze({
  forgetting: 0.99,
  priorStrength: 2,
  evidenceScale: 1,
  maxExponent: 8,
  minWeight: 0.001,
  maxWeight: 1000,
  seed: 1,
  trendWindow: 20,
  changeWindow: 3,
  changeAlpha: 0.02,
  timeWeight: 0,
});

/** One (rule, situation)'s evidence and posterior. */
export interface SituationStats {
  readonly ruleId: string;
  readonly situation: string;
  readonly estimate: Omit<Estimate, 'draw'>;
  readonly successes: number;
  readonly failures: number;
  /** Successes shared with an overlapping action (counted 1/k each). */
  readonly shared: number;
  /** Predicted next success from the trend of the last outcomes (ml-regression), when it had ≥ 4. */
  readonly trend?: number;
  /** Outcomes of the rule before the newest detected change, which no longer count (changeSince). */
  readonly forgotten?: number;
  /** How long its attempts take, when the situation's outcomes record it (attempt-time.ts). */
  readonly time?: AttemptTime;
}

export interface LearnInput {
  readonly outcomes: readonly Outcome[];
  readonly current: Weights;
  /** The plan rules of the current rule set: only these are learned. */
  readonly planRules: readonly (string | PlanRuleInfo)[];
  /** ISO-8601 time stamped on the changes. */
  readonly at: string;
  /** Per situated key, the newest outcome its weight already reflects (the last change's `upTo`). */
  readonly learned?: Readonly<Record<string, OutcomeMark>>;
  readonly options?: Partial<LearnerOptions>;
  /** The generator for one named stream (default: seeded by `options.seed`). */
  readonly random?: (stream: string) => Random;
}

export interface LearnResult {
  readonly weights: Readonly<Record<string, number>>;
  readonly changes: readonly WeightChange[];
  readonly stats: readonly SituationStats[];
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
const pct = (x: number): string => `${Math.round(x * 100)}%`;
const sig = (x: number): number => Number(x.toPrecision(4));

/** Trend: least squares of success (0/1) over position; the prediction for the next outcome. */
export function trendOf(successes: readonly number[], window: number): number | undefined {
  const ys = successes.slice(-window);
  if (ys.length < 4) return undefined;
  const xs = ys.map((_, i) => i);
  const p = new SimpleLinearRegression(xs, [...ys]).predict(ys.length);
  return Number.isFinite(p) ? clamp(p, 0, 1) : undefined; // degenerate input gives NaN
}

export function ruleInfo(r: string | PlanRuleInfo): PlanRuleInfo {
  return typeof r === 'string' ? { id: r, successProbability: 0.5, benefit: 1, cost: 0 } : r;
}

const byTime = (a: Credit, b: Credit): number => (a.outcome.at < b.outcome.at ? -1 : a.outcome.at > b.outcome.at ? 1 : a.outcome.key < b.outcome.key ? -1 : a.outcome.key > b.outcome.key ? 1 : 0);

/**
 * Change detection on one rule's outcomes (1 success, 0 failure; oldest first): the index
 * from which its evidence counts. Scanning forward, a run of `changeWindow` equal outcomes
 * whose probability under the posterior of the evidence counted so far (prior + outcomes
 * since the last change, undiscounted) is below `changeAlpha` marks a change: the evidence
 * before the run is dropped. Forgetting alone needs many outcomes to outweigh a long good
 * record when the world turns (issue #12: 7–9 incidents after a swap); a surprising run is
 * the signal that the record is stale. Sticky: a later outcome does not bring old evidence back.
 */
export function changeSince(ys: readonly number[], prior: number, o: Pick<LearnerOptions, 'changeWindow' | 'changeAlpha' | 'priorStrength'>): number {
  const w = o.changeWindow;
  if (!(o.changeAlpha > 0) || w < 1) return 0;
  let start = 0;
  for (let end = w; end <= ys.length; end++) {
    const runStart = end - w;
    if (runStart <= start) continue; // nothing older than the run to judge it against
    const run = ys.slice(runStart, end);
    if (!run.every((y) => y === run[0])) continue;
    let s = 0;
    for (let i = start; i < runStart; i++) s += ys[i]!;
    const m = (prior * o.priorStrength + s) / (o.priorStrength + runStart - start);
    const p = run[0] === 1 ? m ** w : (1 - m) ** w;
    if (p < o.changeAlpha) start = runStart;
  }
  return start;
}

/**
 * The posterior of `rule` in a situation whose credited outcomes (all rules) are `inKind`,
 * oldest first: each outcome's weight is forgetting^(newer outcomes of the situation); the
 * rule's outcomes before its newest detected change (changeSince) do not count.
 */
export function situationStats(rule: PlanRuleInfo, situation: string, inKind: readonly Credit[], o: LearnerOptions): SituationStats {
  const n = inKind.length;
  const prior = clamp(rule.successProbability, 0.001, 0.999);
  let a = prior * o.priorStrength;
  let b = (1 - prior) * o.priorStrength;
  let evidence = 0;
  let successes = 0;
  let failures = 0;
  let shared = 0;
  let outcomes = 0;
  const own = inKind.flatMap((c, i) => (c.outcome.ruleId === rule.id ? [i] : []));
  const from = changeSince(own.map((i) => (inKind[i]!.failure > 0 ? 0 : 1)), prior, o);
  const counted = new Set(own.slice(from));
  const ys: number[] = [];
  inKind.forEach((c, i) => {
    if (!counted.has(i)) return;
    const w = o.forgetting ** (n - 1 - i);
    a += w * c.success;
    b += w * c.failure;
    evidence += w * (c.success + c.failure);
    outcomes += 1;
    if (c.failure > 0) failures += 1;
    else successes += 1;
    if (c.sharedWith.length > 0) shared += 1;
    ys.push(c.failure > 0 ? 0 : 1);
  });
  const trend = trendOf(ys, o.trendWindow);
  const time = attemptTime(inKind, (i) => counted.has(i), o.forgetting, o.priorStrength);
  return {
    ruleId: rule.id,
    situation,
    estimate: { mean: betaMean({ a, b }), sd: betaSd({ a, b }), evidence, outcomes, prior },
    successes,
    failures,
    shared,
    ...(trend !== undefined ? { trend } : {}),
    ...(from > 0 ? { forgotten: from } : {}),
    ...(time !== undefined ? { time } : {}),
  };
}

/** Expected utility of acting at success probability p: p·benefit − cost, floored at a small positive value. */
export function utility(rule: PlanRuleInfo, p: number): number {
  return Math.max(p * rule.benefit - rule.cost, 0.05 * Math.max(rule.benefit, 1));
}

/** κ: the situation's discounted evidence (all its rules) over `evidenceScale`, capped. */
export function exponentOf(evidence: number, o: LearnerOptions): number {
  return Math.min(evidence / o.evidenceScale, o.maxExponent);
}

/**
 * The weight for a draw θ in a situation with evidence κ: the planner's effective priority
 * `priority × weight` becomes `priority^(1/(1+κ)) × EU(θ) × (situation's attempt time ÷ the
 * rule's)^timeWeight` — the priority's say fades as the situation gathers evidence, and the
 * expected utility of the draw (per unit of time an attempt takes, with timeWeight 1) decides.
 */
export function weightFor(rule: PlanRuleInfo, draw: number, kappa: number, o: LearnerOptions, time?: AttemptTime): number {
  const prio = Math.max(rule.priority ?? 1, 1e-9);
  return sig(clamp(utility(rule, draw) * timeFactor(time, o.timeWeight) * prio ** (1 / (1 + kappa) - 1), o.minWeight, o.maxWeight));
}

const secs = (x: number): string => `${x.toPrecision(2)}s`;

/** What a change's estimate records of attempt time: the times when known, the factor when it counted. */
function timeOfEstimate(t: AttemptTime | undefined, o: LearnerOptions): Pick<Estimate, 'seconds' | 'situationSeconds' | 'timeFactor'> {
  if (t === undefined) return {};
  return { seconds: t.seconds, situationSeconds: t.situationSeconds, ...(o.timeWeight > 0 ? { timeFactor: timeFactor(t, o.timeWeight) } : {}) };
}

/** The reason's words on attempt time, when it is known. */
function timeWords(t: AttemptTime | undefined, o: LearnerOptions): string[] {
  if (t === undefined || !(o.timeWeight > 0)) return [];
  const f = timeFactor(t, o.timeWeight);
  return [`an attempt takes ${secs(t.seconds)} (${t.attempts} timed; ${secs(t.situationSeconds)} in the situation), time counts ×${f.toFixed(2)}`];
}

function reasonOf(rule: PlanRuleInfo, s: SituationStats, draw: number, k: number, from: number, to: number, o: LearnerOptions): string {
  const e = s.estimate;
  const parts = [
    `${s.successes}/${s.successes + s.failures} succeeded in ${s.situation}${s.shared ? ` (${s.shared} shared with an overlapping action, 1/k each)` : ''}`,
    ...(s.forgotten ? [`the world changed: ${s.forgotten} older outcome${s.forgotten === 1 ? '' : 's'} dropped after a surprising run of ${o.changeWindow}`] : []),
    `prior ${pct(e.prior)}, posterior ${pct(e.mean)} ± ${pct(e.sd)} on evidence ${e.evidence.toFixed(1)}`,
    ...(s.trend !== undefined ? [`trend predicts ${pct(s.trend)}`] : []),
    `thompson draw ${pct(draw)}, expected utility ${utility(rule, draw).toFixed(2)}, priority counts ^${(1 / (1 + k)).toFixed(2)} on situation evidence ${(k * o.evidenceScale).toFixed(1)}`,
    ...timeWords(s.time, o),
  ];
  return `${parts.join('; ')}: weight ${from.toPrecision(3)} → ${to.toPrecision(3)}`;
}

export function learn(input: LearnInput): LearnResult {
  const o: LearnerOptions = { ...DEFAULT_LEARNER_OPTIONS, ...input.options };
  const random = input.random ?? ((name: string) => seededStream(o.seed, name));
  const rules = new Map(input.planRules.map(ruleInfo).filter((r) => r.notify !== true).map((r) => [r.id, r]));
  const credited = credit(input.outcomes.filter((x) => rules.has(x.ruleId))).sort(byTime);
  const byKind = new Map<string, Credit[]>();
  for (const c of credited) {
    const list = byKind.get(c.outcome.incidentKind);
    if (list) list.push(c);
    else byKind.set(c.outcome.incidentKind, [c]);
  }
  const weights: Record<string, number> = { ...input.current };
  const changes: WeightChange[] = [];
  const stats: SituationStats[] = [];
  const learned: Record<string, OutcomeMark> = { ...input.learned };
  for (const kind of [...byKind.keys()].sort()) {
    const inKind = byKind.get(kind) ?? [];
    const mark = markOf(inKind.map((c) => c.outcome));
    const ids = [...new Set(inKind.map((c) => c.outcome.ruleId))].sort();
    const situationEvidence = inKind.reduce((sum, c, i) => sum + o.forgetting ** (inKind.length - 1 - i) * (c.success + c.failure), 0);
    for (const id of ids) {
      const rule = rules.get(id);
      if (rule === undefined) continue;
      const s = situationStats(rule, kind, inKind, o);
      stats.push(s);
      const key = situatedKey(id, kind);
      if (!inKind.some((c) => isNewOutcome(c.outcome, input.learned?.[key]))) continue; // nothing new in this situation
      const stream = random(`${kind}|${mark?.at ?? ''}|${(mark?.keys ?? []).join(',')}|${id}`);
      const draw = sampleBeta(s.estimate.mean * (s.estimate.evidence + o.priorStrength), (1 - s.estimate.mean) * (s.estimate.evidence + o.priorStrength), stream);
      const from = input.current[key] ?? 1;
      const k = exponentOf(situationEvidence, o);
      const to = weightFor(rule, draw, k, o, s.time);
      if (mark) learned[key] = mark;
      if (to === from) continue;
      weights[key] = to;
      const estimate: Estimate = { ...s.estimate, draw, ...timeOfEstimate(s.time, o) };
      changes.push({ ruleId: key, rule: id, situation: kind, from, to, samples: s.successes + s.failures, successRate: s.estimate.mean, reason: reasonOf(rule, s, draw, k, from, to, o), at: input.at, estimate, ...(mark ? { upTo: mark } : {}) });
    }
  }
  return { weights, changes, stats, learned };
}

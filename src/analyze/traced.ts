/**
 * Traced evaluation of one rule, memoised. A rule's result and its leaf traces depend only on
 * the values its leaves read (operators are pure). Its leaves are shared leaves
 * (shared-leaves.ts): each gives a trace, the same frozen object whenever it read the same
 * value before; when every leaf of the rule gave one, the rule's outcome is found by those
 * objects — the same frozen outcome and trace lists as the first time — instead of made
 * again: the incidents of a cycle, and of the next cycle, mostly look alike, and the traces
 * were most of what a cycle allocated (and kept, in its decisions). A leaf that read a
 * fraction makes its trace afresh, and so does the rule.
 *
 * Leaves are compared by their operators and combined by the condition tree as `evaluate`
 * (compile.ts, the evaluator the equivalence test holds to json-rules-engine) does: every
 * leaf is evaluated, in document order. The memos of a rule set share one budget; a rule whose
 * probes rarely find an outcome stops probing and keeping for a while.
 */
import type { ConditionTrace, RuleTrace } from '../types/decision.js';
import type { FactLookup, Node } from './compile.js';
import type { CompiledRule } from './compiled-rule.js';
import { current, evaluateLeaf, missed, spend, type Generational, type LeafEntry, type LeafScratch, type MemoStats, type TraceBudget } from './shared-leaves.js';

export interface Outcome {
  readonly fired: boolean;
  /** Leaf traces as evaluated (the values rules compared). */
  readonly raw: readonly ConditionTrace[];
  /** The same as recorded: non-finite numbers as text (src/types/non-finite.ts); `raw` itself when there is none. */
  readonly conditions: readonly ConditionTrace[];
  /** Rule traces by pass, encoded (`conditions`) and raw. */
  readonly traces: RuleTrace[];
  readonly rawTraces: RuleTrace[];
  /** A note a caller derives from the outcome once (veto.ts: the reason). */
  note: string | undefined;
}

type Level = Map<LeafEntry, Level | Outcome>;

/** One rule's outcomes, by the kept leaf traces it was made of (held by its CompiledRule). */
export interface TraceMemo extends MemoStats, Generational {
  root: Level | Outcome | undefined;
  generation: number;
  readonly budget: TraceBudget;
}

export function newTraceMemo(budget: TraceBudget): TraceMemo {
  return { root: undefined, generation: budget.generation, budget, hits: 0, misses: 0, resting: 0 };
}

/** Never written to: traceOf keeps the traces of memoised outcomes only. */
const NO_TRACES: RuleTrace[] = [];

/** The trace of `c` in `pass` (0 outside analysis), encoded for the record unless `raw`. */
export function traceOf(c: CompiledRule, o: Outcome, pass: number, raw = false): RuleTrace {
  const list = raw ? o.rawTraces : o.traces;
  const hit = list[pass];
  if (hit !== undefined) return hit;
  const conditions = raw ? o.raw : o.conditions;
  const t: RuleTrace = { rule: c.ref, stage: c.stage, fired: o.fired, pass, conditions };
  if (Object.isFrozen(conditions)) {
    Object.freeze(t);
    list[pass] = t;
    if (conditions === (raw ? o.conditions : o.raw)) (raw ? o.traces : o.rawTraces)[pass] = t;
  }
  return t;
}

/** The condition tree's result from its leaves' entries (`entries[leaf.index]`). */
function combine(node: Node, entries: readonly LeafEntry[]): boolean {
  switch (node.kind) {
    case 'leaf':
      return (entries[node.index] as LeafEntry).raw.result;
    case 'all': {
      for (const c of node.children) if (!combine(c, entries)) return false;
      return true;
    }
    case 'any': {
      if (node.children.length === 0) return true;
      for (const c of node.children) if (combine(c, entries)) return true;
      return false;
    }
    case 'not':
      return !combine(node.child, entries);
  }
}

/** The outcome of `c` from its `n` leaves' entries. */
function outcome(c: CompiledRule, entries: readonly LeafEntry[], n: number, frozen: boolean): Outcome {
  const fired = combine(c.condition.root, entries);
  const raw = new Array<ConditionTrace>(n);
  let encoded = false;
  for (let i = 0; i < n; i++) {
    const e = entries[i] as LeafEntry;
    raw[i] = e.raw;
    if (e.enc !== e.raw) encoded = true;
  }
  let conditions = raw;
  if (encoded) {
    conditions = new Array<ConditionTrace>(n);
    for (let i = 0; i < n; i++) conditions[i] = (entries[i] as LeafEntry).enc;
  }
  if (!frozen) return { fired, raw, conditions, traces: NO_TRACES, rawTraces: NO_TRACES, note: undefined };
  Object.freeze(raw);
  Object.freeze(conditions);
  return { fired, raw, conditions, traces: [], rawTraces: [], note: undefined };
}

/** Reused for each rule's entries (its first `n`): evaluation is synchronous and never nested. */
const buf: LeafEntry[] = [];

/**
 * Evaluate `c` on `facts`, with its traces. `scratch`: the incident's leaves evaluated so far;
 * `settled`: the incident's facts no longer change (plan and veto stages: every leaf and
 * outcome may be shared), else (analysis on IncidentFacts) only leaves on observed facts.
 */
export function evaluateTraced(c: CompiledRule, facts: FactLookup, scratch?: LeafScratch<Outcome>, settled = true): Outcome {
  // A condition of the same shape made a fresh outcome in this incident: it is this one's too.
  // (Kept outcomes are a rule's own: their traces name it.)
  const shared = c.shared;
  if (scratch !== undefined && settled) {
    const same = scratch.outcome(c.shape);
    if (same !== undefined) return same;
  }
  const memo = c.memo;
  const budget = memo.budget;
  const n = shared.length;
  let kept = true;
  for (let i = 0; i < n; i++) {
    const s = shared[i] as (typeof shared)[number];
    const e = scratch !== undefined && (settled || s.observed) ? scratch.get(s, facts, budget) : evaluateLeaf(s, facts, budget);
    buf[i] = e;
    if (!e.kept) kept = false;
  }
  if (!kept || memo.resting > 0) {
    if (memo.resting > 0) memo.resting--;
    const o = outcome(c, buf, n, false);
    if (settled) scratch?.keepOutcome(c.shape, o);
    return o;
  }
  current(memo, budget);
  let node: Level | Outcome | undefined = memo.root;
  for (let i = 0; i < n && node !== undefined; i++) node = (node as Level).get(buf[i] as LeafEntry);
  if (node !== undefined) {
    memo.hits++;
    return node as Outcome;
  }
  missed(memo);
  const o = outcome(c, buf, n, true);
  spend(budget, memo);
  if (n === 0) {
    memo.root = o;
    return o;
  }
  let level = (memo.root ??= new Map()) as Level;
  for (let i = 0; i < n - 1; i++) {
    const k = buf[i] as LeafEntry;
    let next = level.get(k) as Level | undefined;
    if (next === undefined) level.set(k, (next = new Map()));
    level = next;
  }
  level.set(buf[n - 1] as LeafEntry, o);
  return o;
}

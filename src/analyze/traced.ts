/**
 * Traced evaluation of one rule, memoised on the values its leaves read. A rule's result and
 * its leaf traces depend on nothing else (operators are pure), so an incident that reads the
 * values an earlier one read gets that evaluation's trace objects, shared and frozen, instead
 * of new ones: the incidents of a cycle, and of the next cycle, mostly look alike, and the
 * traces were most of what a cycle allocated (and kept, in its decisions).
 *
 * Misses run `evaluate` (compile.ts, the evaluator the equivalence test holds to
 * json-rules-engine), so a memoised outcome is always one `evaluate` produced. Only values a
 * Map tells apart as `deepEqual` would, and that repeat, are keys: integers other than -0 (a
 * Map takes it for 0), strings, booleans, null, undefined and the arrays the planner interns
 * (`stable`); a fraction (a measurement that differs every scrape) or any other value
 * evaluates afresh. The
 * memos of a rule set are dropped together when they outgrow MAX_ENTRIES (about 20 MB at
 * most), and a rule whose probes rarely find an outcome (values that do not repeat, such as
 * a metric that differs in every incident) stops probing and keeping for a while.
 */
import type { ConditionTrace, RuleTrace } from '../types/decision.js';
import { encodeNonFiniteAt } from '../types/non-finite.js';
import { evaluate, read, type FactLookup, type Leaf } from './compile.js';
import type { CompiledRule } from './compiled-rule.js';

const MAX_ENTRIES = 20_000;

/** Objects that never change once made and may be memo keys by identity (interned arrays). */
const stable = new WeakSet<object>();

/** Freeze `v` and let it be a memo key by identity. */
export function markStable<T extends object>(v: T): T {
  stable.add(Object.freeze(v));
  return v;
}

// A fractional number is a measurement (a rate, a ratio): it differs at the next scrape, so an
// outcome keyed on it would only be stored, never found again. Integers, strings, booleans and
// interned arrays repeat (counts, states, alert names).
const keyable = (v: unknown): boolean =>
  typeof v === 'object' ? v === null || stable.has(v) : typeof v === 'number' ? Number.isInteger(v) && !Object.is(v, -0) : typeof v !== 'function';

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

type Level = Map<unknown, Level | Outcome>;

/**
 * What the memos of one rule set may hold together: past MAX_ENTRIES outcomes they are all
 * dropped (a new generation), so values that never repeat cost a bounded amount of memory.
 */
export interface TraceBudget {
  generation: number;
  entries: number;
}

/** One rule's outcomes, by the values its leaves read (held by its CompiledRule). */
export interface TraceMemo {
  root: Level | Outcome | undefined;
  generation: number;
  readonly budget: TraceBudget;
  /** Probes that found an outcome, and that did not; evaluations not memoised while it rests. */
  hits: number;
  misses: number;
  resting: number;
}

export function newTraceBudget(): TraceBudget {
  return { generation: 0, entries: 0 };
}

export function newTraceMemo(budget: TraceBudget): TraceMemo {
  return { root: undefined, generation: budget.generation, budget, hits: 0, misses: 0, resting: 0 };
}

/** Depth of a condition trace in a decision's `rules` (rules[i].conditions[j]), for the encoding's bound. */
const CONDITION_DEPTH = 3;

/** Whether encoding leaves `v` as it is without looking inside (a finite number, another primitive). */
const plain = (v: unknown): boolean => (typeof v === 'number' ? Number.isFinite(v) : typeof v !== 'object' || v === null);

/** Never written to: traceOf keeps the traces of memoised outcomes only. */
const NO_TRACES: RuleTrace[] = [];

function outcome(fired: boolean, raw: ConditionTrace[], frozen: boolean): Outcome {
  let conditions: ConditionTrace[] = raw;
  for (let i = 0; i < raw.length; i++) {
    const t = raw[i] as ConditionTrace;
    if (plain(t.factValue) && plain(t.value)) continue;
    const e = encodeNonFiniteAt(t, CONDITION_DEPTH);
    if (e !== raw[i]) (conditions === raw ? (conditions = raw.slice()) : conditions)[i] = e as ConditionTrace;
  }
  if (frozen) {
    for (const t of raw) Object.freeze(t);
    for (const t of conditions) Object.freeze(t);
    Object.freeze(raw);
    Object.freeze(conditions);
  }
  return frozen ? { fired, raw, conditions, traces: [], rawTraces: [], note: undefined } : { fired, raw, conditions, traces: NO_TRACES, rawTraces: NO_TRACES, note: undefined };
}

/** The trace of `c` in `pass` (0 outside analysis), encoded for the record unless `raw`. */
export function traceOf(c: CompiledRule, o: Outcome, pass: number, raw = false): RuleTrace {
  const list = raw ? o.rawTraces : o.traces;
  const hit = list[pass];
  if (hit !== undefined) return hit;
  const conditions = raw ? o.raw : o.conditions;
  const t: RuleTrace = { rule: c.ref, stage: c.rule.stage, fired: o.fired, pass, conditions };
  if (Object.isFrozen(conditions)) {
    Object.freeze(t);
    list[pass] = t;
    if (conditions === (raw ? o.conditions : o.raw)) (raw ? o.traces : o.rawTraces)[pass] = t;
  }
  return t;
}

/** Probes before a rule's memo is judged; it rests when fewer than 1 in RARE found an outcome. */
const JUDGED_AFTER = 64;
const RARE = 8;
/** Evaluations a resting memo sits out before it is tried again. */
const REST = 4096;

/** Evaluate `c` on `facts`, with its traces. */
export function evaluateTraced(c: CompiledRule, facts: FactLookup): Outcome {
  const memo = c.memo;
  if (memo.resting > 0) {
    // Values that do not repeat: probing and keeping would only cost.
    memo.resting--;
    const raw: ConditionTrace[] = [];
    return outcome(evaluate(c.condition.root, facts, raw), raw, false);
  }
  if (memo.generation !== memo.budget.generation) {
    memo.root = undefined;
    memo.generation = memo.budget.generation;
  }
  const leaves = c.condition.leaves;
  let node: Level | Outcome | undefined = memo.root;
  let memoisable = true;
  for (let i = 0; i < leaves.length && node !== undefined; i++) {
    const leaf = leaves[i] as Leaf;
    const v = read(leaf.fact, facts);
    if (!keyable(v)) {
      memoisable = false;
      break;
    }
    node = (node as Level).get(v);
    if (leaf.valueRef !== undefined && node !== undefined) {
      const w = read(leaf.valueRef, facts);
      if (!keyable(w)) {
        memoisable = false;
        break;
      }
      node = (node as Level).get(w);
    }
  }
  if (memoisable && node !== undefined) {
    memo.hits++;
    return node as Outcome;
  }
  if (++memo.misses >= JUDGED_AFTER) {
    if (memo.hits * RARE < memo.misses) memo.resting = REST;
    memo.hits = 0;
    memo.misses = 0;
  }
  const raw: ConditionTrace[] = [];
  const fired = evaluate(c.condition.root, facts, raw);
  if (!memoisable || !raw.every((t, i) => keyable(t.factValue) && (leaves[i]?.valueRef === undefined || keyable(t.value)))) return outcome(fired, raw, false);
  const o = outcome(fired, raw, true);
  store(memo, leaves, raw, o);
  return o;
}

function store(memo: TraceMemo, leaves: readonly Leaf[], raw: readonly ConditionTrace[], o: Outcome): void {
  const budget = memo.budget;
  if (budget.entries >= MAX_ENTRIES) {
    budget.generation++;
    budget.entries = 0;
    memo.root = undefined;
    memo.generation = budget.generation;
  }
  budget.entries++;
  const keys: unknown[] = [];
  raw.forEach((t, i) => {
    keys.push(t.factValue);
    if (leaves[i]?.valueRef !== undefined) keys.push(t.value);
  });
  if (keys.length === 0) {
    memo.root = o;
    return;
  }
  let level = (memo.root ??= new Map()) as Level;
  for (let i = 0; i < keys.length - 1; i++) {
    let next = level.get(keys[i]) as Level | undefined;
    if (next === undefined) level.set(keys[i], (next = new Map()));
    level = next;
  }
  level.set(keys[keys.length - 1], o);
}

/**
 * Condition leaves shared across a rule set, as a Rete network shares its alpha nodes: leaves
 * that read the same fact (and path) with the same operator and value are one shared leaf,
 * whatever rule they are in. A shared leaf's trace depends only on the value it read, so
 *
 * - within an incident's plan and veto stages (the facts no longer change), a leaf several
 *   rules hold is read and compared once (`LeafScratch`), and those rules' traces hold the
 *   same trace object;
 * - across incidents and cycles, a value that repeats (an integer, a string, a boolean, null,
 *   an interned array: see `keyable`) finds the frozen trace made the first time (`kept`),
 *   and a rule whose every leaf found one can find its whole outcome by those objects
 *   (traced.ts).
 *
 * A fraction (a measurement, new at every scrape) is never a key: its trace is made afresh.
 * Every memo of a rule set counts against one budget (about 20 MB at most), past which all
 * are dropped together; a leaf whose values rarely repeat stops keeping them for a while.
 * Leaves that read `firingFor` in a rule with its own (time.ts) are that rule's alone.
 */
import type { ConditionTrace } from '../types/decision.js';
import { encodeNonFiniteAt } from '../types/non-finite.js';
import { read, type FactLookup, type Leaf, type Node } from './compile.js';
import { OBSERVED_NAMES } from './facts.js';

/** Objects that never change once made and may be memo keys by identity (interned arrays). */
const stable = new WeakSet<object>();

/** Freeze `v` and let it be a memo key by identity. */
export function markStable<T extends object>(v: T): T {
  stable.add(Object.freeze(v));
  return v;
}

// A fractional number is a measurement (a rate, a ratio): it differs at the next scrape, so a
// trace keyed on it would only be stored, never found again. Integers, strings, booleans and
// interned arrays repeat (counts, states, alert names). -0 is not a key: a Map takes it for 0.
const keyable = (v: unknown): boolean =>
  typeof v === 'object' ? v === null || stable.has(v) : typeof v === 'number' ? Number.isInteger(v) && !Object.is(v, -0) : typeof v !== 'function';

/** One evaluated leaf: its trace as evaluated and as recorded (non-finite numbers as text). */
export interface LeafEntry {
  readonly raw: ConditionTrace;
  /** `raw` itself when it holds no non-finite number. */
  readonly enc: ConditionTrace;
  /** Kept in its leaf's memo (frozen; the same object for the same value): a memo key by identity. */
  readonly kept: boolean;
}

/** The memos of one rule set and what they may hold together (MAX_ENTRIES). */
export interface TraceBudget {
  generation: number;
  entries: number;
}

const MAX_ENTRIES = 20_000;

export function newTraceBudget(): TraceBudget {
  return { generation: 0, entries: 0 };
}

/** A memo of a rule set: what it holds, and the budget's generation it was kept in. */
export interface Generational {
  root: unknown;
  generation: number;
}

/** Drop what `m` holds if the budget started a new generation since `m` last kept anything. */
export function current(m: Generational, budget: TraceBudget): void {
  if (m.generation === budget.generation) return;
  m.root = undefined;
  m.generation = budget.generation;
}

/** Spend one entry of `budget` for `m`; past MAX_ENTRIES a new generation drops every memo, `m` at once. */
export function spend(budget: TraceBudget, m: Generational): void {
  if (budget.entries < MAX_ENTRIES) {
    budget.entries++;
    return;
  }
  budget.generation++;
  budget.entries = 1;
  current(m, budget);
}

/** Probes before a memo is judged; it rests when fewer than 1 in RARE found what it sought. */
const JUDGED_AFTER = 64;
const RARE = 8;
/** Lookups a resting memo sits out before it is tried again. */
const REST = 4096;

/** Hit/miss bookkeeping of a memo; `rests` while its keys rarely repeat. */
export interface MemoStats {
  hits: number;
  misses: number;
  resting: number;
}

/** Count a miss; past JUDGED_AFTER probes, rest if hits were rare. */
export function missed(m: MemoStats): void {
  if (++m.misses < JUDGED_AFTER) return;
  if (m.hits * RARE < m.misses) m.resting = REST;
  m.hits = 0;
  m.misses = 0;
}

type Level = Map<unknown, LeafEntry | Map<unknown, LeafEntry>>;

export interface SharedLeaf extends MemoStats, Generational {
  /** Index in the rule set's table. */
  readonly id: number;
  /** The first leaf with this key (every one has the same fact, path, operator and value). */
  readonly leaf: Leaf;
  /**
   * It reads observed facts only (OBSERVED_NAMES), which shadow derived ones: its value is
   * the same in every pass of an incident's analysis, not only once the facts are settled.
   */
  readonly observed: boolean;
  root: Level | undefined;
  generation: number;
}

/** Depth of a condition trace in a decision (rules[i].conditions[j]), for the encoding's bound. */
const CONDITION_DEPTH = 3;

/** Whether encoding leaves `v` as it is without looking inside (a finite number, another primitive). */
const plain = (v: unknown): boolean => (typeof v === 'number' ? Number.isFinite(v) : typeof v !== 'object' || v === null);

function entry(leaf: Leaf, value: unknown, factValue: unknown, kept: boolean): LeafEntry {
  const result = leaf.fn(factValue, value);
  const raw: ConditionTrace = leaf.path === undefined
    ? { fact: leaf.fact.fact, operator: leaf.operator, value, factValue, result }
    : { fact: leaf.fact.fact, path: leaf.path, operator: leaf.operator, value, factValue, result };
  const enc = plain(factValue) && plain(value) ? raw : encodeNonFiniteAt(raw, CONDITION_DEPTH);
  if (kept) {
    Object.freeze(raw);
    Object.freeze(enc);
  }
  return { raw, enc, kept };
}

/** Evaluate `s` on `facts`: its kept entry when the values it reads were seen before. */
export function evaluateLeaf(s: SharedLeaf, facts: FactLookup, budget: TraceBudget): LeafEntry {
  const leaf = s.leaf;
  const factValue = read(leaf.fact, facts);
  const value = leaf.valueRef === undefined ? leaf.value : read(leaf.valueRef, facts);
  if (s.resting > 0) {
    s.resting--;
    return entry(leaf, value, factValue, false);
  }
  if (!keyable(factValue) || (leaf.valueRef !== undefined && !keyable(value))) return entry(leaf, value, factValue, false);
  current(s, budget);
  const level = s.root?.get(factValue);
  const hit = leaf.valueRef === undefined ? (level as LeafEntry | undefined) : (level as Map<unknown, LeafEntry> | undefined)?.get(value);
  if (hit !== undefined) {
    s.hits++;
    return hit;
  }
  missed(s);
  const e = entry(leaf, value, factValue, true);
  spend(budget, s);
  const root = (s.root ??= new Map());
  if (leaf.valueRef === undefined) root.set(factValue, e);
  else {
    let inner = root.get(factValue) as Map<unknown, LeafEntry> | undefined;
    if (inner === undefined) root.set(factValue, (inner = new Map()));
    inner.set(value, e);
  }
  return e;
}

/** What makes two leaves the same shared leaf (the rule's ref too, for its own `firingFor`). */
function keyOf(leaf: Leaf, own: string | undefined): string {
  const tag = (_k: string, v: unknown): unknown =>
    v === undefined ? '\u0000undefined' : typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0)) ? `\u0000${Object.is(v, -0) ? '-0' : String(v)}` : v;
  const ref = (r: Leaf['fact'] | undefined): string => (r === undefined ? '' : `${r.fact}\u0001${JSON.stringify(r.segs ?? null)}`);
  const mine = own !== undefined && (leaf.fact.fact === 'firingFor' || leaf.valueRef?.fact === 'firingFor') ? own : '';
  return [mine, ref(leaf.fact), leaf.path ?? '', leaf.operator, leaf.valueRef === undefined ? JSON.stringify(leaf.value, tag) : '', ref(leaf.valueRef)].join('\u0002');
}

/** The shared leaves of a rule set, made as its rules are compiled. */
export class LeafTable {
  readonly leaves: SharedLeaf[] = [];
  private readonly byKey = new Map<string, SharedLeaf>();

  /** The shared leaves of one rule's leaves (document order); `own`: its ref when it has its own firingFor. */
  add(leaves: readonly Leaf[], own: string | undefined): readonly SharedLeaf[] {
    return leaves.map((leaf) => {
      const key = keyOf(leaf, own);
      let s = this.byKey.get(key);
      if (s === undefined) {
        const observed = OBSERVED_NAMES.has(leaf.fact.fact) && (leaf.valueRef === undefined || OBSERVED_NAMES.has(leaf.valueRef.fact));
        s = { id: this.leaves.length, leaf, observed, root: undefined, generation: 0, hits: 0, misses: 0, resting: 0 };
        this.leaves.push(s);
        this.byKey.set(key, s);
      }
      return s;
    });
  }
}

/**
 * Conditions of the same shape: the same tree (all/any/not) over the same shared leaves, as
 * the alternatives an expert writes for one situation often are. Within an incident they
 * have one outcome.
 */
export class ConditionShapes {
  private readonly byKey = new Map<string, number>();

  get size(): number {
    return this.byKey.size;
  }

  /** The shape number of `root`, whose leaf `i` (document order) is `shared[i]`. */
  add(root: Node, shared: readonly SharedLeaf[]): number {
    const key = shapeKey(root, shared);
    let n = this.byKey.get(key);
    if (n === undefined) this.byKey.set(key, (n = this.byKey.size));
    return n;
  }
}

function shapeKey(node: Node, shared: readonly SharedLeaf[]): string {
  switch (node.kind) {
    case 'leaf':
      return String(shared[node.index]?.id);
    case 'all':
    case 'any':
      return `${node.kind}(${node.children.map((c) => shapeKey(c, shared)).join(',')})`;
    case 'not':
      return `not(${shapeKey(node.child, shared)})`;
  }
}

/**
 * The leaves evaluated for one incident, by shared leaf, and the outcomes made, by condition
 * shape: valid while the facts do not change (`next()` between incidents). In analysis, where
 * derived facts change from rule to rule, only leaves on observed facts (`observed`) of an
 * IncidentFacts source may be kept here; in the plan and veto stages every leaf.
 */
export class LeafScratch<O = unknown> {
  private stamps: Int32Array;
  private readonly entries: (LeafEntry | undefined)[];
  private shapeStamps: Int32Array;
  private readonly outcomes: (O | undefined)[];
  private current = 1;

  /** `shapes`: how many condition shapes (`ConditionShapes`) the rule set has. */
  constructor(size: number, shapes: number) {
    this.stamps = new Int32Array(size);
    this.entries = new Array<LeafEntry | undefined>(size).fill(undefined);
    this.shapeStamps = new Int32Array(shapes);
    this.outcomes = new Array<O | undefined>(shapes).fill(undefined);
  }

  /** A new incident: nothing evaluated yet. */
  next(): void {
    if (++this.current < 0x3fffffff) return;
    this.stamps = new Int32Array(this.stamps.length);
    this.shapeStamps = new Int32Array(this.shapeStamps.length);
    this.current = 1;
  }

  /** The outcome of a condition of shape `shape` in this incident, if one was made. */
  outcome(shape: number): O | undefined {
    return this.shapeStamps[shape] === this.current ? this.outcomes[shape] : undefined;
  }

  keepOutcome(shape: number, o: O): void {
    this.shapeStamps[shape] = this.current;
    this.outcomes[shape] = o;
  }

  get(s: SharedLeaf, facts: FactLookup, budget: TraceBudget): LeafEntry {
    if (this.stamps[s.id] === this.current) return this.entries[s.id] as LeafEntry;
    const e = evaluateLeaf(s, facts, budget);
    this.stamps[s.id] = this.current;
    this.entries[s.id] = e;
    return e;
  }
}

/**
 * How far back the data behind a plan rule's verify conditions reaches: the longest data
 * window of the metric facts they read, directly or through the derived facts they read
 * (verification re-runs analysis, so a derived fact brings the facts its rules read).
 *
 * A fact's window: with Prometheus, its range (`range.window`) plus the longest range its
 * PromQL reads (`rate(x[1m])` → 1m); without Prometheus, the deriver's rate window for the
 * built-ins it computes as rates (gauges: 0). A verdict taken sooner than that after the
 * action landed still sees data from before the action (issue #9).
 */
import { BUILTIN_FACTS, DEFAULT_DERIVER_WINDOW_MS, factCatalog, type MetricFact } from '../types/facts.js';
import type { Condition, PlanRule, RuleSet } from '../types/rules.js';
import { parseFactPath } from './fact-path.js';
import { longestRangeMs } from './promql.js';
import { factRefValue, walkCondition } from './walk.js';

export interface DataWindowOptions {
  /** Where metric facts come from: Prometheus (default) or the in-process deriver. */
  readonly source?: 'prometheus' | 'deriver';
  /** The deriver's rate window (CharterSource `rateWindowMs`), default 60 s. */
  readonly deriverWindowMs?: number;
}

export interface FactWindow {
  /** The metric fact. */
  readonly fact: string;
  readonly windowMs: number;
}

/** Data window of one metric fact, in ms. */
export function factWindowMs(f: MetricFact, opts: DataWindowOptions = {}): number {
  const deriver = opts.deriverWindowMs ?? DEFAULT_DERIVER_WINDOW_MS;
  const builtin = BUILTIN_FACTS.find((b) => b.name === f.name);
  if (opts.source === 'deriver' || f.promql === undefined) return builtin?.windowed === true ? deriver : 0;
  return (f.range?.windowMs ?? 0) + longestRangeMs(f.promql);
}

/** Metric facts a condition reads: `metrics` $.X and `global` $.metrics.X, named conditions followed. */
function metricReads(cond: Condition | unknown, named: Readonly<Record<string, unknown>>, facts: Set<string>, metrics: Set<string>, seen: Set<string>): void {
  const read = (fact: string, path: unknown): void => {
    facts.add(fact);
    if (typeof path !== 'string') return;
    const p = parseFactPath(path);
    if (!p.ok) return;
    const [a, b] = p.segments;
    if (fact === 'metrics' && typeof a === 'string') metrics.add(a);
    if (fact === 'global' && a === 'metrics' && typeof b === 'string') metrics.add(b);
  };
  walkCondition(
    cond,
    [],
    ({ leaf }) => {
      if (typeof leaf['fact'] === 'string') read(leaf['fact'], leaf['path']);
      const ref = factRefValue(leaf['value']);
      if (ref !== undefined) read(ref.fact, ref.path);
    },
    ({ name }) => {
      if (seen.has(name) || !Object.prototype.hasOwnProperty.call(named, name)) return;
      seen.add(name);
      metricReads(named[name], named, facts, metrics, seen);
    },
  );
}

/** Every metric fact behind `rule`'s verify conditions with its window, longest first. */
export function verifyDataWindows(ruleSet: RuleSet, rule: PlanRule, opts: DataWindowOptions = {}): FactWindow[] {
  const named = ruleSet.namedConditions;
  const facts = new Set<string>();
  const metrics = new Set<string>();
  metricReads(rule.action.verify.conditions, named, facts, metrics, new Set());
  // Derived facts read by verify: follow the analyze rules deriving them, to a fixpoint.
  const done = new Set<string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of ruleSet.rules) {
      if (r.stage !== 'analyze' || done.has(r.id) || !Object.keys(r.derive).some((d) => facts.has(d))) continue;
      done.add(r.id);
      grew = true;
      metricReads(r.conditions, named, facts, metrics, new Set());
    }
  }
  const catalog = factCatalog(ruleSet);
  const out: FactWindow[] = [];
  for (const name of metrics) {
    const f = catalog.find((c) => c.name === name);
    if (f !== undefined) out.push({ fact: name, windowMs: factWindowMs(f, opts) });
  }
  return out.sort((a, b) => b.windowMs - a.windowMs || (a.fact < b.fact ? -1 : 1));
}

/** The longest data window (ms) of the facts `rule`'s verify conditions read; 0 when none. */
export function verifyDataWindowMs(ruleSet: RuleSet, rule: PlanRule, opts: DataWindowOptions = {}): number {
  return verifyDataWindows(ruleSet, rule, opts)[0]?.windowMs ?? 0;
}

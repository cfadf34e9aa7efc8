/**
 * Fact dependencies between rules. Analysis rules read facts (conditions and templates)
 * and derive facts; at load time the derivation graph must be acyclic (a cycle could
 * oscillate) and writers must outrank their readers (so one pass in priority order sees
 * every derivation). The engine uses ruleReads/ruleDerives to order and index chaining.
 */
import type { Condition, Rule } from '../types/rules.js';
import { templateRefs } from './template.js';
import { conditionReads } from './walk.js';

/** Every template string inside a value (strings, arrays, objects). */
export function templateStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => templateStrings(x, out));
  else if (v !== null && typeof v === 'object') Object.values(v).forEach((x) => templateStrings(x, out));
  return out;
}

/**
 * Facts a rule reads before it fires: its conditions (named conditions expanded) and the
 * templates of its derive (analyze) or action target and params (plan). Verify conditions
 * are not included: they are read after the action. Sorted.
 */
export function ruleReads(rule: Rule, named: Readonly<Record<string, Condition>> = {}): string[] {
  const out = conditionReads(rule.conditions, named);
  const values = rule.stage === 'analyze' ? [rule.derive] : rule.stage === 'plan' ? [rule.action.target, rule.action.params] : [];
  for (const s of templateStrings(values)) for (const f of templateRefs(s)) out.add(f);
  return [...out].sort();
}

/** Facts an analysis rule derives (empty for plan rules). Sorted. */
export function ruleDerives(rule: Rule): string[] {
  return rule.stage === 'analyze' ? Object.keys(rule.derive).sort() : [];
}

export interface GraphRule {
  readonly id: string;
  readonly priority: number;
  readonly reads: ReadonlySet<string>;
  readonly derives: ReadonlySet<string>;
  /** Subject kinds the rule applies to; empty: any. Rules for disjoint kinds never meet. */
  readonly subjects?: readonly string[];
}

function canMeet(a: GraphRule, b: GraphRule): boolean {
  const sa = a.subjects ?? [];
  const sb = b.subjects ?? [];
  return sa.length === 0 || sb.length === 0 || sa.some((s) => sb.includes(s));
}

/** `rules[k]` derives `facts[k]`, read by `rules[k + 1]` (and the last by `rules[0]`). */
export interface Cycle {
  readonly rules: readonly number[];
  readonly facts: readonly string[];
}

/** `reader` reads `fact`, which `writer` derives. */
export interface Dependency {
  readonly reader: number;
  readonly writer: number;
  readonly fact: string;
}

export interface GraphReport {
  readonly cycles: readonly Cycle[];
  /** Writer has a lower priority than its reader: an error. */
  readonly inversions: readonly Dependency[];
  /** Writer and reader share a priority: a warning (needs an extra pass). */
  readonly ties: readonly Dependency[];
}

/**
 * Check an analysis-rule graph; indices refer to `rules`. A derived fact links a writer to
 * a reader only when both can apply to the same incident (overlapping subject kinds).
 * Deterministic order.
 */
export function checkGraph(rules: readonly GraphRule[]): GraphReport {
  const edges: Dependency[][] = rules.map(() => []);
  rules.forEach((w, wi) => {
    for (const fact of [...w.derives].sort()) {
      rules.forEach((r, ri) => {
        if (r.reads.has(fact) && canMeet(w, r)) edges[wi]?.push({ reader: ri, writer: wi, fact });
      });
    }
  });
  const comp = components(rules.length, edges);
  const cycles: Cycle[] = [];
  const reported = new Set<number>();
  for (let i = 0; i < rules.length; i++) {
    const c = comp[i] ?? -1;
    if (reported.has(c)) continue;
    const cycle = findCycle(i, edges, comp);
    if (cycle !== undefined) {
      reported.add(c);
      cycles.push(cycle);
    }
  }
  const inversions: Dependency[] = [];
  const ties: Dependency[] = [];
  for (const list of edges) {
    for (const d of list) {
      if (d.reader === d.writer || comp[d.reader] === comp[d.writer]) continue;
      const w = rules[d.writer]?.priority ?? 0;
      const r = rules[d.reader]?.priority ?? 0;
      if (w < r) inversions.push(d);
      else if (w === r) ties.push(d);
    }
  }
  const byReader = (a: Dependency, b: Dependency): number => a.reader - b.reader || a.writer - b.writer || a.fact.localeCompare(b.fact);
  return { cycles, inversions: inversions.sort(byReader), ties: ties.sort(byReader) };
}

/** Tarjan's strongly connected components: component id per node. */
function components(n: number, edges: readonly (readonly Dependency[])[]): number[] {
  const index: number[] = new Array<number>(n).fill(-1);
  const low: number[] = new Array<number>(n).fill(0);
  const onStack: boolean[] = new Array<boolean>(n).fill(false);
  const comp: number[] = new Array<number>(n).fill(-1);
  const stack: number[] = [];
  let next = 0;
  let compId = 0;
  const visit = (v: number): void => {
    index[v] = low[v] = next++;
    stack.push(v);
    onStack[v] = true;
    for (const { reader: w } of edges[v] ?? []) {
      if (index[w] === -1) {
        visit(w);
        low[v] = Math.min(low[v] ?? 0, low[w] ?? 0);
      } else if (onStack[w]) low[v] = Math.min(low[v] ?? 0, index[w] ?? 0);
    }
    if (low[v] === index[v]) {
      let w: number | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack[w] = false;
        comp[w] = compId;
      } while (w !== v);
      compId++;
    }
  };
  for (let v = 0; v < n; v++) if (index[v] === -1) visit(v);
  return comp;
}

/** Shortest cycle through `start` inside its component (BFS), if any. */
function findCycle(start: number, edges: readonly (readonly Dependency[])[], comp: readonly number[]): Cycle | undefined {
  const prev = new Map<number, Dependency>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift() as number;
    for (const d of edges[v] ?? []) {
      if (comp[d.reader] !== comp[start]) continue;
      if (d.reader === start) {
        const chain: Dependency[] = [d];
        let cur = v;
        while (cur !== start) {
          const p = prev.get(cur);
          if (p === undefined) break;
          chain.unshift(p);
          cur = p.writer;
        }
        return { rules: chain.map((c) => c.writer), facts: chain.map((c) => c.fact) };
      }
      if (!prev.has(d.reader) && d.reader !== start) {
        prev.set(d.reader, d);
        queue.push(d.reader);
      }
    }
  }
  return undefined;
}

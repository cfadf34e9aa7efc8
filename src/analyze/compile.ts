/**
 * Conditions compiled once per rule set into a tree of closures-free nodes, evaluated
 * synchronously. Semantics are json-rules-engine's (the reference, see engine.ts), which the
 * equivalence test checks on every fixture:
 * - every leaf is evaluated — conditions carry no priorities, so the engine evaluates a
 *   whole all/any group at once — and every leaf is traced, in document order;
 * - `all: []` and `any: []` are true (the engine's prioritizeAndRun returns true for none);
 * - a `{condition: NAME}` reference is expanded in place;
 * - `value: {fact, path?}` compares against another fact;
 * - a path on a fact that is not an object yields the fact itself.
 */
import type { ConditionTrace } from '../types/decision.js';
import type { Condition } from '../types/rules.js';
import { operator, type OperatorFn } from './operators/index.js';
import { compilePath, resolvePath, type PathSegment } from './path.js';

export type FactLookup = (name: string) => unknown;

export interface FactRef {
  readonly fact: string;
  readonly segs: readonly PathSegment[] | undefined;
}

export type Leaf = Extract<Node, { kind: 'leaf' }>;

export type Node =
  | { readonly kind: 'leaf'; readonly fact: FactRef; readonly path?: string; readonly operator: string; readonly fn: OperatorFn; readonly value: unknown; readonly valueRef?: FactRef; readonly index: number; readonly negated?: true }
  | { readonly kind: 'all' | 'any'; readonly children: readonly Node[] }
  | { readonly kind: 'not'; readonly child: Node };

export class ConditionCompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConditionCompileError';
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export interface CompiledCondition {
  readonly root: Node;
  /** Leaves in document order (named conditions expanded). */
  readonly leaves: readonly Extract<Node, { kind: 'leaf' }>[];
  /** Facts any leaf reads, including `value: {fact}` references. */
  readonly reads: ReadonlySet<string>;
}

export function compileCondition(cond: Condition, named: Readonly<Record<string, Condition>>): CompiledCondition {
  const leaves: Extract<Node, { kind: 'leaf' }>[] = [];
  const reads = new Set<string>();
  const factRef = (fact: string, path: string | undefined): FactRef => {
    reads.add(fact);
    return { fact, segs: path ? compilePath(path) : undefined };
  };
  const walk = (c: Condition, expanding: readonly string[], negated = false): Node => {
    if ('all' in c) return { kind: 'all', children: c.all.map((x) => walk(x, expanding, negated)) };
    if ('any' in c) return { kind: 'any', children: c.any.map((x) => walk(x, expanding, negated)) };
    if ('not' in c) return { kind: 'not', child: walk(c.not, expanding, !negated) };
    if ('condition' in c) {
      const target = named[c.condition];
      if (target === undefined) throw new ConditionCompileError(`unknown named condition "${c.condition}"`);
      if (expanding.includes(c.condition)) {
        throw new ConditionCompileError(`named condition "${c.condition}" refers to itself (${[...expanding, c.condition].join(' -> ')})`);
      }
      return walk(target, [...expanding, c.condition], negated);
    }
    const fn = operator(c.operator);
    if (fn === undefined) throw new ConditionCompileError(`unknown operator "${c.operator}"`);
    const v = c.value;
    const valueRef = isRecord(v) && Object.prototype.hasOwnProperty.call(v, 'fact') && typeof v['fact'] === 'string'
      ? factRef(v['fact'], typeof v['path'] === 'string' ? v['path'] : undefined)
      : undefined;
    const leaf = {
      kind: 'leaf' as const,
      fact: factRef(c.fact, c.path),
      ...(c.path ? { path: c.path } : {}),
      operator: c.operator,
      fn,
      value: v,
      ...(valueRef ? { valueRef } : {}),
      index: leaves.length,
      ...(negated ? { negated: true as const } : {}),
    };
    leaves.push(leaf);
    return leaf;
  };
  const root = walk(cond, []);
  return { root, leaves, reads };
}

/** The value a leaf reads: the fact, then the path below it. */
export function read(ref: FactRef, facts: FactLookup): unknown {
  const v = facts(ref.fact);
  return ref.segs === undefined ? v : resolvePath(v, ref.segs);
}

/** Evaluate, pushing one trace per leaf (document order) when `traces` is given. */
export function evaluate(node: Node, facts: FactLookup, traces: ConditionTrace[] | undefined): boolean {
  switch (node.kind) {
    case 'leaf': {
      const factValue = read(node.fact, facts);
      const value = node.valueRef === undefined ? node.value : read(node.valueRef, facts);
      const result = node.fn(factValue, value);
      if (traces !== undefined) {
        traces.push(node.path === undefined
          ? { fact: node.fact.fact, operator: node.operator, value, factValue, result }
          : { fact: node.fact.fact, path: node.path, operator: node.operator, value, factValue, result });
      }
      return result;
    }
    case 'all': {
      let ok = true;
      for (const c of node.children) if (!evaluate(c, facts, traces)) ok = false;
      return ok;
    }
    case 'any': {
      if (node.children.length === 0) return true;
      let ok = false;
      for (const c of node.children) if (evaluate(c, facts, traces)) ok = true;
      return ok;
    }
    case 'not':
      return !evaluate(node.child, facts, traces);
  }
}

/**
 * The json-rules-engine adapter — the only module that imports it. It is the reference
 * semantics for conditions: the planner runs the compiled evaluator (compile.ts), and the
 * equivalence test replays every fixture through both and compares results and traces.
 *
 * A fresh Engine per evaluation (an Engine is stateful), every operator replaced by the
 * project's versions (missing facts are false, see operators/missing.ts), the plain path
 * resolver instead of JSONPath, undefined facts allowed (a derived fact may be absent).
 */
import { Engine, type RuleResult, type TopLevelCondition } from 'json-rules-engine';
import type { ConditionTrace } from '../types/decision.js';
import type { Condition } from '../types/rules.js';
import { OPERATORS } from './operators/index.js';
import { pathResolver } from './path.js';

export interface ReferenceResult {
  readonly fired: boolean;
  readonly conditions: ConditionTrace[];
}

function topLevel(c: Condition): TopLevelCondition {
  // A bare leaf is not a valid top-level condition for the engine; wrap it.
  return ('all' in c || 'any' in c || 'not' in c || 'condition' in c ? c : { all: [c] }) as TopLevelCondition;
}

export function newEngine(named: Readonly<Record<string, Condition>>): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true, pathResolver });
  for (const [name, fn] of Object.entries(OPERATORS)) engine.addOperator(name, fn);
  for (const [name, c] of Object.entries(named)) engine.setCondition(name, topLevel(c));
  return engine;
}

/** Evaluate one condition with a fresh engine; traces in document order. */
export async function evaluateReference(
  condition: Condition,
  facts: Readonly<Record<string, unknown>>,
  named: Readonly<Record<string, Condition>>,
): Promise<ReferenceResult> {
  const engine = newEngine(named);
  engine.addRule({ name: 'r', conditions: topLevel(condition), event: { type: 'fired' } });
  const result = await engine.run({ ...facts });
  const rr: RuleResult | undefined = result.results[0] ?? result.failureResults[0];
  const conditions: ConditionTrace[] = [];
  if (rr !== undefined) collect(rr.conditions, conditions);
  return { fired: result.results.length > 0, conditions };
}

function collect(node: unknown, out: ConditionTrace[]): void {
  if (node === null || typeof node !== 'object') return;
  const n = node as Record<string, unknown>;
  for (const key of ['all', 'any'] as const) {
    const kids = n[key];
    if (Array.isArray(kids)) {
      for (const k of kids) collect(k, out);
      return;
    }
  }
  if (n['not'] !== undefined && typeof n['not'] === 'object') {
    collect(n['not'], out);
    return;
  }
  if (typeof n['fact'] === 'string') {
    const t = { fact: n['fact'], operator: String(n['operator']), value: n['valueResult'], factValue: n['factResult'], result: n['result'] === true };
    out.push(typeof n['path'] === 'string' ? { ...t, path: n['path'] } : t);
  }
}

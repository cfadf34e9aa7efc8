/**
 * A rule set compiled once: conditions into evaluable trees, rules sorted in evaluation
 * order (priority desc, then id), the facts each rule reads, and the index. Recompiled
 * only when the rule set changes (cache keyed by the RuleSet object).
 */
import type { AnalyzeRule, PlanRule, Rule, RuleSet, VetoRule } from '../types/rules.js';
import { templateRefs } from '../rules/template.js';
import { compileCondition } from './compile.js';
import { RuleIndex } from './index-rules.js';
import { ConditionShapes, LeafScratch, LeafTable, newTraceBudget, type TraceBudget } from './shared-leaves.js';
import { newTraceMemo, type Outcome } from './traced.js';
import type { CompiledRule } from './compiled-rule.js';

export type { CompiledRule } from './compiled-rule.js';

export interface CompiledRuleSet {
  readonly ruleSet: RuleSet;
  readonly analyze: RuleIndex<AnalyzeRule>;
  readonly plan: RuleIndex<PlanRule>;
  readonly veto: RuleIndex<VetoRule>;
  readonly byId: ReadonlyMap<string, CompiledRule>;
  /** One incident's evaluated shared leaves (the planner's; `next()` per incident). */
  readonly scratch: LeafScratch<Outcome>;
}

export function compareRules(a: Rule, b: Rule): number {
  return b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function templateReads(v: unknown, out: Set<string>): void {
  if (typeof v === 'string') for (const f of templateRefs(v)) out.add(f);
  else if (Array.isArray(v)) for (const x of v) templateReads(x, out);
  else if (v !== null && typeof v === 'object') for (const x of Object.values(v)) templateReads(x, out);
}

function compileRule<R extends Rule>(rule: R, order: number, rs: RuleSet, budget: TraceBudget, table: LeafTable, shapes: ConditionShapes): CompiledRule<R> {
  const condition = compileCondition(rule.conditions, rs.namedConditions);
  const reads = new Set(condition.reads);
  if (rule.stage === 'analyze') templateReads(rule.derive, reads);
  else if (rule.stage === 'plan') templateReads([rule.action.target, rule.action.params], reads);
  const ref = `${rule.id}@${rule.version}`;
  const ownFiringFor = rule.alerts.length > 0 && reads.has('firingFor');
  const shared = table.add(condition.leaves, ownFiringFor ? ref : undefined);
  return { rule, ref, stage: rule.stage, order, condition, reads, ownFiringFor, shared, shape: shapes.add(condition.root, shared), memo: newTraceMemo(budget) };
}

const cache = new WeakMap<RuleSet, CompiledRuleSet>();

export function compileRuleSet(rs: RuleSet): CompiledRuleSet {
  const hit = cache.get(rs);
  if (hit !== undefined) return hit;
  const analyzeRules = rs.rules.filter((r): r is AnalyzeRule => r.stage === 'analyze').sort(compareRules);
  const planRules = rs.rules.filter((r): r is PlanRule => r.stage === 'plan').sort(compareRules);
  const budget = newTraceBudget();
  const table = new LeafTable();
  const shapes = new ConditionShapes();
  const analyze = analyzeRules.map((r, i) => compileRule(r, i, rs, budget, table, shapes));
  const plan = planRules.map((r, i) => compileRule(r, i, rs, budget, table, shapes));
  const veto = rs.rules.filter((r): r is VetoRule => r.stage === 'veto').sort(compareRules).map((r, i) => compileRule(r, i, rs, budget, table, shapes));
  const byId = new Map<string, CompiledRule>();
  for (const c of [...analyze, ...plan, ...veto]) byId.set(c.rule.id, c);
  const compiled = { ruleSet: rs, analyze: new RuleIndex(analyze), plan: new RuleIndex(plan), veto: new RuleIndex(veto), byId, scratch: new LeafScratch<Outcome>(table.leaves.length, shapes.size) };
  cache.set(rs, compiled);
  return compiled;
}

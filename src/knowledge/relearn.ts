/** One learning step against a store: read outcomes and weights, learn, save every change. */
import type { OutcomeMark, WeightChange } from '../types/execution.js';
import type { ExtendedKnowledgeStore } from '../types/knowledge.js';
import type { RuleSet } from '../types/rules.js';
import { learn, type LearnerOptions, type PlanRuleInfo } from './learner.js';

/** Outcomes the learner reads per step (newest). */
export const LEARN_WINDOW = 2_000;

export function planRuleIds(ruleSet: Pick<RuleSet, 'rules'>): string[] {
  return ruleSet.rules.filter((r) => r.stage === 'plan').map((r) => r.id);
}

/** The plan rules with what the learner needs of them (declared prior, benefit, cost). */
export function planRulesOf(ruleSet: Pick<RuleSet, 'rules'>): PlanRuleInfo[] {
  const out: PlanRuleInfo[] = [];
  for (const r of ruleSet.rules) {
    if (r.stage !== 'plan') continue;
    const a = r.action;
    out.push({ id: r.id, priority: r.priority, successProbability: a.successProbability, benefit: a.benefit, cost: a.cost, ...(a.type === 'notify' ? { notify: true } : {}) });
  }
  return out;
}

/**
 * Idempotent: a situated weight moves only when its situation has outcomes newer than its
 * last change's `upTo` mark, so calling this after every cycle never re-applies the same
 * outcomes, and nothing changes without a new outcome.
 */
export async function relearn(store: ExtendedKnowledgeStore, planRules: readonly (string | PlanRuleInfo)[], at: string, options?: Partial<LearnerOptions>): Promise<readonly WeightChange[]> {
  const outcomes = await store.outcomes({ limit: LEARN_WINDOW });
  const latest = await store.latestWeightChanges();
  const current: Record<string, number> = {};
  const learned: Record<string, OutcomeMark> = {};
  for (const [id, w] of Object.entries(latest)) {
    current[id] = w.to;
    if (w.upTo) learned[id] = w.upTo;
  }
  const { changes } = learn({ outcomes, current, planRules, at, learned, ...(options ? { options } : {}) });
  for (const c of changes) await store.saveWeightChange(c);
  return changes;
}

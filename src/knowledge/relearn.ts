/** One learning step against a store: read outcomes and weights, learn, save every change. */
import type { WeightChange } from '../types/execution.js';
import type { ExtendedKnowledgeStore } from '../types/knowledge.js';
import type { RuleSet } from '../types/rules.js';
import { learn, type LearnerOptions } from './learner.js';

/** Outcomes the learner reads per step (newest). */
export const LEARN_WINDOW = 2_000;

export function planRuleIds(ruleSet: Pick<RuleSet, 'rules'>): string[] {
  return ruleSet.rules.filter((r) => r.stage === 'plan').map((r) => r.id);
}

export async function relearn(store: ExtendedKnowledgeStore, planRules: readonly string[], at: string, options?: Partial<LearnerOptions>): Promise<readonly WeightChange[]> {
  const outcomes = await store.outcomes({ limit: LEARN_WINDOW });
  const current = await store.currentWeights();
  const { changes } = learn({ outcomes, current, planRules, at, ...(options ? { options } : {}) });
  for (const c of changes) await store.saveWeightChange(c);
  return changes;
}

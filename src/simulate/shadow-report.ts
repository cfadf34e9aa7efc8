/**
 * `mapek knowledge shadow`: per shadow rule, from the stored decisions and executions — how
 * often it would have acted, where it disagreed with what the live rules chose (a different
 * action on that target, or none), and the outcomes the live actions had in those incidents.
 * Pure: the command reads the store and prints this.
 */
import { competitionKey } from '../analyze/compete.js';
import type { Decision } from '../types/decision.js';
import type { ExecutionRecord } from '../types/execution.js';

export interface ShadowRuleReport {
  readonly ruleId: string;
  /**
   * Stored decisions in which its action would have been chosen (an unchanged decision with
   * nothing to run is stored once per refresh period, not every cycle: docs/EXECUTION.md).
   */
  readonly wouldAct: number;
  /** Of those, where the live plan chose something else on the same target, or nothing. */
  readonly disagreed: number;
  /** Live execution status or verify result in the disagreeing incidents → count. */
  readonly liveOutcomes: Readonly<Record<string, number>>;
  /** The newest disagreements: decision id, what the shadow rule would do, what live did. */
  readonly examples: readonly { readonly decisionId: string; readonly shadow: string; readonly live: string }[];
}

const MAX_EXAMPLES = 5;

export function shadowReport(decisions: readonly Decision[], executions: readonly ExecutionRecord[]): ShadowRuleReport[] {
  const byDecision = new Map<string, ExecutionRecord[]>();
  for (const e of executions) {
    const list = byDecision.get(e.decisionId);
    if (list === undefined) byDecision.set(e.decisionId, [e]);
    else list.push(e);
  }
  const rows = new Map<string, { wouldAct: number; disagreed: number; liveOutcomes: Record<string, number>; examples: ShadowRuleReport['examples'][number][] }>();
  for (const d of decisions) {
    for (const s of d.shadow?.chosen ?? []) {
      let row = rows.get(s.ruleId);
      if (row === undefined) rows.set(s.ruleId, (row = { wouldAct: 0, disagreed: 0, liveOutcomes: {}, examples: [] }));
      row.wouldAct++;
      const key = competitionKey(s.action);
      const live = d.chosen.find((c) => competitionKey(c.action) === key);
      if (live !== undefined && live.action.type === s.action.type && JSON.stringify(live.action.params) === JSON.stringify(s.action.params)) continue;
      row.disagreed++;
      const liveText = live === undefined ? 'nothing' : `${live.action.type} ${live.action.target} (${live.ruleId})`;
      if (row.examples.length < MAX_EXAMPLES) row.examples.push({ decisionId: d.id, shadow: `${s.action.type} ${s.action.target}`, live: liveText });
      for (const e of byDecision.get(d.id) ?? []) {
        const outcome = e.verify ?? e.status;
        row.liveOutcomes[outcome] = (row.liveOutcomes[outcome] ?? 0) + 1;
      }
    }
  }
  return [...rows].map(([ruleId, r]) => ({ ruleId, ...r })).sort((a, b) => (a.ruleId < b.ruleId ? -1 : 1));
}

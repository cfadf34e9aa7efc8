/**
 * Helpers for the loop-fix tests (helper K): a hand-written Alertmanager whose alerts the test
 * sets, a rule loader with the shipped rules' cooldowns off and verification an hour away (so
 * that only the intent key can stop a second action), and the invariant that every chosen
 * action is accounted for in the store.
 */
import type { RuleLoader } from '../../src/app/rules-holder.js';
import { loadRuleSet } from '../../src/rules/load.js';
import type { Alert } from '../../src/types/alert.js';
import type { Decision } from '../../src/types/decision.js';
import type { ExtendedKnowledgeStore } from '../../src/types/knowledge.js';
import type { AlertmanagerApi } from '../../src/types/ports.js';
import type { Rule } from '../../src/types/rules.js';

export function firingAlert(name: string, labels: Record<string, string>, fingerprint: string, startsAt: string): Alert {
  return { fingerprint, name, severity: 'warning', state: 'firing', labels: { alertname: name, ...labels }, annotations: {}, startsAt, silenced: false, inhibited: false, source: 'alertmanager' };
}

/** An Alertmanager that answers `alerts()` with whatever `current` holds. */
export function settableAlertmanager(): AlertmanagerApi & { current: Alert[]; posted: number } {
  const am = {
    current: [] as Alert[],
    posted: 0,
    alerts: async () => am.current,
    silences: async () => [],
    createSilence: async () => 'silence',
    expireSilence: async () => undefined,
    receivers: async () => ['mapek'],
    status: async () => ({ version: 'fake', uptime: '' }),
    postAlerts: async () => {
      am.posted++;
    },
  };
  return am;
}

/** The shipped rules with every cooldown 0 and verification `verifyAfterMs` after the action. */
export function uncooledRules(verifyAfterMs = 3_600_000): RuleLoader {
  return async (paths) => {
    const r = await loadRuleSet(paths);
    if (!r.ok) return r;
    const rules: Rule[] = r.ruleSet.rules.map((rule) =>
      rule.stage !== 'plan' ? rule : { ...rule, action: { ...rule.action, cooldownMs: 0, verify: { ...rule.action.verify, afterMs: verifyAfterMs } } },
    );
    return { ...r, ruleSet: { ...r.ruleSet, rules } };
  };
}

/**
 * Chosen actions that have neither an execution of their decision nor a duplicate note naming
 * one. A decision the executor did not store (it repeated the incident's last recorded one
 * unchanged: `sameAs` maps it to that one, as `Executor.unrecorded()` and the cycle report
 * do) is accounted for by that recorded decision, which must plan the same chosen actions.
 */
export async function unexplained(store: ExtendedKnowledgeStore, decisions: readonly Decision[], sameAs: ReadonlyMap<string, string> = new Map()): Promise<string[]> {
  const out: string[] = [];
  for (const d of decisions) {
    const recordedId = sameAs.get(d.id);
    if (recordedId !== undefined && (await store.getDecision(d.id)) !== undefined) out.push(`${d.id} (cycle ${d.cycleId}) said not stored, but stored`);
    const stored = await store.getDecision(recordedId ?? d.id);
    if (recordedId !== undefined && JSON.stringify(stored?.chosen) !== JSON.stringify(d.chosen)) out.push(`${d.id} (cycle ${d.cycleId}) not stored, and ${recordedId} plans other actions`);
    const execs = await store.findExecutions({ decisionId: recordedId ?? d.id });
    for (const c of d.chosen) {
      const own = execs.some((e) => e.ruleId === c.ruleId && e.action.target === c.action.target);
      const dup = stored?.duplicates?.some((x) => x.ruleId === c.ruleId && x.target === c.action.target && x.executionId !== '') === true;
      if (!own && !dup) out.push(`${d.id} (cycle ${d.cycleId}) ${c.ruleId} → ${c.action.target}`);
    }
  }
  return out;
}

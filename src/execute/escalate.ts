/**
 * Escalation: when the controller has no good attempt left for an incident, it says so
 * instead of going quiet. After a failed verification, `nextBest` escalates when the
 * decision's attempts are used up (`maxFallbacks`), when no candidate is left, or when every
 * remaining candidate's expected success is below `escalation.minExpectedSuccess`. It then
 * (once per decision) records an execution with status `escalated` — nothing is written to
 * Charter, nothing is learned from it — logs the incident's history for a human and posts a
 * `MapekEscalation` alert to Alertmanager with that history.
 */
import type { Candidate, Decision } from '../types/decision.js';
import type { ExecutionRecord, WeightChange } from '../types/execution.js';
import { situatedKey } from '../types/rules.js';
import { newRecord } from './record.js';
import { errorText } from './retry.js';
import { iso, type ExecState } from './state.js';

export const ESCALATION_ALERT = 'MapekEscalation';

/** Incident history lines shown to the human (newest last). */
const HISTORY_LINES = 20;

/**
 * The learner's posterior mean for the candidate in this situation, else its declared
 * success probability (utility / (benefit − cost)), else undefined (unknown: not below).
 */
export function expectedSuccess(c: Candidate, kind: string, latest: Readonly<Record<string, WeightChange>>): number | undefined {
  const e = latest[situatedKey(c.ruleId, kind)]?.estimate;
  if (e) return e.mean;
  const net = c.action.benefit - c.action.cost;
  return net > 0 ? c.utility / net : undefined;
}

export function historyOf(records: readonly ExecutionRecord[]): string[] {
  return [...records]
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))
    .slice(-HISTORY_LINES)
    .map((r) => `${r.createdAt} ${r.ruleId}: ${r.action.type} "${r.action.target}" ${r.status}${r.verify ? ` (verify ${r.verify})` : ''}`);
}

/** Key of a decision's escalation record: one per decision. */
export const escalationKey = (decisionId: string): string => `${decisionId}#escalated`;

export async function escalate(st: ExecState, d: Decision, failed: ExecutionRecord, why: string, cycleId: string): Promise<ExecutionRecord[]> {
  const history = historyOf(await st.store.findExecutions({ incidentId: d.incidentId }));
  const message = `incident ${d.incidentId} (${failed.incidentKind}) is not remediated: ${why}; a human is needed`;
  const base = newRecord(st, d, { ruleId: failed.ruleId, action: failed.action } as Candidate, escalationKey(d.id), cycleId, 'escalated');
  const r: ExecutionRecord = { ...base, action: { ...failed.action, type: 'notify', target: 'human', params: { message } }, note: `${message}\n${history.join('\n')}` };
  if (!(await st.store.recordIntent(r))) return []; // escalated already
  st.log.warn('escalated to a human', { incident: d.incidentId, decision: d.id, why, history });
  if (st.alertmanager) {
    try {
      await st.alertmanager.postAlerts([
        {
          labels: { alertname: ESCALATION_ALERT, severity: 'critical', service: 'mapek', incident: d.incidentId, kind: failed.incidentKind },
          annotations: { summary: message, description: history.join('\n') },
          startsAt: iso(st.now()),
        },
      ]);
    } catch (err) {
      st.log.error('could not post the escalation alert', { incident: d.incidentId, error: errorText(err) });
    }
  }
  return [r];
}

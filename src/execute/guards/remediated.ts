/**
 * Already remediated: a change action for an incident whose current alerts were firing
 * already when another change action on the same incident was applied and then verified as
 * succeeded. Those alerts are the fixed occurrence, still in the data window (Charter's,
 * Prometheus's) or not yet resolved in Alertmanager; acting on them again would change what
 * was just fixed — and a rollback of the fix re-applies the fault. A re-fire after the
 * alert resolved has a later startsAt: a new occurrence, not held back. A follow-up after a
 * *failed* verification (the fallback) never meets a succeeded record of its own episode.
 */
import type { ExecutionRecord } from '../../types/execution.js';
import type { ExtendedKnowledgeStore } from '../../types/knowledge.js';

/** Records created this long before the alerts' start are still looked at (an intent recorded, then applied after they started). */
const CREATED_SLACK_MS = 60_000;

/** The newest of `records` (the incident's succeeded executions) that is a change applied at or after `firingSince` (ms), if any. */
export function verifiedFixSince(records: readonly ExecutionRecord[], firingSince: number): ExecutionRecord | undefined {
  let best: ExecutionRecord | undefined;
  for (const r of records) {
    if (r.status !== 'succeeded' || r.action.type === 'notify' || r.appliedAt === undefined) continue;
    if (Date.parse(r.appliedAt) < firingSince) continue;
    if (best === undefined || r.appliedAt > (best.appliedAt ?? '')) best = r;
  }
  return best;
}

/**
 * `firingSince`: the start of the NEWEST firing alert the candidate reacts to — an alert that
 * began after the fix is a new occurrence, and lets the action through.
 */
export async function remediatedBlock(store: ExtendedKnowledgeStore, incidentId: string, firingSince: number | undefined): Promise<string | undefined> {
  if (firingSince === undefined) return undefined;
  const since = new Date(firingSince - CREATED_SLACK_MS).toISOString();
  // incidentId in the query: the stores filter on it before reading any record body
  const fix = verifiedFixSince(await store.findExecutions({ incidentId, status: ['succeeded'], since }), firingSince);
  if (fix === undefined) return undefined;
  return `incident "${incidentId}" was remediated by ${fix.action.type} "${fix.action.target}" (rule ${fix.ruleId}, execution ${fix.id}, applied ${fix.appliedAt}, verified) after its alerts (the newest firing since ${new Date(firingSince).toISOString()}) had started: they are the fixed occurrence`;
}

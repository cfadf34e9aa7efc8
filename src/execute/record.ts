/** Building and updating execution records (the record stage's vocabulary). */
import type { Candidate, Decision } from '../types/decision.js';
import type { ExecutionRecord, ExecutionStatus } from '../types/execution.js';
import { incidentKind } from './key.js';
import { iso, type ExecState } from './state.js';

export function newRecord(st: ExecState, d: Decision, c: Candidate, key: string, cycleId: string, status: ExecutionStatus): ExecutionRecord {
  const now = iso(st.now());
  return {
    key,
    id: st.ids(),
    decisionId: d.id,
    cycleId,
    ruleId: c.ruleId,
    incidentId: d.incidentId,
    incidentKind: incidentKind(d),
    action: c.action,
    status,
    createdAt: now,
    updatedAt: now,
  };
}

/** Updates the stored record and returns the merged copy. */
export async function update(st: ExecState, r: ExecutionRecord, patch: Partial<ExecutionRecord>): Promise<ExecutionRecord> {
  const next = { ...r, ...patch, updatedAt: iso(st.now()) };
  await st.store.updateExecution(r.key, { ...patch, updatedAt: next.updatedAt });
  return next;
}

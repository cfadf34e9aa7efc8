/** Hand-made execution records for the audit's tests (a scale of committee-ops unless told). */
import type { ActionType } from '../../src/types/catalog.js';
import type { ExecutionRecord, ExecutionStatus } from '../../src/types/execution.js';

export function record(key: string, status: ExecutionStatus, o: { type?: ActionType; target?: string; params?: Record<string, unknown>; prior?: unknown; id?: string; appliedAt?: string } = {}): ExecutionRecord {
  return {
    key,
    id: o.id ?? `exec-${key}`,
    decisionId: 'dec-1',
    cycleId: 'cycle-1',
    ruleId: 'scale-ops',
    incidentId: 'committee:committee-ops',
    incidentKind: 'CommitteeOverloaded',
    action: { type: o.type ?? 'scale_committee', target: o.target ?? 'committee-ops', params: o.params ?? {}, cost: 1, benefit: 2, risk: 'low', verify: { afterMs: 0, conditions: { all: [] } }, cooldownMs: 0 },
    status,
    ...(o.prior !== undefined ? { prior: o.prior } : {}),
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:01.000Z',
    ...(o.appliedAt !== undefined || (status !== 'pending' && status !== 'error') ? { appliedAt: o.appliedAt ?? '2026-01-01T00:00:01.000Z' } : {}),
  };
}

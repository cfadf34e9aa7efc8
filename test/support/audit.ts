/**
 * The audit as the fault suite runs it after every case: the store directory (read without
 * locking, so the service may still run) against the Charter at `charterUrl`.
 */
import { auditKnowledge, type AuditReport, type DisagreementKind } from '../../src/execute/audit.js';
import { CharterClient } from '../../src/integration/charter-client.js';
import { readWriteLog } from '../../src/integration/charter-writes.js';
import { openReadonlyView } from '../../src/knowledge/index.js';

export async function auditStore(dir: string, charterUrl: string): Promise<AuditReport> {
  const store = await openReadonlyView(dir);
  const charter = new CharterClient({ baseUrl: charterUrl, retries: 0 });
  try {
    return await auditKnowledge({ store, charter, writeLog: () => readWriteLog(charter.http) });
  } finally {
    charter.http.close();
    await store.close();
  }
}

/** How many disagreements of each kind (every kind present, 0 when none): for the suite's summary. */
export function countByKind(r: AuditReport): Record<DisagreementKind, number> {
  const out: Record<DisagreementKind, number> = { unrecorded_write: 0, unrecorded_undo: 0, write_missing: 0, unexpected_write: 0, double_apply: 0, state_mismatch: 0 };
  for (const d of r.disagreements) out[d.kind]++;
  return out;
}

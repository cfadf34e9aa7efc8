/**
 * The fault suite's totals, and the one check `mapek knowledge audit` does not make: nothing
 * left half-done. What the records say against what Charter's write log shows (a write with
 * no record, a record whose write never landed, a write landed twice, an undo unrecorded) is
 * the audit's comparison (src/execute/audit.ts), which the suite runs after every case.
 */
import type { AuditReport } from '../../src/execute/audit.js';
import type { ExecutionRecord } from '../../src/types/execution.js';

/** Records a case must not end with: an intent or an undo still unsettled. */
export function halfDone(records: readonly ExecutionRecord[]): string[] {
  return records.filter((r) => r.status === 'pending' || r.status === 'rolling_back').map((r) => `record ${r.key} left ${r.status}`);
}

/** Totals over the suite, printed at its end and quoted in docs/EXECUTION.md. */
export class SuiteTally {
  faults = 0;
  survived = 0;
  records = 0;
  disagreements = 0;
  doubleApplies = 0;
  lost = 0;

  add(audit: AuditReport, halfDoneRecords: readonly string[], lost: number): void {
    const wrong = audit.disagreements.length + halfDoneRecords.length;
    this.faults += 1;
    this.records += audit.records;
    this.disagreements += wrong;
    this.doubleApplies += audit.disagreements.filter((d) => d.kind === 'double_apply').length;
    this.lost += lost;
    if (wrong === 0 && lost === 0) this.survived += 1;
  }

  summary(): string {
    return `fault suite: ${this.faults} faults injected, ${this.survived} survived, ${this.records} records checked, disagreements: ${this.disagreements}, double applies: ${this.doubleApplies}, acknowledged records lost: ${this.lost}`;
  }
}

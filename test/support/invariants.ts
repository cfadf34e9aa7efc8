/**
 * The fault suite's invariant: what the knowledge store says happened is what happened in
 * Charter. Compares the store's execution records with the reference Charter's write log:
 * every Charter write has exactly one record that says it landed, no write landed twice,
 * every record that says a write landed has it, and nothing is left half-done.
 */
import type { WriteRecord } from '../../src/charter/index.js';
import type { ExecutionRecord, ExecutionStatus } from '../../src/types/execution.js';

const LANDED: readonly ExecutionStatus[] = ['applied', 'succeeded', 'failed', 'inconclusive', 'rolling_back', 'rolled_back'];
const NOT_WRITTEN: readonly ExecutionStatus[] = ['error', 'conflict', 'target_not_found', 'released', 'abandoned', 'shadow', 'escalated', 'blocked', 'unchanged', 'awaiting_approval', 'rejected'];

export interface InvariantReport {
  readonly records: number;
  readonly writes: number;
  readonly disagreements: readonly string[];
  readonly doubleApplies: number;
}

export function checkInvariants(records: readonly ExecutionRecord[], applied: readonly WriteRecord[]): InvariantReport {
  const out: string[] = [];
  const byKey = new Map(records.map((r) => [r.key, r]));
  const writesByKey = new Map<string, WriteRecord[]>();
  for (const w of applied) {
    const k = w.idempotencyKey ?? `(no key) ${w.method} ${w.path}`;
    writesByKey.set(k, [...(writesByKey.get(k) ?? []), w]);
  }
  let doubleApplies = 0;
  for (const [k, ws] of writesByKey) {
    if (ws.length > 1) {
      doubleApplies += ws.length - 1;
      out.push(`write ${k} landed ${ws.length} times`);
    }
    const undo = k.endsWith(':rollback');
    const r = byKey.get(undo ? k.slice(0, -':rollback'.length) : k);
    if (!r) out.push(`write ${k} (${ws[0]?.method} ${ws[0]?.path}) landed with no execution record`);
    else if (undo && !['rolled_back', 'failed'].includes(r.status)) out.push(`undo ${k} landed but the record says ${r.status}`);
    else if (!undo && !LANDED.includes(r.status)) out.push(`write ${k} landed but the record says ${r.status}`);
  }
  for (const r of records) {
    if (r.action.type === 'notify') continue; // notifications go to Alertmanager, not Charter
    const ws = writesByKey.get(r.key) ?? [];
    if (r.status === 'pending' || r.status === 'rolling_back') out.push(`record ${r.key} left ${r.status}`);
    if (LANDED.includes(r.status) && ws.length === 0) out.push(`record ${r.key} says ${r.status} but no write landed`);
    if (NOT_WRITTEN.includes(r.status) && ws.length > 0) out.push(`record ${r.key} says ${r.status} but its write landed`);
    if (r.status === 'rolled_back' && (writesByKey.get(`${r.key}:rollback`)?.length ?? 0) === 0 && r.note === undefined) out.push(`record ${r.key} says rolled_back but no undo write landed`);
  }
  return { records: records.length, writes: applied.length, disagreements: out, doubleApplies };
}

/** Totals over the suite, printed at its end and quoted in docs/EXECUTION.md. */
export class SuiteTally {
  faults = 0;
  survived = 0;
  records = 0;
  disagreements = 0;
  doubleApplies = 0;
  lost = 0;

  add(r: InvariantReport, lost: number): void {
    this.faults += 1;
    this.records += r.records;
    this.disagreements += r.disagreements.length;
    this.doubleApplies += r.doubleApplies;
    this.lost += lost;
    if (r.disagreements.length === 0 && lost === 0) this.survived += 1;
  }

  summary(): string {
    return `fault suite: ${this.faults} faults injected, ${this.survived} survived, ${this.records} records checked, disagreements: ${this.disagreements}, double applies: ${this.doubleApplies}, acknowledged records lost: ${this.lost}`;
  }
}

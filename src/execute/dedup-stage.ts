/**
 * Deduplicate: an intent key seen before is never applied again. The exceptions: an intent
 * waiting for approval (once approved it may proceed, exactly once, by a compare-and-set in
 * the store; once rejected it is closed), and an intent that crash recovery released
 * because its write was never sent (it may run again under its key, also by compare-and-set).
 */
import type { ExecutionRecord } from '../types/execution.js';
import type { ExecState } from './state.js';
import { iso } from './state.js';

export type DedupResult =
  | { readonly kind: 'new' }
  | { readonly kind: 'duplicate'; readonly record: ExecutionRecord }
  | { readonly kind: 'waiting'; readonly record: ExecutionRecord }
  | { readonly kind: 'approved'; readonly record: ExecutionRecord }
  | { readonly kind: 'released'; readonly record: ExecutionRecord; readonly approved: boolean }
  | { readonly kind: 'closed'; readonly record: ExecutionRecord };

export async function dedup(st: ExecState, key: string): Promise<DedupResult> {
  const record = await st.store.getExecution(key);
  if (!record) return { kind: 'new' };
  if (record.status === 'released') {
    // A high-risk intent was approved before it ran: the approval still stands.
    return { kind: 'released', record, approved: (await st.store.getApproval(record.id))?.state === 'approved' };
  }
  if (record.status !== 'awaiting_approval') return { kind: 'duplicate', record };
  const approval = await st.store.getApproval(record.id);
  const now = st.now();
  if (approval?.state === 'approved') return { kind: 'approved', record };
  if (approval?.state === 'rejected') {
    const patch = { status: 'rejected' as const, error: `rejected by ${approval.resolvedBy ?? 'a human'}${approval.reason ? `: ${approval.reason}` : ''}`, updatedAt: iso(now) };
    await st.store.transition(key, ['awaiting_approval'], patch);
    return { kind: 'closed', record: { ...record, ...patch } };
  }
  if (now - Date.parse(record.createdAt) >= st.o.approvalTtlMs) {
    const patch = { status: 'blocked' as const, guard: 'approval_required' as const, guardDetail: `approval expired after ${Math.round(st.o.approvalTtlMs / 1000)}s`, updatedAt: iso(now) };
    await st.store.transition(key, ['awaiting_approval'], patch);
    return { kind: 'closed', record: { ...record, ...patch } };
  }
  return { kind: 'waiting', record };
}

/** Closes records whose approval was rejected, without waiting for the incident to recur. */
export async function closeRejected(st: ExecState): Promise<void> {
  for (const a of await st.store.listApprovals(['rejected'])) await dedup(st, a.key);
}

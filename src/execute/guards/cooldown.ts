/**
 * Per-target cooldown, read from the store so that it survives a restart. It is kept per
 * target and per kind of action: a notification never blocks a remediation of the same
 * target, nor a remediation a notification (telling a human is not acting on the target).
 */
import type { ActionType } from '../../types/catalog.js';
import type { ExecutionRecord } from '../../types/execution.js';
import type { ExtendedKnowledgeStore } from '../../types/knowledge.js';

/** Statuses whose write landed on the target. */
export const ACTED = ['applied', 'succeeded', 'failed', 'inconclusive', 'rolling_back', 'rolled_back'];

export type CooldownKind = 'notify' | 'change';

export function cooldownKind(type: ActionType): CooldownKind {
  return type === 'notify' ? 'notify' : 'change';
}

export function lastActedAt(records: readonly ExecutionRecord[]): number | undefined {
  const t = records.map((r) => (r.appliedAt ? Date.parse(r.appliedAt) : NaN)).filter((n) => !Number.isNaN(n));
  return t.length ? Math.max(...t) : undefined;
}

export function cooldownText(target: string, last: number | undefined, cooldownMs: number, now: number, kind: CooldownKind = 'change'): string | undefined {
  if (last === undefined || now - last >= cooldownMs) return undefined;
  const what = kind === 'notify' ? 'notified about' : 'acted on';
  return `"${target}" was ${what} ${Math.round((now - last) / 1000)}s ago; cooldown ${Math.round(cooldownMs / 1000)}s`;
}

export async function cooldownBlock(store: ExtendedKnowledgeStore, type: ActionType, target: string, cooldownMs: number, now: number): Promise<string | undefined> {
  if (cooldownMs <= 0) return undefined;
  const kind = cooldownKind(type);
  const since = new Date(now - cooldownMs).toISOString();
  const recent = (await store.findExecutions({ target, status: ACTED, since })).filter((r) => cooldownKind(r.action.type) === kind);
  return cooldownText(target, lastActedAt(recent), cooldownMs, now, kind);
}

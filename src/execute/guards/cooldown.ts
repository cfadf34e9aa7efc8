/** Per-target cooldown, read from the store so that it survives a restart. */
import type { ExecutionRecord } from '../../types/execution.js';
import type { ExtendedKnowledgeStore } from '../../types/knowledge.js';

/** Statuses whose write landed on the target. */
export const ACTED = ['applied', 'succeeded', 'failed', 'inconclusive', 'rolled_back'];

export function lastActedAt(records: readonly ExecutionRecord[]): number | undefined {
  const t = records.map((r) => (r.appliedAt ? Date.parse(r.appliedAt) : NaN)).filter((n) => !Number.isNaN(n));
  return t.length ? Math.max(...t) : undefined;
}

export function cooldownText(target: string, last: number | undefined, cooldownMs: number, now: number): string | undefined {
  if (last === undefined || now - last >= cooldownMs) return undefined;
  return `"${target}" was acted on ${Math.round((now - last) / 1000)}s ago; cooldown ${Math.round(cooldownMs / 1000)}s`;
}

export async function cooldownBlock(store: ExtendedKnowledgeStore, target: string, cooldownMs: number, now: number): Promise<string | undefined> {
  if (cooldownMs <= 0) return undefined;
  const since = new Date(now - cooldownMs).toISOString();
  const recent = await store.findExecutions({ target, status: ACTED, since });
  return cooldownText(target, lastActedAt(recent), cooldownMs, now);
}

/** Retention limits: the store stays bounded; records still in flight are never removed. */

export interface RetentionOptions {
  /** Decisions kept (newest first). Default 5,000. */
  readonly maxDecisions: number;
  /** Execution records kept; pending, applied and awaiting-approval ones are always kept. Default 20,000. */
  readonly maxExecutions: number;
  /** Outcomes kept (the learner's input). Default 20,000. */
  readonly maxOutcomes: number;
  /** Weight changes kept; the newest change of every rule is always kept. Default 5,000. */
  readonly maxWeightChanges: number;
  /** Resolved approvals kept. Default 1,000. */
  readonly maxApprovals: number;
  /**
   * Retention (and compaction) is due after this many writes; the owner runs it between
   * cycles with `maintain()`, never inside a write. Default 500.
   */
  readonly retainEvery: number;
  /**
   * Backstop for a store whose owner never calls `maintain()` (a tool, a test): the write
   * that reaches this many writes since the last pass runs it. Default 10 × retainEvery.
   */
  readonly backstopEvery: number;
  /**
   * Documents removed per slice of a retention pass; the pass yields to the event loop
   * between slices, so a webhook arriving meanwhile is served within one slice. Default 500.
   */
  readonly sliceDocs: number;
  /**
   * Share of a journal file that must be superseded or deleted lines before a pass compacts
   * it (opening the store always compacts). Default 0.5: each file is rewritten about once
   * per doubling, not on every pass.
   */
  readonly compactGarbage: number;
}

export const DEFAULT_RETENTION: RetentionOptions = Object.freeze({
  maxDecisions: 5_000,
  maxExecutions: 20_000,
  maxOutcomes: 20_000,
  maxWeightChanges: 5_000,
  maxApprovals: 1_000,
  retainEvery: 500,
  backstopEvery: 5_000,
  sliceDocs: 500,
  compactGarbage: 0.5,
});

export function resolveRetention(o: Partial<RetentionOptions> = {}): RetentionOptions {
  const retainEvery = o.retainEvery ?? DEFAULT_RETENTION.retainEvery;
  return Object.freeze({ ...DEFAULT_RETENTION, backstopEvery: Math.max(retainEvery, Math.min(Number.MAX_SAFE_INTEGER, retainEvery * 10)), ...o });
}

/** Execution statuses that are still in flight. */
export const LIVE_STATUSES = ['pending', 'applied', 'rolling_back', 'awaiting_approval'] as const;

/**
 * Which ids to drop: all but the newest `max` of `items` (sorted oldest first), skipping the
 * ones `keep` protects.
 */
export function overflow<T extends { id: string }>(itemsOldestFirst: readonly T[], max: number, keep: (t: T) => boolean = () => false): string[] {
  const removable = itemsOldestFirst.filter((t) => !keep(t));
  const excess = itemsOldestFirst.length - max;
  if (excess <= 0) return [];
  return removable.slice(0, excess).map((t) => t.id);
}

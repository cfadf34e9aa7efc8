import type { Decision } from '../types/decision.js';
import type { ExecutionRecord } from '../types/execution.js';
import type { Executor } from '../types/executor.js';
import type { KnowledgeStore, Monitor, Planner } from '../types/ports.js';
import type { Weights } from '../types/rules.js';
import type { Snapshot } from '../types/snapshot.js';
import type { Logger } from '../observability/logger.js';
import type { Phase, ServiceMetrics, Trigger } from '../observability/metrics.js';
import { incidentStartedAt } from '../execute/guards/alerts.js';

/** What one cycle needs; the composition root wires real or fake implementations. */
export interface CycleDeps {
  readonly monitor: Monitor;
  /** The planner for the rule set in force now (hot reload swaps it between cycles). */
  readonly planner: () => Planner;
  readonly executor: Executor;
  readonly store: KnowledgeStore;
  readonly log: Logger;
  readonly metrics?: ServiceMetrics;
  /** Monotonic milliseconds, for phase durations. */
  readonly clock: () => number;
  /** Runs after the record phase, before the cycle is reported (e.g. the learner). */
  readonly afterRecord?: (records: readonly ExecutionRecord[], cycleId: string) => Promise<void>;
}

export type CycleStatus = 'ok' | 'error' | 'timeout';

export interface CycleReport {
  readonly cycleId: string;
  /** Why the cycle ran: informational only, decisions never depend on it. */
  readonly triggers: readonly Trigger[];
  readonly status: CycleStatus;
  readonly error?: string;
  readonly snapshot?: Snapshot;
  readonly weights?: Weights;
  readonly decisions: readonly Decision[];
  readonly executions: readonly ExecutionRecord[];
  /**
   * Decisions the executor did not store because each repeats, unchanged, the last one
   * recorded for its incident: decision id → that recorded decision's id. Absent: none.
   */
  readonly unrecorded?: ReadonlyMap<string, string>;
  /** True when Charter was unreachable: planned, recorded as blocked, not executed (retried next cycle). */
  readonly executionSkipped: boolean;
  readonly durationsMs: Readonly<Partial<Record<Phase, number>>>;
}

/** Thrown between phases when the cycle's deadline has passed. */
export class CycleAbortedError extends Error {
  /** `why`: what stopped it (the signal's reason), e.g. "timed out" or "stopped: shutting down". */
  constructor(cycleId: string, phase: Phase, why = 'timed out') {
    super(`cycle ${cycleId} ${why} before ${phase}`);
    this.name = 'CycleAbortedError';
  }
}

/** The abort reasons the controller gives: the cycle's deadline passed, or the service stops. */
export const ABORT_TIMEOUT = 'timed out';
export const ABORT_STOP = 'stopped: shutting down';
/** The replica lost the leader lease: another replica acts now. */
export const ABORT_LEASE = 'stopped: leader lease lost';

/**
 * One level-based pass: read weights → observe → plan → execute → record. The snapshot is
 * the whole current state; nothing here depends on which trigger scheduled the cycle.
 * `signal` is checked between phases: once aborted, no new phase (above all no execute) starts;
 * the executor gets it too, and starts no new action once it aborts.
 */
export async function runCycle(deps: CycleDeps, cycleId: string, triggers: readonly Trigger[], signal?: AbortSignal): Promise<CycleReport> {
  const log = deps.log.child({ cycleId });
  const durationsMs: Partial<Record<Phase, number>> = {};
  const timed = async <T>(phase: Phase, f: () => Promise<T> | T): Promise<T> => {
    if (signal?.aborted === true) throw new CycleAbortedError(cycleId, phase, typeof signal.reason === 'string' ? signal.reason : ABORT_TIMEOUT);
    const start = deps.clock();
    try {
      return await f();
    } finally {
      const ms = deps.clock() - start;
      durationsMs[phase] = ms;
      deps.metrics?.phaseDuration.observe({ phase }, ms / 1000);
    }
  };

  const weights = await deps.store.currentWeights();
  const snapshot = await timed('monitor', () => deps.monitor.observe());
  for (const [source, status] of Object.entries(snapshot.sources)) {
    deps.metrics?.sourceDegraded.set({ source }, status.ok ? 0 : 1);
    if (!status.ok) {
      deps.metrics?.monitorErrors.inc({ source });
      log.warn('monitor source unavailable; running degraded', { source, error: status.error });
    }
  }
  const decisions = await timed('plan', () => deps.planner().plan(snapshot, weights, cycleId));
  const charterDown = snapshot.sources.charter?.ok === false;
  if (charterDown) {
    const chosen = decisions.reduce((n, d) => n + d.chosen.length, 0);
    if (chosen > 0) log.warn('charter unavailable: planned, not executed; retrying next cycle', { chosen });
  }
  // With Charter down too: the executor records each chosen action as blocked
  // (charter_unavailable) so that no planned action goes unrecorded; notify still goes.
  const executions = await timed('execute', () => deps.executor.execute(decisions, snapshot, cycleId, signal));
  const unrecorded = deps.executor.unrecorded();
  await timed('record', async () => {
    recordMetrics(deps, snapshot, decisions, executions, weights);
    deps.metrics?.decisionsUnrecorded.inc(unrecorded.size);
    for (const r of deps.executor.refusedAgain()) deps.metrics?.observeRefusedAgain(r);
    await deps.afterRecord?.(executions, cycleId);
  });
  for (const d of decisions) {
    // A decision not stored names the recorded one it repeats: that is the one to explain.
    const sameAs = unrecorded.get(d.id);
    for (const c of d.chosen) log.info('planned', { decisionId: d.id, ...(sameAs !== undefined ? { notRecordedSameAs: sameAs } : {}), incidentId: d.incidentId, rule: c.rule, action: c.action.type, target: c.action.target });
  }
  for (const r of executions) log.info('execution', { key: r.key, action: r.action.type, target: r.action.target, status: r.status, guard: r.guard, verify: r.verify });
  return { cycleId, triggers, status: 'ok', snapshot, weights, decisions, executions, ...(unrecorded.size > 0 ? { unrecorded } : {}), executionSkipped: charterDown, durationsMs };
}

function recordMetrics(deps: CycleDeps, snapshot: Snapshot, decisions: readonly Decision[], executions: readonly ExecutionRecord[], weights: Weights): void {
  const m = deps.metrics;
  if (m === undefined) return;
  m.decisions.inc(decisions.length);
  for (const d of decisions) for (const r of d.rules) if (r.fired) m.rulesFired.inc({ rule: r.rule.split('@')[0] ?? r.rule, stage: r.stage });
  // Each incident's own alerts (an index built once per snapshot), not every alert of its names.
  const incidentStart = new Map<string, string>();
  for (const d of decisions) {
    const at = incidentStartedAt(d, snapshot);
    if (at !== undefined) incidentStart.set(d.incidentId, at);
  }
  for (const r of executions) m.observeExecution(r, incidentStart.get(r.incidentId));
  m.setWeights(weights);
}

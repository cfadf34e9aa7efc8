/** The executor's in-process state and resolved dependencies, shared by the stages. */
import { randomUUID } from 'node:crypto';
import type { ActionType } from '../types/catalog.js';
import type { ExecutionRecord } from '../types/execution.js';
import type { ExtendedKnowledgeStore, Outcome } from '../types/knowledge.js';
import type { AlertmanagerApi, CharterApi, Monitor } from '../types/ports.js';
import { silentLog, type ExecLog, type ExecutorDeps, type ExecutorHooks, type VerifyFn } from './deps.js';
import { CircuitBreaker } from './guards/breaker.js';
import { HysteresisTracker } from './guards/hysteresis.js';
import { TokenBucket } from './guards/token-bucket.js';
import { resolveExecutorOptions, type ExecutorOptions } from './options.js';
import { UnchangedDecisions } from './unchanged.js';

export interface ExecState {
  readonly charter: CharterApi;
  readonly store: ExtendedKnowledgeStore;
  readonly monitor: Monitor;
  readonly verify: VerifyFn;
  readonly alertmanager?: AlertmanagerApi;
  readonly log: ExecLog;
  readonly hooks: ExecutorHooks;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly ids: () => string;
  readonly o: ExecutorOptions;
  readonly breaker: CircuitBreaker;
  readonly hysteresis: HysteresisTracker;
  readonly globalBucket: TokenBucket;
  readonly typeBuckets: Map<ActionType, TokenBucket>;
  /** Keys applied (or being applied) and not yet verified. */
  readonly inflight: Set<string>;
  /** Scheduled verifications: key → due time (epoch ms). */
  readonly queue: Map<string, number>;
  /** Next-best attempts made per decision id. */
  readonly fallbacks: Map<string, number>;
  /** Record updates and outcomes the store failed to take, kept in order until written (record.ts). */
  readonly behind: Behind;
  /** Keys whose write outcome is unknown: reconciled against Charter by the next cycles. */
  readonly needsReconcile: Set<string>;
  /** Executions undone after a crash, whose next-best candidate the next cycle tries (it has the snapshot). */
  readonly nextBestDue: Set<string>;
  /** The last decision recorded per incident: an unchanged one is not stored again (unchanged.ts). */
  readonly unchanged: UnchangedDecisions;
}

export interface Behind {
  readonly updates: Map<string, Partial<ExecutionRecord>>;
  readonly outcomes: Outcome[];
  failures: number;
  nextTryAt: number;
}

export function createState(d: ExecutorDeps): ExecState {
  const o = resolveExecutorOptions(d.options ?? {});
  return {
    charter: d.charter,
    store: d.store,
    monitor: d.monitor,
    verify: d.verify,
    ...(d.alertmanager ? { alertmanager: d.alertmanager } : {}),
    log: d.log ?? silentLog,
    hooks: d.hooks ?? {},
    now: d.clock ?? Date.now,
    sleep: d.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    ids: d.ids ?? randomUUID,
    o,
    breaker: new CircuitBreaker(o.breaker),
    hysteresis: new HysteresisTracker(),
    globalBucket: new TokenBucket(o.rateLimit.global),
    typeBuckets: new Map(),
    inflight: new Set(),
    queue: new Map(),
    fallbacks: new Map(),
    behind: { updates: new Map(), outcomes: [], failures: 0, nextTryAt: 0 },
    needsReconcile: new Set(),
    nextBestDue: new Set(),
    unchanged: new UnchangedDecisions(o.unchangedRefreshMs),
  };
}

export function typeBucket(st: ExecState, type: ActionType): TokenBucket {
  let b = st.typeBuckets.get(type);
  if (!b) st.typeBuckets.set(type, (b = new TokenBucket(st.o.rateLimit.types[type] ?? st.o.rateLimit.perType)));
  return b;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

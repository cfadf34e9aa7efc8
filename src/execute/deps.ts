/** What the executor is built from: ports, injected clock/sleep/ids, options. */
import type { Condition } from '../types/rules.js';
import type { ExtendedKnowledgeStore } from '../types/knowledge.js';
import type { VerifyResult } from '../types/execution.js';
import type { AlertmanagerApi, CharterApi, Monitor } from '../types/ports.js';
import type { Snapshot } from '../types/snapshot.js';
import type { ExecutorOptions, ExecutorOptionsInput } from './options.js';

export interface VerifyOutcome {
  readonly result: VerifyResult;
  readonly trace?: unknown;
}

/**
 * Checks a verify condition against a fresh snapshot for one incident. The service binds
 * the planner's `verifyCondition(ruleSet, …)` to the current rule set.
 */
export type VerifyFn = (snapshot: Snapshot, incidentId: string, condition: Condition) => VerifyOutcome | Promise<VerifyOutcome>;

/** Structurally the observability Logger. */
export interface ExecLog {
  info(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  error(msg: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** Test-only pause points for the crash-recovery tests (a child process is killed there). */
export interface ExecutorHooks {
  /** After the intent was recorded, before Charter is read (no prior state yet). */
  afterIntent?(key: string): Promise<void>;
  /** After the prior state was recorded, just before the write is sent. */
  beforeWrite?(key: string): Promise<void>;
  /** After a write was sent and before it is recorded as applied. */
  afterWrite?(key: string): Promise<void>;
  /** After the undo was journaled (`rolling_back`), just before its write is sent. */
  beforeUndo?(key: string): Promise<void>;
  /** After the undo write was sent and before it is recorded as rolled back. */
  afterUndo?(key: string): Promise<void>;
}

export interface ExecutorDeps {
  readonly charter: CharterApi;
  readonly store: ExtendedKnowledgeStore;
  readonly monitor: Monitor;
  readonly verify: VerifyFn;
  /** Epoch ms. Default Date.now. */
  readonly clock?: () => number;
  /** Default a setTimeout promise. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Execution ids. Default random UUIDs. */
  readonly ids?: () => string;
  readonly options?: ExecutorOptionsInput | ExecutorOptions;
  /** When set, notify actions and circuit-breaker alerts are posted here. */
  readonly alertmanager?: AlertmanagerApi;
  readonly log?: ExecLog;
  readonly hooks?: ExecutorHooks;
}

export const silentLog: ExecLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * What Execute and the CLI need from the knowledge store beyond the KnowledgeStore port:
 * wider execution queries, outcomes for the learner, the approval queue and retention.
 * Implemented by NedbKnowledgeStore and MemoryKnowledgeStore (src/knowledge/).
 */
import type { ActionProposal, Decision } from './decision.js';
import type { ActionType } from './catalog.js';
import type { ExecutionRecord, ExecutionStatus, VerifyResult, WeightChange } from './execution.js';
import type { KnowledgeStore } from './ports.js';

/** findExecutions' query, widened; every field optional, all given ones must match. */
export interface ExecutionQuery {
  readonly status?: readonly string[];
  readonly ruleId?: string;
  /** createdAt ≥ since (ISO-8601). */
  readonly since?: string;
  readonly limit?: number;
  readonly target?: string;
  readonly incidentId?: string;
  readonly decisionId?: string;
  readonly id?: string;
}

/** One verified execution, the learner's input. */
export interface Outcome {
  /** The execution key. */
  readonly key: string;
  readonly ruleId: string;
  readonly incidentKind: string;
  readonly actionType: ActionType;
  readonly result: VerifyResult;
  /** ISO-8601 time of the verification. */
  readonly at: string;
  /** The incident it acted on and when its write landed: its verification window is appliedAt..at (absent in old records). */
  readonly incidentId?: string;
  readonly appliedAt?: string;
}

export type ApprovalState = 'waiting' | 'approved' | 'rejected';

/** A high-risk action waiting for a human (`mapek approve ID` / `mapek reject ID`). */
export interface Approval {
  /** The execution record's id. */
  readonly id: string;
  /** The execution key it unlocks. */
  readonly key: string;
  readonly decisionId: string;
  readonly ruleId: string;
  readonly incidentId: string;
  readonly action: ActionProposal;
  readonly state: ApprovalState;
  readonly requestedAt: string;
  readonly resolvedAt?: string;
  readonly resolvedBy?: string;
  readonly reason?: string;
}

/** What a load found wrong in one data file (nothing is dropped silently). */
export interface LoadReport {
  readonly file: string;
  /** Lines quarantined (not JSON, or a document failing its schema), left out of the live store. */
  readonly dropped: number;
  /** 1-based line numbers of the dropped lines. */
  readonly lines: readonly number[];
  /** Where the text of the dropped lines was kept (FILE.quarantine), written before anything was dropped. */
  readonly backup: string;
}

/** A document the store took out of the live set because it failed its check. */
export interface QuarantinedRecord {
  readonly collection: string;
  readonly id?: string;
  readonly file?: string;
  readonly line?: number;
  readonly reason: string;
  readonly keptIn?: string;
}

/** The store's own condition, for /healthz and /metrics. */
export interface StoreHealth {
  /** Documents quarantined since open, per collection. */
  readonly quarantined: Readonly<Record<string, number>>;
  /** Why the last retention/compaction pass failed (it is retried after the next cycle). */
  readonly retentionError?: string;
  /** Why the newest write failed (disk full, permissions): records are behind until one succeeds. */
  readonly writeError?: string;
  /** Why a shared store (PostgreSQL) cannot be reached now, with host:port; it is retried with backoff. */
  readonly unreachable?: string;
}

export interface RetentionResult {
  readonly removed: Readonly<Record<string, number>>;
}

export interface ExtendedKnowledgeStore extends KnowledgeStore {
  findExecutions(q: ExecutionQuery): Promise<readonly ExecutionRecord[]>;
  /**
   * Compare-and-set: applies `patch` only when the record's status is one of `from`.
   * Resolves whether it did; the way two overlapping triggers agree on who proceeds.
   */
  transition(key: string, from: readonly ExecutionStatus[], patch: Partial<ExecutionRecord>): Promise<boolean>;
  recordOutcome(o: Outcome): Promise<void>;
  /** The newest weight change of every rule (what each weight last learned from). */
  latestWeightChanges(): Promise<Readonly<Record<string, WeightChange>>>;
  outcomes(q?: { ruleId?: string; since?: string; limit?: number }): Promise<readonly Outcome[]>;
  requestApproval(a: Approval): Promise<void>;
  getApproval(id: string): Promise<Approval | undefined>;
  listApprovals(states?: readonly ApprovalState[]): Promise<readonly Approval[]>;
  resolveApproval(id: string, state: 'approved' | 'rejected', by: string, reason?: string, at?: string): Promise<Approval | undefined>;
  /** Takes in decisions that `mapek approve/reject` left for the service (no-op in memory). */
  syncApprovals(): Promise<readonly Approval[]>;
  /**
   * The controller's own small state that must survive a restart (e.g. the circuit
   * breaker), one JSON value per name; undefined when never saved.
   */
  loadControllerState(name: string): Promise<unknown>;
  saveControllerState(name: string, value: unknown): Promise<void>;
  /** Enforces the retention limits and compacts the files. */
  retain(): Promise<RetentionResult>;
  /**
   * Runs retention if enough writes happened since the last pass (optional: stores without
   * it retain by themselves). The service calls it after each cycle, never during one.
   */
  maintain?(): Promise<RetentionResult | undefined>;
  /** Stores a cycle's decisions in one write (optional: else one saveDecision each). */
  saveDecisions?(ds: readonly Decision[]): Promise<void>;
  /** What loading found wrong (empty when every file was clean). */
  loadReports(): readonly LoadReport[];
  /** Every document quarantined since open (optional: stores that never quarantine omit it). */
  quarantined?(): readonly QuarantinedRecord[];
  /** Quarantine counts and deferred housekeeping (optional). */
  health?(): StoreHealth;
}

/**
 * The roles of the loop, as interfaces. Stages depend on these, never on each other; the
 * composition root (src/app/) wires implementations. Implementations are named by
 * technology (PrometheusSource, NedbKnowledgeStore, …).
 */
import type { Alert } from './alert.js';
import type {
  ApplyPolicyRequest,
  CharterSettings,
  Committee,
  Policy,
  ReloadResult,
  Target,
  Violation,
  ViolationQuery,
} from './charter.js';
import type { Decision } from './decision.js';
import type { ExecutionRecord, WeightChange } from './execution.js';
import type { Weights } from './rules.js';
import type { Snapshot } from './snapshot.js';

// ---------------------------------------------------------------- integration clients

export type PromValue = number; // NaN, +Inf, -Inf mapped by hand

export interface PromVectorItem {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: readonly [number, PromValue];
}
export interface PromMatrixItem {
  readonly metric: Readonly<Record<string, string>>;
  readonly values: readonly (readonly [number, PromValue])[];
}
export type PromQueryResult =
  | { readonly resultType: 'vector'; readonly result: readonly PromVectorItem[] }
  | { readonly resultType: 'matrix'; readonly result: readonly PromMatrixItem[] }
  | { readonly resultType: 'scalar'; readonly result: readonly [number, PromValue] }
  | { readonly resultType: 'string'; readonly result: readonly [number, string] };

/** Prometheus HTTP API (query, query_range, series). Errors are typed and say if retryable. */
export interface PrometheusApi {
  query(promql: string, time?: Date): Promise<PromQueryResult>;
  queryRange(promql: string, start: Date, end: Date, stepSeconds: number): Promise<PromQueryResult>;
  series(matchers: readonly string[], start?: Date, end?: Date): Promise<readonly Record<string, string>[]>;
}

export interface Silence {
  readonly id: string;
  readonly matchers: readonly { name: string; value: string; isRegex: boolean; isEqual?: boolean }[];
  readonly startsAt: string;
  readonly endsAt: string;
  readonly createdBy: string;
  readonly comment: string;
  readonly state: 'active' | 'pending' | 'expired';
}

/** Alertmanager API v2. */
export interface AlertmanagerApi {
  alerts(opts?: { filter?: readonly string[]; active?: boolean; silenced?: boolean; inhibited?: boolean }): Promise<readonly Alert[]>;
  silences(): Promise<readonly Silence[]>;
  createSilence(s: Omit<Silence, 'id' | 'state'>): Promise<string>;
  expireSilence(id: string): Promise<void>;
  receivers(): Promise<readonly string[]>;
  status(): Promise<{ readonly version: string; readonly uptime: string }>;
  postAlerts(alerts: readonly { labels: Record<string, string>; annotations?: Record<string, string>; startsAt?: string; endsAt?: string }[]): Promise<void>;
}

/** Options of a Charter write. */
export interface WriteOptions {
  /** Optimistic concurrency: the ETag (or version) the caller read. */
  readonly ifMatch?: string;
  /** A retried write with the same key applies once. */
  readonly idempotencyKey?: string;
}

/** A read that carries the ETag to write back with. */
export interface Versioned<T> {
  readonly value: T;
  readonly etag: string;
}

/** Charter's API (docs/CHARTER_API.md). Conflicts raise an error whose name is CharterConflictError. */
export interface CharterApi {
  health(): Promise<boolean>;
  listPolicies(): Promise<readonly Policy[]>;
  getPolicy(id: string): Promise<Versioned<Policy>>;
  applyPolicy(req: ApplyPolicyRequest, opts?: WriteOptions): Promise<Versioned<Policy>>;
  listViolations(q?: ViolationQuery): Promise<readonly Violation[]>;
  listTargets(): Promise<readonly Target[]>;
  getTarget(id: string): Promise<Versioned<Target>>;
  putTarget(id: string, body: { quarantined: boolean; reason?: string }, opts?: WriteOptions): Promise<Versioned<Target>>;
  getCommittee(id: string): Promise<Versioned<Committee>>;
  putCommittee(id: string, body: { capacity: number }, opts?: WriteOptions): Promise<Versioned<Committee>>;
  getSettings(): Promise<Versioned<CharterSettings>>;
  putSettings(body: { validationCache: boolean }, opts?: WriteOptions): Promise<Versioned<CharterSettings>>;
  reloadPolicies(opts?: WriteOptions): Promise<ReloadResult>;
}

// ---------------------------------------------------------------- loop roles

/** Monitor: observe the whole current state. Never throws for one source down; says so in `sources`. */
export interface Monitor {
  observe(): Promise<Snapshot>;
}

/** Analyze + Plan: pure given the snapshot, weights and rule set. */
export interface Planner {
  plan(snapshot: Snapshot, weights: Weights, cycleId: string): readonly Decision[];
}

/**
 * The knowledge store. Writes are durable when the promise resolves. Implementations:
 * NedbKnowledgeStore (files under knowledge/), MemoryKnowledgeStore (simulation, tests).
 */
export interface KnowledgeStore {
  saveDecision(d: Decision): Promise<void>;
  getDecision(id: string): Promise<Decision | undefined>;
  recentDecisions(limit: number): Promise<readonly Decision[]>;
  /** Inserts the intent; resolves false (and writes nothing) when the key already exists. */
  recordIntent(r: ExecutionRecord): Promise<boolean>;
  updateExecution(key: string, patch: Partial<ExecutionRecord>): Promise<void>;
  getExecution(key: string): Promise<ExecutionRecord | undefined>;
  findExecutions(q: { status?: readonly string[]; ruleId?: string; since?: string; limit?: number }): Promise<readonly ExecutionRecord[]>;
  saveWeightChange(c: WeightChange): Promise<void>;
  weightHistory(limit: number): Promise<readonly WeightChange[]>;
  currentWeights(): Promise<Weights>;
  close(): Promise<void>;
}

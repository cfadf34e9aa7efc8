/**
 * The Charter API contract (docs/CHARTER_API.md, docs/openapi.yaml): what the controller
 * expects from any Charter, and what the reference service in src/charter/ implements.
 * Wire format is JSON with camelCase keys, except metric label names.
 */

export type ViolationSeverity = 'critical' | 'high' | 'medium' | 'low';
export type EnforcementMode = 'enforce' | 'audit' | 'disabled';
export type PolicyLoadState = 'loaded' | 'failed';

/** The content of one policy version. */
export interface PolicySpec {
  readonly name: string;
  /** Opaque revision label of the policy body, e.g. "2026-11-20.1". */
  readonly revision: string;
  readonly enforcementMode: EnforcementMode;
  readonly rules: readonly string[];
}

export interface PolicyVersion {
  readonly version: number;
  readonly spec: PolicySpec;
  readonly appliedAt: string;
  readonly appliedBy: string;
  readonly reason?: string;
}

/** GET /api/v1/policies/{id}. The ETag header is `"<id>-v<version>"`. */
export interface Policy {
  readonly id: string;
  readonly version: number;
  readonly spec: PolicySpec;
  readonly loadState: PolicyLoadState;
  readonly history: readonly PolicyVersion[];
}

/** POST /api/v1/policies: apply a new version (also how a rollback is applied). */
export interface ApplyPolicyRequest {
  readonly policyId: string;
  readonly spec: PolicySpec;
  /** Optimistic concurrency (alternative to If-Match): the version the caller read. */
  readonly expectedVersion?: number;
  readonly appliedBy?: string;
  readonly reason?: string;
}

/** GET /api/v1/violations item. */
export interface Violation {
  readonly id: string;
  readonly policyId: string;
  readonly policyName: string;
  readonly severity: ViolationSeverity;
  readonly nodeOrService: string;
  readonly message: string;
  /** ISO-8601. */
  readonly timestamp: string;
}

export interface ViolationQuery {
  readonly since?: string;
  readonly policyId?: string;
  readonly severity?: ViolationSeverity;
  readonly nodeOrService?: string;
}

/** GET/PUT /api/v1/targets/{id}: a node or service under Charter's enforcement. */
export interface Target {
  readonly id: string;
  readonly quarantined: boolean;
  readonly version: number;
}

/** GET/PUT /api/v1/committees/{id}: a decision committee and its capacity (members). */
export interface Committee {
  readonly id: string;
  readonly capacity: number;
  readonly queueDepth: number;
  readonly version: number;
}

/** GET/PUT /api/v1/settings: service-wide switches. */
export interface CharterSettings {
  readonly validationCache: boolean;
  readonly version: number;
}

/** POST /api/v1/policies/reload response. */
export interface ReloadResult {
  readonly loaded: number;
  readonly failed: readonly string[];
}

/** Error body of every 4xx/5xx answer. */
export interface CharterErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly field?: string };
}

/** Fault kinds of the reference Charter's fault model (docs/FAULT_MODEL.md). */
export type FaultKind =
  | 'bad_rollout'
  | 'rogue_target'
  | 'committee_overload'
  | 'validation_slowdown'
  | 'policy_load_failure';

export const FAULT_KINDS: readonly FaultKind[] = [
  'bad_rollout',
  'rogue_target',
  'committee_overload',
  'validation_slowdown',
  'policy_load_failure',
];

/**
 * One write the reference Charter received (its write log, test API only): what tests,
 * benchmarks and `mapek knowledge audit` read to tell "applied exactly once".
 */
export interface CharterWrite {
  readonly id: number;
  readonly at: string;
  readonly method: string;
  readonly path: string;
  /** The parsed JSON body, the raw text when it was not JSON, or null when empty. */
  readonly body: unknown;
  readonly idempotencyKey?: string;
  readonly ifMatch?: string;
  readonly status: number;
  /** The write changed state (a new version, a changed resource, a reload). */
  readonly applied: boolean;
  /** Answered from the idempotency cache. */
  readonly replayed: boolean;
}

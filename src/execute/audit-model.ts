/**
 * The audit's vocabulary (audit.ts is the entry point): the kinds of disagreement between
 * the store's execution records and Charter, which resource an action writes, and what state
 * a record says that resource holds. Every disagreement kind:
 *   unrecorded_write  a write landed in Charter that no execution record accounts for;
 *   write_missing     a record says its write (or its undo) landed, and none did;
 *   unexpected_write  a record says nothing was written (error, pending, …) but a write landed;
 *   double_apply      two or more writes landed under one key;
 *   unrecorded_undo   an undo write landed that no record says happened;
 *   state_mismatch    Charter's current state differs from what the last record to write it says.
 */
import type { Policy, PolicySpec } from '../types/charter.js';
import type { ActionType } from '../types/catalog.js';
import type { ExecutionRecord, ExecutionStatus } from '../types/execution.js';
import type { CharterWrite } from '../integration/charter-writes.js';
import { actionModule, parseParams } from './actions/index.js';

/** The Idempotency-Key suffix of an undo (rollback) write: `<intent key>:rollback`. */
export const UNDO_KEY_SUFFIX = ':rollback';

export type DisagreementKind = 'unrecorded_write' | 'write_missing' | 'unexpected_write' | 'double_apply' | 'unrecorded_undo' | 'state_mismatch';

export interface Disagreement {
  readonly kind: DisagreementKind;
  /** Exact, lower case, naming the record (id and key), the write(s) and the resource. */
  readonly message: string;
  readonly key?: string;
  readonly executionId?: string;
  /** e.g. `committee "committee-ops"`, `the settings`. */
  readonly resource?: string;
  /** Write-log ids (reference Charter) or policy versions (policy history) involved. */
  readonly writes?: readonly number[];
}

export interface AuditReport {
  /** Where Charter's write history came from. */
  readonly history: 'write_log' | 'policy_history';
  /** Execution records checked (those whose action writes to Charter). */
  readonly records: number;
  /** Landed writes checked (write-log entries, or policy versions applied by mapek). */
  readonly writes: number;
  /** Resources whose current state was compared. */
  readonly states: number;
  readonly disagreements: readonly Disagreement[];
}

/** Resource id → its current state in Charter, as `project` makes it; absent when it does not exist. */
export type CurrentState = ReadonlyMap<string, unknown>;

export interface AuditInput {
  readonly records: readonly ExecutionRecord[];
  /** The write log (reference Charter); undefined for a Charter that keeps none. */
  readonly writes?: readonly CharterWrite[];
  /** Every policy with its history (used when there is no write log). */
  readonly policies?: readonly Policy[];
  readonly current: CurrentState;
}

/** Does the status say the action's write landed? Exhaustive: a new status is a compile error. */
export function claimsWritten(s: ExecutionStatus): boolean {
  switch (s) {
    case 'applied':
    case 'succeeded':
    case 'failed':
    case 'inconclusive':
    case 'rolling_back':
    case 'rolled_back':
      return true;
    case 'target_not_found':
    case 'abandoned':
    case 'shadow':
    case 'escalated':
    case 'pending':
    case 'released':
    case 'unchanged':
    case 'conflict':
    case 'error':
    case 'blocked':
    case 'awaiting_approval':
    case 'rejected':
      return false;
  }
}

/** The Charter resource an action type writes, e.g. `committee:c1`; undefined when it writes none (notify). */
export function resourceOf(type: ActionType, target: string): string | undefined {
  switch (type) {
    case 'rollback_policy':
    case 'set_enforcement_mode':
      return `policy:${target}`;
    case 'quarantine_target':
      return `target:${target}`;
    case 'scale_committee':
      return `committee:${target}`;
    case 'enable_validation_cache':
      return 'settings';
    case 'reload_policies':
      return 'reload';
    case 'notify':
      return undefined;
  }
}

/** The resource a write-log entry wrote. */
export function resourceOfWrite(w: Pick<CharterWrite, 'method' | 'path' | 'body'>): string {
  if (w.path === '/api/v1/policies/reload') return 'reload';
  if (w.path === '/api/v1/policies') {
    const id = (w.body as { policyId?: unknown } | null)?.policyId;
    return `policy:${typeof id === 'string' ? id : '?'}`;
  }
  if (w.path === '/api/v1/settings') return 'settings';
  const m = /^\/api\/v1\/(targets|committees)\/([^/]+)$/.exec(w.path);
  if (m) return `${m[1] === 'targets' ? 'target' : 'committee'}:${decodeURIComponent(m[2]!)}`;
  return `path:${w.path}`;
}

/** `policy "pol-pii"`, `the settings`, … as messages name a resource. */
export function label(resource: string): string {
  if (resource === 'settings') return 'the settings';
  if (resource === 'reload') return 'the policy reload';
  const i = resource.indexOf(':');
  return `${resource.slice(0, i)} "${resource.slice(i + 1)}"`;
}

function projectSpec(s: PolicySpec): unknown {
  return { name: s.name, revision: s.revision, enforcementMode: s.enforcementMode, rules: [...s.rules] };
}

/** The part of a resource's state an action changes: what is compared. */
export function project(resource: string, value: unknown): unknown {
  const v = value as Record<string, unknown>;
  const kind = resource.slice(0, resource.indexOf(':') === -1 ? resource.length : resource.indexOf(':'));
  switch (kind) {
    case 'policy':
      return projectSpec(v['spec'] as PolicySpec);
    case 'target':
      return { quarantined: v['quarantined'] };
    case 'committee':
      return { capacity: v['capacity'] };
    case 'settings':
      return { validationCache: v['validationCache'] };
    default:
      return undefined;
  }
}

/** What the record says the resource now holds: the prior state after an undo, else what the action wrote. */
export function expectedState(r: ExecutionRecord, resource: string): unknown {
  if (r.prior === undefined) return undefined;
  if (r.status === 'rolled_back') return project(resource, r.prior);
  try {
    const m = actionModule(r.action.type);
    return project(resource, m.desired(r.prior as never, parseParams(r.action.type, r.action.params), r.action.target));
  } catch {
    return undefined; // params or history the action itself could not use: nothing was written from them
  }
}

export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export const who = (r: ExecutionRecord): string => `execution ${r.id} (key "${r.key}", ${r.status})`;

/** Compares the state of each resource with the record that wrote it last. */
export function stateMismatches(last: ReadonlyMap<string, ExecutionRecord>, current: CurrentState): Disagreement[] {
  const out: Disagreement[] = [];
  for (const [resource, r] of last) {
    if (!current.has(resource)) continue;
    const want = expectedState(r, resource);
    if (want === undefined) continue;
    const have = project(resource, current.get(resource));
    if (canonical(have) === canonical(want)) continue;
    out.push({
      kind: 'state_mismatch',
      key: r.key,
      executionId: r.id,
      resource: label(resource),
      message: `${label(resource)}: charter holds ${canonical(have)} but ${who(r)}, the last to write it, says ${canonical(want)}`,
    });
  }
  return out;
}

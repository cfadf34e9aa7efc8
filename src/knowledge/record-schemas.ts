/**
 * The JSON Schema of every record the knowledge store keeps, one per collection, checked by
 * ajv on every document read (documents.ts). A record that fails is quarantined, never
 * handed to the loop: a weights line of the wrong type used to fail every cycle.
 *
 * The closed sets (statuses, verdicts, guard reasons, approval states) are written as
 * `Record<Union, true>`: a value added to the type is a compile error here until the schema
 * knows it, so the schema cannot fall behind the types and quarantine new, valid records.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { loadValidator, type SchemaSpec } from '../validation/precompiled.js';
import type { ExecutionStatus, GuardReason, VerifyResult } from '../types/execution.js';
import type { ApprovalState } from '../types/knowledge.js';
import type { CollectionName } from './documents.js';

const STATUSES = {
  pending: true, released: true, applied: true, unchanged: true, succeeded: true, failed: true, inconclusive: true,
  rolling_back: true, rolled_back: true, conflict: true, target_not_found: true, error: true, blocked: true,
  awaiting_approval: true, rejected: true, abandoned: true, shadow: true, escalated: true,
} as const satisfies Record<ExecutionStatus, true>;
const VERDICTS = { succeeded: true, failed: true, inconclusive: true } as const satisfies Record<VerifyResult, true>;
const GUARDS = {
  dry_run: true, cooldown: true, hysteresis: true, rate_limit_global: true, rate_limit_type: true, max_concurrent: true,
  circuit_open: true, blast_radius: true, approval_required: true, alert_resolved: true, already_remediated: true, silenced: true,
  maintenance_window: true, charter_unavailable: true,
} as const satisfies Record<GuardReason, true>;
const APPROVAL_STATES = { waiting: true, approved: true, rejected: true } as const satisfies Record<ApprovalState, true>;

const str = { type: 'string' } as const;
const num = { type: 'number' } as const;
const obj = { type: 'object' } as const;
const strings = { type: 'array', items: str } as const;
const oneOf = (set: Readonly<Record<string, true>>) => ({ type: 'string', enum: Object.keys(set) });

/** Required fields are listed; other fields may be added by later versions (no additionalProperties: false). */
const record = (required: Readonly<Record<string, unknown>>, optional: Readonly<Record<string, unknown>> = {}) => ({
  type: 'object',
  required: Object.keys(required),
  properties: { ...required, ...optional },
});

const action = record({ type: str, target: str, params: obj, cost: num, benefit: num, risk: str, verify: record({ afterMs: num, conditions: obj }), cooldownMs: num });
const candidate = record({ rule: str, ruleId: str, action, priority: num, weight: num, effectivePriority: num, utility: num }, { rejected: str });

const decision = record(
  {
    id: str, cycleId: str, at: str, incidentId: str, subject: record({ kind: str, id: str }), alerts: strings, ruleSetHash: str,
    derived: obj, rules: { type: 'array', items: obj }, candidates: { type: 'array', items: candidate }, chosen: { type: 'array', items: candidate },
  },
  {
    duplicates: { type: 'array', items: record({ ruleId: str, target: str, key: str, executionId: str, status: str, cycleId: str }) },
    unrecordedBefore: record({ decisionId: str, at: str, cycles: { type: 'integer', minimum: 1 }, lastAt: str, same: { type: 'boolean' } }, { refused: { type: 'array', items: oneOf(GUARDS) } }),
  },
);

const execution = record(
  { key: str, id: str, decisionId: str, cycleId: str, ruleId: str, incidentId: str, incidentKind: str, action, status: oneOf(STATUSES), createdAt: str, updatedAt: str },
  {
    guard: oneOf(GUARDS), guardDetail: str, verify: oneOf(VERDICTS), error: str, appliedAt: str, sentAt: str, verifiedAt: str, note: str,
    attempts: { type: 'integer', minimum: 0 }, looks: { type: 'integer', minimum: 0 },
    undo: record({ key: str, reason: str, startedAt: str }, { sentAt: str, doneAt: str }),
  },
);

const outcome = record({ key: str, ruleId: str, incidentKind: str, actionType: str, result: oneOf(VERDICTS), at: str });

const weight = record(
  { ruleId: str, from: num, to: num, samples: num, successRate: num, reason: str, at: str },
  { upTo: record({ at: str, keys: strings }) },
);

const approval = record(
  { id: str, key: str, decisionId: str, ruleId: str, incidentId: str, action, state: oneOf(APPROVAL_STATES), requestedAt: str },
  { resolvedAt: str, resolvedBy: str, reason: str },
);

/** Controller state is any JSON value (its owner checks its shape when it loads it). */
const SCHEMAS: Readonly<Record<CollectionName, object | undefined>> = {
  decisions: decision,
  executions: execution,
  outcomes: outcome,
  weights: weight,
  approvals: approval,
  controller: undefined,
};

const OPTIONS = { allErrors: true, strict: true, strictRequired: false } as const;

/** Each collection's record schema as it is compiled (scripts/build-validators.js generates them at build time). */
export function recordSchemaSpecs(): SchemaSpec[] {
  return (Object.keys(SCHEMAS) as CollectionName[]).flatMap((n) => specOf(n) ?? []);
}

function specOf(name: CollectionName): SchemaSpec | undefined {
  const schema = SCHEMAS[name];
  return schema === undefined ? undefined : { name: `record-${name}`, schema, options: OPTIONS };
}

const compiled: Partial<Record<CollectionName, ValidateFunction>> = {};

function validator(name: CollectionName): ValidateFunction | undefined {
  const spec = specOf(name);
  return spec === undefined ? undefined : (compiled[name] ??= loadValidator(spec).validate);
}

function describe(e: ErrorObject): string {
  const path = e.instancePath.split('/').slice(1).join('.');
  const missing = e.keyword === 'required' ? String((e.params as { missingProperty?: unknown }).missingProperty) : undefined;
  if (missing !== undefined) return `${path === '' ? '' : `${path}.`}${missing}: is required`;
  const allowed = e.keyword === 'enum' ? ` (${((e.params as { allowedValues?: unknown[] }).allowedValues ?? []).join(', ')})` : '';
  return `${path === '' ? 'record' : path}: ${e.message ?? 'is invalid'}${allowed}`;
}

/** Every schema issue of one parsed record of `name` (empty when valid), field paths first. */
export function recordIssues(name: CollectionName, value: unknown): string[] {
  const v = validator(name);
  if (v === undefined || v(value)) return [];
  return (v.errors ?? []).map(describe);
}

/**
 * Request validation: every message names the field (`spec.rules[1]: expected a string`),
 * and the first problem found is answered 400 with that field in `error.field`.
 */
import { FAULT_KINDS, type ApplyPolicyRequest, type EnforcementMode, type FaultKind, type PolicySpec, type ViolationQuery, type ViolationSeverity } from '../../types/charter.js';
import { CharterRequestError, invalid } from '../errors.js';
import type { ClientFaultConfig } from './client-faults.js';

type Obj = Record<string, unknown>;

export function object(v: unknown, path: string, allowed: readonly string[]): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalid(path, 'expected a JSON object');
  for (const k of Object.keys(v)) {
    if (!allowed.includes(k)) {
      const field = path === 'body' ? k : `${path}.${k}`;
      throw new CharterRequestError(400, 'unknown_field', `${field}: unknown field (allowed: ${allowed.join(', ')})`, field);
    }
  }
  return v as Obj;
}

function str(o: Obj, key: string, path: string, opts: { required: boolean; max: number }): string | undefined {
  const v = o[key];
  const field = path === 'body' ? key : `${path}.${key}`;
  if (v === undefined) {
    if (opts.required) throw invalid(field, 'required');
    return undefined;
  }
  if (typeof v !== 'string') throw invalid(field, 'expected a string');
  if (v.trim() === '') throw invalid(field, 'must not be empty');
  if (v.length > opts.max) throw invalid(field, `longer than ${opts.max} characters`);
  return v;
}

function int(o: Obj, key: string, opts: { required: boolean; min: number; max: number }): number | undefined {
  const v = o[key];
  if (v === undefined) {
    if (opts.required) throw invalid(key, 'required');
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < opts.min || v > opts.max) throw invalid(key, `expected an integer from ${opts.min} to ${opts.max}`);
  return v;
}

function bool(o: Obj, key: string, required: boolean): boolean | undefined {
  const v = o[key];
  if (v === undefined) {
    if (required) throw invalid(key, 'required');
    return undefined;
  }
  if (typeof v !== 'boolean') throw invalid(key, 'expected true or false');
  return v;
}

function rate(o: Obj, key: string): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw invalid(key, 'expected a number from 0 to 1');
  return v;
}

const MODES: readonly EnforcementMode[] = ['enforce', 'audit', 'disabled'];
export const MAX_RULES = 200;

export function policySpec(v: unknown, path: string): PolicySpec {
  if (v === undefined) throw invalid(path, 'required');
  const o = object(v, path, ['name', 'revision', 'enforcementMode', 'rules']);
  const name = str(o, 'name', path, { required: true, max: 200 })!;
  const revision = str(o, 'revision', path, { required: true, max: 100 })!;
  const mode = o['enforcementMode'];
  if (mode === undefined) throw invalid(`${path}.enforcementMode`, 'required');
  if (typeof mode !== 'string' || !MODES.includes(mode as EnforcementMode)) throw invalid(`${path}.enforcementMode`, `must be one of ${MODES.join(', ')}`);
  const rules = o['rules'];
  if (rules === undefined) throw invalid(`${path}.rules`, 'required');
  if (!Array.isArray(rules)) throw invalid(`${path}.rules`, 'expected an array of strings');
  if (rules.length > MAX_RULES) throw invalid(`${path}.rules`, `more than ${MAX_RULES} rules`);
  rules.forEach((r, i) => {
    if (typeof r !== 'string' || r.trim() === '') throw invalid(`${path}.rules[${i}]`, 'expected a non-empty string');
  });
  return { name, revision, enforcementMode: mode as EnforcementMode, rules: rules as string[] };
}

export function applyPolicyRequest(body: unknown): ApplyPolicyRequest {
  const o = object(body, 'body', ['policyId', 'spec', 'expectedVersion', 'appliedBy', 'reason']);
  const policyId = str(o, 'policyId', 'body', { required: true, max: 128 })!;
  const spec = policySpec(o['spec'], 'spec');
  const expectedVersion = int(o, 'expectedVersion', { required: false, min: 1, max: Number.MAX_SAFE_INTEGER });
  const appliedBy = str(o, 'appliedBy', 'body', { required: false, max: 200 });
  const reason = str(o, 'reason', 'body', { required: false, max: 1000 });
  return {
    policyId,
    spec,
    ...(expectedVersion !== undefined ? { expectedVersion } : {}),
    ...(appliedBy !== undefined ? { appliedBy } : {}),
    ...(reason !== undefined ? { reason } : {}),
  };
}

export function targetBody(body: unknown): { quarantined: boolean; reason?: string } {
  const o = object(body, 'body', ['quarantined', 'reason']);
  const quarantined = bool(o, 'quarantined', true)!;
  const reason = str(o, 'reason', 'body', { required: false, max: 1000 });
  return reason === undefined ? { quarantined } : { quarantined, reason };
}

export const MAX_CAPACITY = 64;

export function committeeBody(body: unknown): { capacity: number } {
  const o = object(body, 'body', ['capacity']);
  return { capacity: int(o, 'capacity', { required: true, min: 1, max: MAX_CAPACITY })! };
}

export function settingsBody(body: unknown): { validationCache: boolean } {
  const o = object(body, 'body', ['validationCache']);
  return { validationCache: bool(o, 'validationCache', true)! };
}

export function faultBody(body: unknown): { kind: FaultKind; subject?: string } {
  const o = object(body, 'body', ['kind', 'subject']);
  const kind = o['kind'];
  if (kind === undefined) throw invalid('kind', 'required');
  if (typeof kind !== 'string' || !FAULT_KINDS.includes(kind as FaultKind)) throw invalid('kind', `must be one of ${FAULT_KINDS.join(', ')}`);
  const subject = str(o, 'subject', 'body', { required: false, max: 128 });
  return subject === undefined ? { kind: kind as FaultKind } : { kind: kind as FaultKind, subject };
}

export function clientFaultBody(body: unknown): Partial<ClientFaultConfig> {
  const o = object(body, 'body', ['latencyMs', 'errorRate', 'timeoutRate', 'routes', 'methods']);
  const latencyMs = int(o, 'latencyMs', { required: false, min: 0, max: 60_000 });
  const errorRate = rate(o, 'errorRate');
  const timeoutRate = rate(o, 'timeoutRate');
  const routes = o['routes'];
  if (routes !== undefined) {
    if (!Array.isArray(routes) || routes.length === 0) throw invalid('routes', 'expected a non-empty array of path prefixes');
    routes.forEach((r, i) => {
      if (typeof r !== 'string' || !r.startsWith('/')) throw invalid(`routes[${i}]`, 'expected a path prefix starting with "/"');
    });
  }
  const methods = o['methods'];
  if (methods !== undefined) {
    if (!Array.isArray(methods) || methods.length === 0) throw invalid('methods', 'expected a non-empty array of HTTP methods');
    methods.forEach((m, i) => {
      if (typeof m !== 'string' || !/^(GET|POST|PUT|DELETE|PATCH|HEAD)$/.test(m)) throw invalid(`methods[${i}]`, 'expected one of GET, POST, PUT, DELETE, PATCH, HEAD');
    });
  }
  return {
    ...(methods !== undefined ? { methods: methods as string[] } : {}),
    ...(latencyMs !== undefined ? { latencyMs } : {}),
    ...(errorRate !== undefined ? { errorRate } : {}),
    ...(timeoutRate !== undefined ? { timeoutRate } : {}),
    ...(routes !== undefined ? { routes: routes as string[] } : {}),
  };
}

// ---------------------------------------------------------------- query of GET /api/v1/violations

const SEVERITIES: readonly ViolationSeverity[] = ['critical', 'high', 'medium', 'low'];
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
export const DEFAULT_VIOLATION_LIMIT = 1000;
export const MAX_VIOLATION_LIMIT = 10_000;

function param(field: string, message: string): CharterRequestError {
  return new CharterRequestError(400, 'invalid_parameter', `${field}: ${message}`, field);
}

export function violationQuery(q: URLSearchParams): { query: ViolationQuery; limit: number } {
  const allowed = ['since', 'policy_id', 'severity', 'node_or_service', 'limit'];
  const seen = new Set<string>();
  for (const k of q.keys()) {
    if (!allowed.includes(k)) throw new CharterRequestError(400, 'unknown_parameter', `${k}: unknown query parameter (allowed: ${allowed.join(', ')})`, k);
    if (seen.has(k)) throw param(k, 'given more than once');
    seen.add(k);
  }
  const out: { -readonly [K in keyof ViolationQuery]: ViolationQuery[K] } = {};
  const since = q.get('since');
  if (since !== null) {
    if (!ISO.test(since) || Number.isNaN(Date.parse(since))) throw param('since', `"${since}" is not an ISO-8601 timestamp (e.g. 2026-01-01T00:00:00Z)`);
    out.since = since;
  }
  const severity = q.get('severity');
  if (severity !== null) {
    if (!SEVERITIES.includes(severity as ViolationSeverity)) throw param('severity', `"${severity}" is not one of ${SEVERITIES.join(', ')}`);
    out.severity = severity as ViolationSeverity;
  }
  for (const [key, prop] of [['policy_id', 'policyId'], ['node_or_service', 'nodeOrService']] as const) {
    const v = q.get(key);
    if (v === null) continue;
    if (!ID.test(v)) throw param(key, `"${v}" is not a valid id`);
    out[prop] = v;
  }
  let limit = DEFAULT_VIOLATION_LIMIT;
  const l = q.get('limit');
  if (l !== null) {
    if (!/^\d+$/.test(l) || Number(l) < 1 || Number(l) > MAX_VIOLATION_LIMIT) throw param('limit', `"${l}" is not an integer from 1 to ${MAX_VIOLATION_LIMIT}`);
    limit = Number(l);
  }
  return { query: out, limit };
}

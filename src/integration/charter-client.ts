/**
 * CharterClient: the Charter API (docs/CHARTER_API.md). Reads of single resources return
 * `Versioned<T>` (the ETag to write back with); every write sends an Idempotency-Key (the
 * caller's, or a fresh one) so a retried write applies once, and If-Match when given.
 * 412/409 → CharterConflictError (terminal: read again, decide again); 5xx and timeouts
 * are retryable; other 4xx are terminal with Charter's own message.
 */
import { randomUUID } from 'node:crypto';
import type {
  ApplyPolicyRequest,
  CharterSettings,
  Committee,
  Policy,
  ReloadResult,
  Target,
  Violation,
  ViolationQuery,
} from '../types/charter.js';
import type { CharterApi, Versioned, WriteOptions } from '../types/ports.js';
import { CharterApiError, CharterConflictError, InvalidResponseError, IntegrationError } from './errors.js';
import { HttpClient, type HttpClientOptions, type HttpMethod, type HttpResponse, type QueryValue, parseJson } from './http.js';

export interface CharterClientOptions extends HttpClientOptions {
  /** Makes an Idempotency-Key for a write whose caller gave none [crypto.randomUUID]. */
  readonly newIdempotencyKey?: () => string;
  /** Timeout of health(), ms [2000]. */
  readonly healthTimeoutMs?: number;
}

type Reply = { readonly body: unknown; readonly res: HttpResponse };

export class CharterClient implements CharterApi {
  readonly http: HttpClient;
  private readonly newKey: () => string;
  private readonly healthTimeoutMs: number;

  constructor(opts: CharterClientOptions) {
    this.http = new HttpClient(opts);
    this.newKey = opts.newIdempotencyKey ?? randomUUID;
    this.healthTimeoutMs = opts.healthTimeoutMs ?? 2_000;
  }

  /** True when GET /healthz answers 2xx in time; false on any failure (never throws, never retries). */
  async health(): Promise<boolean> {
    try {
      await this.request('GET', '/healthz', { retries: 0, timeoutMs: this.healthTimeoutMs });
      return true;
    } catch (err) {
      if (err instanceof IntegrationError) return false;
      throw err;
    }
  }

  async listPolicies(): Promise<readonly Policy[]> {
    return list<Policy>(await this.request('GET', '/api/v1/policies'), 'id');
  }

  async getPolicy(id: string): Promise<Versioned<Policy>> {
    return versioned<Policy>(await this.request('GET', `/api/v1/policies/${seg(id)}`), 'id');
  }

  /** Applies a policy version (also how a rollback is applied). */
  async applyPolicy(req: ApplyPolicyRequest, opts: WriteOptions = {}): Promise<Versioned<Policy>> {
    return versioned<Policy>(await this.write('POST', '/api/v1/policies', req, opts), 'id');
  }

  async listViolations(q: ViolationQuery = {}): Promise<readonly Violation[]> {
    const query: Record<string, QueryValue> = { since: q.since, policy_id: q.policyId, severity: q.severity, node_or_service: q.nodeOrService };
    return list<Violation>(await this.request('GET', '/api/v1/violations', { query }), 'id');
  }

  async listTargets(): Promise<readonly Target[]> {
    return list<Target>(await this.request('GET', '/api/v1/targets'), 'id');
  }

  async getTarget(id: string): Promise<Versioned<Target>> {
    return versioned<Target>(await this.request('GET', `/api/v1/targets/${seg(id)}`), 'id');
  }

  async putTarget(id: string, body: { quarantined: boolean; reason?: string }, opts: WriteOptions = {}): Promise<Versioned<Target>> {
    return versioned<Target>(await this.write('PUT', `/api/v1/targets/${seg(id)}`, body, opts), 'id');
  }

  async getCommittee(id: string): Promise<Versioned<Committee>> {
    return versioned<Committee>(await this.request('GET', `/api/v1/committees/${seg(id)}`), 'id');
  }

  async putCommittee(id: string, body: { capacity: number }, opts: WriteOptions = {}): Promise<Versioned<Committee>> {
    return versioned<Committee>(await this.write('PUT', `/api/v1/committees/${seg(id)}`, body, opts), 'id');
  }

  async getSettings(): Promise<Versioned<CharterSettings>> {
    return versioned<CharterSettings>(await this.request('GET', '/api/v1/settings'), 'version');
  }

  async putSettings(body: { validationCache: boolean }, opts: WriteOptions = {}): Promise<Versioned<CharterSettings>> {
    return versioned<CharterSettings>(await this.write('PUT', '/api/v1/settings', body, opts), 'version');
  }

  async reloadPolicies(opts: WriteOptions = {}): Promise<ReloadResult> {
    const { body, res } = await this.write('POST', '/api/v1/policies/reload', undefined, opts);
    if (!isObject(body) || typeof body['loaded'] !== 'number' || !Array.isArray(body['failed'])) throw invalid(res, 'expected {loaded, failed}');
    return body as unknown as ReloadResult;
  }

  /** A write: always with an Idempotency-Key, so retrying it (after a timeout, a 503) is safe. */
  private write(method: HttpMethod, path: string, json: unknown, opts: WriteOptions): Promise<Reply> {
    const headers: Record<string, string> = { 'idempotency-key': opts.idempotencyKey ?? this.newKey() };
    if (opts.ifMatch !== undefined) headers['if-match'] = opts.ifMatch;
    return this.request(method, path, { json, headers, idempotent: true });
  }

  private request(method: HttpMethod, path: string, extra: { query?: Record<string, QueryValue>; json?: unknown; headers?: Record<string, string>; idempotent?: boolean; retries?: number; timeoutMs?: number } = {}): Promise<Reply> {
    return this.http.call({ method, path, ...extra }, interpretCharter);
  }
}

/** 2xx → JSON body; otherwise the typed error from Charter's `{error:{code,message,field?}}` body. */
export function interpretCharter(res: HttpResponse): Reply {
  if (res.status >= 200 && res.status <= 299) return { body: res.text.trim() === '' ? undefined : parseJson(res), res };
  let code = 'unknown';
  let message = res.text.trim().slice(0, 200) || '(empty body)';
  let field: string | undefined;
  try {
    const b: unknown = JSON.parse(res.text);
    const e = isObject(b) ? b['error'] : undefined;
    if (isObject(e) && typeof e['code'] === 'string' && typeof e['message'] === 'string') {
      code = e['code'];
      message = e['message'];
      if (typeof e['field'] === 'string') field = e['field'];
    }
  } catch {
    // not Charter's error body: keep the text
  }
  if (res.status === 412 || res.status === 409) throw new CharterConflictError(res.method, res.url, res.status, code, message);
  throw new CharterApiError(res.method, res.url, res.status, code, message, field);
}

function versioned<T>({ body, res }: Reply, key: string): Versioned<T> {
  const etag = res.headers['etag'];
  if (!etag) throw invalid(res, 'missing ETag header');
  if (!isObject(body) || body[key] === undefined) throw invalid(res, `expected an object with "${key}"`);
  return { value: body as T, etag };
}

function list<T>({ body, res }: Reply, key: string): T[] {
  if (!Array.isArray(body)) throw invalid(res, 'expected an array');
  body.forEach((x, i) => { if (!isObject(x) || x[key] === undefined) throw invalid(res, `[${i}]: expected an object with "${key}"`); });
  return body as T[];
}

function invalid(res: HttpResponse, detail: string): InvalidResponseError {
  return new InvalidResponseError(res.method, res.url, res.status, detail);
}

function seg(id: string): string {
  return encodeURIComponent(id);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

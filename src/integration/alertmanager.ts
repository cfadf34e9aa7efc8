/**
 * AlertmanagerClient: Alertmanager API v2 (v1 answers 410 from 0.27 on). Alerts come back
 * normalised to the shared Alert type (silenced = some silence matches it).
 *
 * Every alert the API lists fires: Alertmanager leaves out alerts whose endsAt is past on
 * its own clock, and `status.state` (active, suppressed, unprocessed) says how it is
 * handled. The local clock is never compared with `endsAt`: with a few seconds of skew
 * between the hosts that turned firing alerts into resolved ones.
 */
import type { Alert } from '../types/alert.js';
import type { AlertmanagerApi, Silence } from '../types/ports.js';
import { severityOf } from './alert-labels.js';
import { AlertmanagerApiError, InvalidResponseError } from './errors.js';
import { HttpClient, type HttpClientOptions, type HttpResponse, parseJson } from './http.js';

export type AlertmanagerClientOptions = HttpClientOptions;

const API_STATES: readonly string[] = ['active', 'suppressed', 'unprocessed'];

export type PostableAlert = Parameters<AlertmanagerApi['postAlerts']>[0][number];

export class AlertmanagerClient implements AlertmanagerApi {
  readonly http: HttpClient;

  constructor(opts: AlertmanagerClientOptions) {
    this.http = new HttpClient(opts);
  }

  async alerts(opts: { filter?: readonly string[]; active?: boolean; silenced?: boolean; inhibited?: boolean } = {}): Promise<readonly Alert[]> {
    const query = { filter: opts.filter, active: opts.active, silenced: opts.silenced, inhibited: opts.inhibited };
    const { body, res } = await this.json('GET', '/api/v2/alerts', { query });
    if (!Array.isArray(body)) throw invalid(res, 'expected an array of alerts');
    return body.map((a, i) => this.toAlert(a, res, `[${i}]`));
  }

  async silences(): Promise<readonly Silence[]> {
    const { body, res } = await this.json('GET', '/api/v2/silences');
    if (!Array.isArray(body)) throw invalid(res, 'expected an array of silences');
    return body.map((s, i) => toSilence(s, res, `[${i}]`));
  }

  /** Creates a silence; resolves its id. Not retried once sent (a retry could create two). */
  async createSilence(s: Omit<Silence, 'id' | 'state'>): Promise<string> {
    const json = { matchers: s.matchers, startsAt: s.startsAt, endsAt: s.endsAt, createdBy: s.createdBy, comment: s.comment };
    const { body, res } = await this.json('POST', '/api/v2/silences', { json, idempotent: false });
    if (!isObject(body) || typeof body['silenceID'] !== 'string') throw invalid(res, 'silenceID: expected a string');
    return body['silenceID'];
  }

  /** Expires a silence (idempotent: expiring an expired silence succeeds). */
  async expireSilence(id: string): Promise<void> {
    await this.json('DELETE', `/api/v2/silence/${encodeURIComponent(id)}`);
  }

  async receivers(): Promise<readonly string[]> {
    const { body, res } = await this.json('GET', '/api/v2/receivers');
    if (!Array.isArray(body)) throw invalid(res, 'expected an array of receivers');
    return body.map((r, i) => {
      if (!isObject(r) || typeof r['name'] !== 'string') throw invalid(res, `[${i}].name: expected a string`);
      return r['name'];
    });
  }

  async status(): Promise<{ readonly version: string; readonly uptime: string }> {
    const { body, res } = await this.json('GET', '/api/v2/status');
    const info = isObject(body) ? body['versionInfo'] : undefined;
    if (!isObject(body) || !isObject(info) || typeof info['version'] !== 'string') throw invalid(res, 'versionInfo.version: expected a string');
    if (typeof body['uptime'] !== 'string') throw invalid(res, 'uptime: expected a string');
    return { version: info['version'], uptime: body['uptime'] };
  }

  /** Posts alerts (a test alert, or a `notify` action). Without endsAt they expire after resolve_timeout. */
  async postAlerts(alerts: readonly PostableAlert[]): Promise<void> {
    await this.json('POST', '/api/v2/alerts', { json: alerts });
  }

  private async json(method: 'GET' | 'POST' | 'DELETE', path: string, extra: { query?: Record<string, readonly string[] | boolean | undefined>; json?: unknown; idempotent?: boolean } = {}): Promise<{ body: unknown; res: HttpResponse }> {
    return this.http.call({ method, path, ...extra }, (res) => {
      if (res.status < 200 || res.status > 299) throw new AlertmanagerApiError(res.method, res.url, res.status, errorDetail(res));
      return { body: res.text.trim() === '' ? undefined : parseJson(res), res };
    });
  }

  private toAlert(a: unknown, res: HttpResponse, path: string): Alert {
    if (!isObject(a)) throw invalid(res, `${path}: expected an object`);
    const labels = stringRecord(a['labels'], res, `${path}.labels`);
    const annotations = a['annotations'] === undefined ? {} : stringRecord(a['annotations'], res, `${path}.annotations`);
    const status = a['status'];
    if (!isObject(status)) throw invalid(res, `${path}.status: expected an object`);
    const silencedBy = stringArray(status['silencedBy'], res, `${path}.status.silencedBy`);
    const inhibitedBy = stringArray(status['inhibitedBy'], res, `${path}.status.inhibitedBy`);
    const fingerprint = str(a['fingerprint'], res, `${path}.fingerprint`);
    const startsAt = str(a['startsAt'], res, `${path}.startsAt`);
    const updatedAt = typeof a['updatedAt'] === 'string' ? a['updatedAt'] : undefined;
    const name = labels['alertname'];
    if (name === undefined) throw invalid(res, `${path}.labels.alertname: required`);
    const state = status['state'];
    if (typeof state !== 'string' || !API_STATES.includes(state)) throw invalid(res, `${path}.status.state: expected "active", "suppressed" or "unprocessed", got ${JSON.stringify(state)}`);
    return {
      fingerprint,
      name,
      severity: severityOf(labels),
      state: 'firing',
      labels,
      annotations,
      startsAt,
      ...(updatedAt !== undefined ? { updatedAt } : {}),
      silenced: silencedBy.length > 0,
      inhibited: inhibitedBy.length > 0,
      source: 'alertmanager',
    };
  }
}

/** Alertmanager's two error shapes: `{code, message}` (422, some 400) and a bare JSON string (400). */
export function errorDetail(res: HttpResponse): string {
  const text = res.text.trim();
  if (text === '') return '(empty body)';
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'string') return body;
    if (isObject(body) && typeof body['message'] === 'string') return body['message'];
  } catch {
    // plain text: use as is
  }
  return text.slice(0, 200);
}

function toSilence(s: unknown, res: HttpResponse, path: string): Silence {
  if (!isObject(s)) throw invalid(res, `${path}: expected an object`);
  const status = s['status'];
  const state = isObject(status) ? status['state'] : undefined;
  if (state !== 'active' && state !== 'pending' && state !== 'expired') throw invalid(res, `${path}.status.state: expected active, pending or expired`);
  const m = s['matchers'];
  if (!Array.isArray(m)) throw invalid(res, `${path}.matchers: expected an array`);
  const matchers = m.map((x, i) => {
    const p = `${path}.matchers[${i}]`;
    if (!isObject(x) || typeof x['isRegex'] !== 'boolean') throw invalid(res, `${p}.isRegex: expected a boolean`);
    const out: { name: string; value: string; isRegex: boolean; isEqual?: boolean } = { name: str(x['name'], res, `${p}.name`), value: str(x['value'], res, `${p}.value`), isRegex: x['isRegex'] };
    if (typeof x['isEqual'] === 'boolean') out.isEqual = x['isEqual'];
    return out;
  });
  return {
    id: str(s['id'], res, `${path}.id`),
    matchers,
    startsAt: str(s['startsAt'], res, `${path}.startsAt`),
    endsAt: str(s['endsAt'], res, `${path}.endsAt`),
    createdBy: str(s['createdBy'], res, `${path}.createdBy`),
    comment: str(s['comment'], res, `${path}.comment`),
    state,
  };
}

function str(v: unknown, res: HttpResponse, path: string): string {
  if (typeof v !== 'string') throw invalid(res, `${path}: expected a string`);
  return v;
}

function stringArray(v: unknown, res: HttpResponse, path: string): string[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw invalid(res, `${path}: expected an array of strings`);
  return v as string[];
}

function stringRecord(v: unknown, res: HttpResponse, path: string): Record<string, string> {
  if (!isObject(v)) throw invalid(res, `${path}: expected an object`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') throw invalid(res, `${path}.${k}: expected a string`);
    out[k] = val;
  }
  return out;
}

function invalid(res: HttpResponse, detail: string): InvalidResponseError {
  return new InvalidResponseError(res.method, res.url, res.status, detail);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

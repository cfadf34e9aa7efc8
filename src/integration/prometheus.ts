/**
 * PrometheusClient: the query API (instant, range, series) of Prometheus 2.x — and of
 * Thanos, Mimir, Cortex and VictoriaMetrics, which answer the same API. Every error is a
 * typed IntegrationError that says whether a retry can help.
 */
import type { PrometheusApi, PromMatrixItem, PromQueryResult, PromValue, PromVectorItem } from '../types/ports.js';
import { HttpStatusError, InvalidResponseError, PrometheusApiError, PrometheusNotReadyError } from './errors.js';
import { HttpClient, type HttpClientOptions, type HttpRequest, type HttpResponse, isJson, parseJson } from './http.js';

export interface PrometheusClientOptions extends HttpClientOptions {
  /** Sent as the `timeout` query parameter (Prometheus duration, e.g. "10s"); capped by --query.timeout. */
  readonly queryTimeout?: string;
  /** Queries longer than this many characters are POSTed form-encoded [1500]. */
  readonly postThreshold?: number;
  /** Called with Prometheus's `warnings` whenever an answer carries some. */
  readonly onWarnings?: (warnings: readonly string[], promql: string) => void;
}

export class PrometheusClient implements PrometheusApi {
  readonly http: HttpClient;
  /** Warnings of the last successful answer (empty when it had none). */
  lastWarnings: readonly string[] = [];
  private readonly opts: PrometheusClientOptions;

  constructor(opts: PrometheusClientOptions) {
    this.opts = opts;
    this.http = new HttpClient(opts);
  }

  async query(promql: string, time?: Date): Promise<PromQueryResult> {
    const params = { query: promql, time: time ? seconds(time) : undefined, timeout: this.opts.queryTimeout };
    const { data, where } = await this.call('/api/v1/query', params, promql);
    return parseQueryData(data, where);
  }

  async queryRange(promql: string, start: Date, end: Date, stepSeconds: number): Promise<PromQueryResult> {
    const params = { query: promql, start: seconds(start), end: seconds(end), step: String(stepSeconds), timeout: this.opts.queryTimeout };
    const { data, where } = await this.call('/api/v1/query_range', params, promql);
    return parseQueryData(data, where);
  }

  async series(matchers: readonly string[], start?: Date, end?: Date): Promise<readonly Record<string, string>[]> {
    const params = { 'match[]': matchers, start: start ? seconds(start) : undefined, end: end ? seconds(end) : undefined };
    const { data, where } = await this.call('/api/v1/series', params, matchers.join(','));
    if (!Array.isArray(data)) throw invalid(where, 'data: expected an array of label sets');
    return data.map((s, i) => labelSet(s, where, `data[${i}]`));
  }

  /** GET, or POST form-encoded when the parameters are long; returns the envelope's `data`. */
  private async call(path: string, params: Record<string, string | readonly string[] | undefined>, promql: string): Promise<{ data: unknown; where: Where }> {
    const length = Object.values(params).reduce<number>((n, v) => n + (v === undefined ? 0 : String(v).length), 0);
    const req: HttpRequest = length > (this.opts.postThreshold ?? 1500)
      ? { method: 'POST', path, form: params }
      : { method: 'GET', path, query: params };
    const { data, warnings } = await this.http.call(req, interpretEnvelope);
    this.lastWarnings = warnings;
    if (warnings.length > 0) this.opts.onWarnings?.(warnings, promql);
    return { data, where: { method: req.method, url: this.http.url(path), status: 200 } };
  }
}

/** Reads the API envelope; throws the typed error for every failure shape. */
export function interpretEnvelope(res: HttpResponse): { data: unknown; warnings: readonly string[] } {
  if (!isJson(res)) {
    // Before it is ready Prometheus answers every /api/v1 route with a plain-text 503.
    if (res.status === 503) throw new PrometheusNotReadyError(res.url, res.text);
    throw new HttpStatusError(res.method, res.url, res.status, res.text);
  }
  const body = parseJson(res);
  if (!isObject(body)) throw invalid(res, 'expected a JSON object envelope');
  if (body['status'] === 'error') {
    const errorType = typeof body['errorType'] === 'string' ? body['errorType'] : 'unknown';
    const message = typeof body['error'] === 'string' ? body['error'] : '(no error message)';
    throw new PrometheusApiError(res.url, res.status, errorType, message);
  }
  if (body['status'] !== 'success') throw invalid(res, `status: expected "success" or "error", got ${JSON.stringify(body['status'])}`);
  const w = body['warnings'];
  const warnings = Array.isArray(w) ? w.filter((x): x is string => typeof x === 'string') : [];
  return { data: body['data'], warnings };
}

/** Parses `data` of /query and /query_range into the typed result. */
export function parseQueryData(data: unknown, url: Where): PromQueryResult {
  if (!isObject(data)) throw invalid(url, 'data: expected an object');
  const rt = data['resultType'];
  const result = data['result'];
  switch (rt) {
    case 'vector':
      if (!Array.isArray(result)) throw invalid(url, 'data.result: expected an array');
      return { resultType: 'vector', result: result.map((r, i) => vectorItem(r, url, i)) };
    case 'matrix':
      if (!Array.isArray(result)) throw invalid(url, 'data.result: expected an array');
      return { resultType: 'matrix', result: result.map((r, i) => matrixItem(r, url, i)) };
    case 'scalar':
      return { resultType: 'scalar', result: samplePair(result, url, 'data.result') };
    case 'string': {
      if (!Array.isArray(result) || result.length !== 2 || typeof result[0] !== 'number' || typeof result[1] !== 'string') {
        throw invalid(url, 'data.result: expected [timestamp, "string"]');
      }
      return { resultType: 'string', result: [result[0], result[1]] };
    }
    default:
      throw invalid(url, `data.resultType: unknown ${JSON.stringify(rt)}`);
  }
}

/** Prometheus sample strings → numbers; `Number("+Inf")` is NaN in JavaScript, so map by hand. */
export function parseSampleValue(s: string): PromValue {
  switch (s) {
    case 'NaN': return Number.NaN;
    case '+Inf': case 'Inf': return Number.POSITIVE_INFINITY;
    case '-Inf': return Number.NEGATIVE_INFINITY;
    default: {
      const n = s.trim() === '' ? Number.NaN : Number(s);
      if (Number.isNaN(n)) throw new Error(`not a sample value: ${JSON.stringify(s)}`);
      return n;
    }
  }
}

// The checks below run on every sample of every answer (10,000 series a scrape at the memory
// bench's load): a field's path is built only when it is wrong, never for the sample that is
// fine, and what JSON.parse made (fresh arrays and objects only this parse holds) is checked
// and kept in place rather than copied.

/** Item `i` of `data.result`, checked to be an object. */
function item(r: unknown, url: Where, i: number): Record<string, unknown> {
  if (!isObject(r)) throw invalid(url, `data.result[${i}]: expected an object`);
  return r;
}

/** The label set of item `i`, checked (its path built only when it is wrong). */
function itemMetric(o: Record<string, unknown>, url: Where, i: number): Record<string, string> {
  const bad = labelSetIssue(o['metric']);
  if (bad !== undefined) throw invalid(url, `data.result[${i}].metric${bad}`);
  return o['metric'] as Record<string, string>;
}

function vectorItem(r: unknown, url: Where, i: number): PromVectorItem {
  const o = item(r, url, i);
  const metric = itemMetric(o, url, i);
  const value = o['value'];
  const issue = samplePairIssue(value);
  if (issue !== undefined) throw invalid(url, `data.result[${i}].value${issue}`);
  return { metric, value: value as readonly [number, PromValue] };
}

function matrixItem(r: unknown, url: Where, i: number): PromMatrixItem {
  const o = item(r, url, i);
  const values = o['values'];
  if (!Array.isArray(values)) throw invalid(url, `data.result[${i}].values: expected an array`);
  const metric = itemMetric(o, url, i);
  for (let j = 0; j < values.length; j++) {
    const issue = samplePairIssue(values[j]);
    if (issue !== undefined) throw invalid(url, `data.result[${i}].values[${j}]${issue}`);
  }
  return { metric, values: values as readonly (readonly [number, PromValue])[] };
}

/** A parsed `[timestamp, "value"]` with its value made a number, in place; undefined, or what is wrong (after the path). */
function samplePairIssue(v: unknown): string | undefined {
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'number' || typeof v[1] !== 'string') {
    return ': expected [timestamp, "value"]';
  }
  try {
    v[1] = parseSampleValue(v[1] as string);
  } catch (err) {
    return `: ${(err as Error).message}`;
  }
  return undefined;
}

function samplePair(v: unknown, url: Where, path: string): readonly [number, PromValue] {
  const issue = samplePairIssue(v);
  if (issue !== undefined) throw invalid(url, `${path}${issue}`);
  return v as readonly [number, PromValue];
}

/** Undefined when `v` is an object of string labels, else what is wrong (after the path). */
function labelSetIssue(v: unknown): string | undefined {
  if (!isObject(v)) return ': expected an object of labels';
  for (const k in v) {
    if (typeof v[k] !== 'string') return `.${k}: expected a string`;
  }
  return undefined;
}

function labelSet(v: unknown, url: Where, path: string): Record<string, string> {
  const bad = labelSetIssue(v);
  if (bad !== undefined) throw invalid(url, `${path}${bad}`);
  return v as Record<string, string>;
}

/** Which request a parse error is about. */
export interface Where {
  readonly method: string;
  readonly url: string;
  readonly status: number;
}

function invalid(w: Where, detail: string): InvalidResponseError {
  return new InvalidResponseError(w.method, w.url, w.status, detail);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Prometheus accepts float seconds; keep millisecond precision. */
function seconds(d: Date): string {
  return (d.getTime() / 1000).toFixed(3);
}

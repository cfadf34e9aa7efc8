/**
 * The one module that calls fetch (node-fetch 3). One attempt = one request with its own
 * timeout (AbortSignal); the caller's `interpret` turns a response into a value or throws a
 * MapekError; the retry loop here retries exactly the retryable errors, with exponential
 * backoff and full jitter, a bounded number of times. Responses are read with a size limit.
 *
 * Connections are kept alive per client (one http.Agent each, closed by `close()`). Without
 * an agent node-fetch used Node's global agent, whose idle connections close after 5 s, so a
 * monitor pass every 30 s opened its ~19 Prometheus connections anew each cycle. Requests that
 * are not safe to repeat (`idempotent: false`) always get a new connection: a reused socket
 * that the server closes at the same moment fails with ECONNRESET, and only idempotent
 * requests are retried after that.
 */
import http from 'node:http';
import https from 'node:https';
import fetch, { type RequestInit, type Response } from 'node-fetch';
import { MapekError } from '../types/errors.js';
import {
  HttpAbortedError,
  HttpConnectionError,
  HttpResponseTooLargeError,
  HttpStatusError,
  HttpTimeoutError,
  InvalidResponseError,
} from './errors.js';

export const USER_AGENT = 'charter-mapek/0.1.0';

/** Options of an HttpClient. Defaults in brackets. */
export interface HttpClientOptions {
  /** Base URL, e.g. http://127.0.0.1:9090 (a trailing slash is ignored). */
  readonly baseUrl: string;
  /** Per-attempt timeout, ms [5000]. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt, for retryable failures only [2]. */
  readonly retries?: number;
  /** First backoff, ms; doubles each retry [100]. */
  readonly backoffBaseMs?: number;
  /** Backoff cap, ms [2000]. */
  readonly backoffMaxMs?: number;
  /** Response body limit, bytes [10 MiB]. */
  readonly maxResponseBytes?: number;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly bearerToken?: string;
  /** Extra headers on every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Randomness for jitter, in [0,1) [Math.random]. */
  readonly random?: () => number;
  /** Waits between attempts [setTimeout]. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Reuse connections between idempotent requests [true]; false: a new connection per request. */
  readonly keepAlive?: boolean;
  /**
   * How long an idle kept-alive connection may wait for the next request, ms [60000]. A
   * server's shorter `Keep-Alive: timeout=N` hint wins (Node closes at N − 1 s).
   */
  readonly idleTimeoutMs?: number;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type QueryValue = string | number | boolean | readonly string[] | undefined;

export interface HttpRequest {
  readonly method: HttpMethod;
  /** Path below the base URL, e.g. `/api/v1/query`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** JSON body (serialised here) … */
  readonly json?: unknown;
  /** … or a form body (application/x-www-form-urlencoded). */
  readonly form?: Readonly<Record<string, QueryValue>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Overrides the client's per-attempt timeout. */
  readonly timeoutMs?: number;
  /** Overrides the client's retry count. */
  readonly retries?: number;
  /**
   * False for writes that are not safe to repeat: then only failures where the server
   * certainly did not act (connection refused, 429, 503) are retried. [true]
   */
  readonly idempotent?: boolean;
  /** The caller's own cancellation. */
  readonly signal?: AbortSignal;
}

/** A whole response: status, lower-case headers and the body as text. `url` has no query string. */
export interface HttpResponse {
  readonly method: HttpMethod;
  readonly url: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
}

interface Resolved {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly maxResponseBytes: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class HttpClient {
  readonly options: Resolved;
  /** The client's kept-alive connections (idempotent requests). */
  private readonly agent: http.Agent;
  /** One connection per request (`Connection: close`). */
  private readonly oneShot: http.Agent;
  /** Requests in flight, aborted by `close()`. */
  private readonly inflight = new Set<AbortController>();
  private closed = false;

  constructor(opts: HttpClientOptions) {
    const headers: Record<string, string> = { 'user-agent': USER_AGENT, ...lower(opts.headers ?? {}) };
    if (opts.bearerToken) headers['authorization'] = `Bearer ${opts.bearerToken}`;
    this.options = Object.freeze({
      baseUrl: opts.baseUrl.replace(/\/+$/, ''),
      timeoutMs: opts.timeoutMs ?? 5_000,
      retries: opts.retries ?? 2,
      backoffBaseMs: opts.backoffBaseMs ?? 100,
      backoffMaxMs: opts.backoffMaxMs ?? 2_000,
      maxResponseBytes: opts.maxResponseBytes ?? 10 * 1024 * 1024,
      headers: Object.freeze(headers),
      random: opts.random ?? Math.random,
      sleep: opts.sleep ?? defaultSleep,
    });
    const Agent = this.options.baseUrl.startsWith('https:') ? https.Agent : http.Agent;
    this.oneShot = new Agent({ keepAlive: false });
    this.agent = opts.keepAlive === false ? this.oneShot : new Agent({ keepAlive: true, timeout: opts.idleTimeoutMs ?? 60_000 });
  }

  /** Closes the kept-alive connections. A later request opens a new one. */
  close(): void {
    this.agent.destroy();
  }

  /**
   * Shutdown: aborts the requests in flight, closes every connection, and refuses later
   * requests (HttpAbortedError), so that a stopped service sends nothing more.
   */
  shutdown(): void {
    this.closed = true;
    for (const c of this.inflight) c.abort();
    this.agent.destroy();
    this.oneShot.destroy();
  }

  /** The full URL of a request (also what error messages name). */
  url(path: string, query?: Readonly<Record<string, QueryValue>>): string {
    const qs = query ? encode(query) : '';
    return `${this.options.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }

  /**
   * Sends the request and hands the response to `interpret`, which returns the value or
   * throws. Retryable failures (transport errors, or a retryable MapekError thrown by
   * `interpret`) are retried with backoff; the last error is thrown.
   */
  async call<T>(req: HttpRequest, interpret: (res: HttpResponse) => T = defaultInterpret as (res: HttpResponse) => T): Promise<T> {
    const retries = req.retries ?? this.options.retries;
    for (let attempt = 0; ; attempt++) {
      try {
        return interpret(await this.send(req));
      } catch (err) {
        if (attempt >= retries || !shouldRetry(err, req.idempotent ?? true) || req.signal?.aborted) throw err;
        await this.options.sleep(this.backoff(attempt));
      }
    }
  }

  /** Sends one attempt. Throws only transport errors (timeout, connection, size limit). */
  async send(req: HttpRequest): Promise<HttpResponse> {
    // Errors name the URL without its query string (a PromQL query can be kilobytes long).
    const url = this.url(req.path);
    const timeoutMs = req.timeoutMs ?? this.options.timeoutMs;
    if (this.closed) throw new HttpAbortedError(req.method, url);
    const controller = new AbortController();
    this.inflight.add(controller);
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; controller.abort(); }, timeoutMs);
    const onAbort = (): void => controller.abort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    const headers: Record<string, string> = { ...this.options.headers, accept: 'application/json', ...lower(req.headers ?? {}) };
    const init: RequestInit = { method: req.method, headers, signal: controller.signal, redirect: 'error' };
    init.agent = req.idempotent === false ? this.oneShot : this.agent;
    if (req.json !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(req.json);
    } else if (req.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      init.body = encode(req.form);
    }
    try {
      if (req.signal?.aborted) throw new HttpAbortedError(req.method, url);
      const res = await fetch(this.url(req.path, req.query), init);
      const text = await readLimited(res, req.method, url, this.options.maxResponseBytes);
      const outHeaders: Record<string, string> = {};
      res.headers.forEach((v, k) => { outHeaders[k] = v; });
      return { method: req.method, url, status: res.status, headers: outHeaders, text };
    } catch (err) {
      if (err instanceof MapekError) throw err;
      if (isAbort(err)) {
        if (timedOut) throw new HttpTimeoutError(req.method, url, timeoutMs);
        throw new HttpAbortedError(req.method, url);
      }
      const e = err as { code?: unknown; message?: unknown; cause?: { code?: unknown } };
      const code = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : '';
      const message = typeof e.message === 'string' ? e.message.replace(/^request to \S+ failed, reason: /, '') : String(err);
      throw new HttpConnectionError(req.method, url, code, message, { cause: err });
    } finally {
      this.inflight.delete(controller);
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Full jitter: uniform in [0, min(max, base·2^attempt)) — retries of many clients spread out. */
  backoff(attempt: number): number {
    const cap = Math.min(this.options.backoffMaxMs, this.options.backoffBaseMs * 2 ** attempt);
    return Math.floor(this.options.random() * cap);
  }
}

/** Retry only retryable errors; for non-idempotent writes only when the server surely did nothing. */
function shouldRetry(err: unknown, idempotent: boolean): boolean {
  if (!(err instanceof MapekError) || !err.retryable) return false;
  if (idempotent) return true;
  if (err instanceof HttpConnectionError) return err.code === 'ECONNREFUSED';
  const status = (err as { status?: unknown }).status;
  return status === 429 || status === 503;
}

/** Default interpretation: 2xx → parsed JSON (undefined for an empty body); otherwise HttpStatusError. */
export function defaultInterpret(res: HttpResponse): unknown {
  if (res.status < 200 || res.status > 299) throw new HttpStatusError(res.method, res.url, res.status, res.text);
  return res.text.trim() === '' ? undefined : parseJson(res);
}

/** Parses the body as JSON; a parse failure names the URL and status. */
export function parseJson(res: HttpResponse): unknown {
  try {
    return JSON.parse(res.text);
  } catch (err) {
    const snippet = res.text.trim().slice(0, 80);
    throw new InvalidResponseError(res.method, res.url, res.status, `body is not JSON (${(err as Error).message}): ${JSON.stringify(snippet)}`);
  }
}

/** True when the response says it is JSON. */
export function isJson(res: HttpResponse): boolean {
  return /\bjson\b/i.test(res.headers['content-type'] ?? '');
}

function encode(q: Readonly<Record<string, QueryValue>>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v as readonly string[]) p.append(k, item);
    else p.append(k, String(v));
  }
  return p.toString();
}

function lower(h: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}

function isAbort(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

async function readLimited(res: Response, method: string, url: string, limit: number): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    res.body?.resume?.();
    throw new HttpResponseTooLargeError(method, url, res.status, limit);
  }
  if (!res.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    size += buf.length;
    if (size > limit) {
      (res.body as unknown as { destroy?: () => void }).destroy?.();
      throw new HttpResponseTooLargeError(method, url, res.status, limit);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Errors of the integration clients. Each has a stable `name`, the URL it concerns and says
 * whether a retry can help (`retryable`); src/integration/http.ts owns the retry policy and
 * retries exactly the retryable ones.
 */
import { MapekError } from '../types/errors.js';

/** Base of every integration error: names the URL (and the HTTP status when there is one). */
export class IntegrationError extends MapekError {
  readonly url: string;
  /** HTTP status; 0 when no response arrived. */
  readonly status: number;
  constructor(message: string, retryable: boolean, url: string, status: number, options?: { cause?: unknown }) {
    super(message, retryable, options);
    this.name = 'IntegrationError';
    this.url = url;
    this.status = status;
  }
}

/** No answer within the timeout (the request was aborted). Retryable. */
export class HttpTimeoutError extends IntegrationError {
  readonly timeoutMs: number;
  constructor(method: string, url: string, timeoutMs: number) {
    super(`${method} ${url} timed out after ${timeoutMs} ms`, true, url, 0);
    this.name = 'HttpTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/** The connection failed (refused, reset, DNS). Retryable. */
export class HttpConnectionError extends IntegrationError {
  /** System error code, e.g. ECONNREFUSED; "" when unknown. */
  readonly code: string;
  constructor(method: string, url: string, code: string, reason: string, options?: { cause?: unknown }) {
    super(`${method} ${url} failed: ${reason}`, true, url, 0, options);
    this.name = 'HttpConnectionError';
    this.code = code;
  }
}

/** The caller aborted the request through its own signal. Not retryable. */
export class HttpAbortedError extends IntegrationError {
  constructor(method: string, url: string) {
    super(`${method} ${url} was aborted`, false, url, 0);
    this.name = 'HttpAbortedError';
  }
}

/** A non-2xx answer that no protocol-specific error describes better. */
export class HttpStatusError extends IntegrationError {
  /** First 200 characters of the body. */
  readonly body: string;
  constructor(method: string, url: string, status: number, body: string) {
    const snippet = body.trim().slice(0, 200);
    super(`${method} ${url} answered ${status}${snippet ? `: ${snippet}` : ''}`, isRetryableStatus(status), url, status);
    this.name = 'HttpStatusError';
    this.body = snippet;
  }
}

/** The body exceeded the configured size limit. Not retryable. */
export class HttpResponseTooLargeError extends IntegrationError {
  readonly limitBytes: number;
  constructor(method: string, url: string, status: number, limitBytes: number) {
    super(`${method} ${url}: response body exceeds the limit of ${limitBytes} bytes`, false, url, status);
    this.name = 'HttpResponseTooLargeError';
    this.limitBytes = limitBytes;
  }
}

/** The body is not the JSON (or the shape) the protocol promises. Not retryable. */
export class InvalidResponseError extends IntegrationError {
  constructor(method: string, url: string, status: number, detail: string) {
    super(`${method} ${url}: invalid response: ${detail}`, false, url, status);
    this.name = 'InvalidResponseError';
  }
}

/** Prometheus error types (API envelope `errorType`). */
export type PrometheusErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'unavailable' | 'not_found';

/** Whether a retry can help, per Prometheus error type. */
export function prometheusErrorRetryable(t: string, status: number): boolean {
  switch (t) {
    case 'bad_data':
    case 'execution':
    case 'not_found':
      return false;
    case 'timeout':
    case 'canceled':
    case 'unavailable':
      return true;
    case 'internal':
      return false;
    default:
      return status >= 500;
  }
}

/** Prometheus answered `{status:"error", errorType, error}`. */
export class PrometheusApiError extends IntegrationError {
  readonly errorType: string;
  /** Prometheus's own message, verbatim. */
  readonly detail: string;
  constructor(url: string, status: number, errorType: string, detail: string) {
    super(`prometheus ${errorType} error (${status}) from ${url}: ${detail}`, prometheusErrorRetryable(errorType, status), url, status);
    this.name = 'PrometheusApiError';
    this.errorType = errorType;
    this.detail = detail;
  }
}

/** Prometheus is up but not ready yet (plain-text 503 during WAL replay). Retryable. */
export class PrometheusNotReadyError extends IntegrationError {
  constructor(url: string, body: string) {
    super(`prometheus at ${url} is not ready: 503 ${body.trim().slice(0, 100)}`.trimEnd(), true, url, 503);
    this.name = 'PrometheusNotReadyError';
  }
}

/** Alertmanager rejected a request: 422 `{code,message}` or 400 bare JSON string. */
export class AlertmanagerApiError extends IntegrationError {
  /** Alertmanager's own message, verbatim. */
  readonly detail: string;
  constructor(method: string, url: string, status: number, detail: string) {
    super(`alertmanager ${method} ${url} answered ${status}: ${detail}`, isRetryableStatus(status), url, status);
    this.name = 'AlertmanagerApiError';
    this.detail = detail;
  }
}

/** Charter answered 4xx/5xx with its `{error:{code,message,field?}}` body. */
export class CharterApiError extends IntegrationError {
  readonly code: string;
  /** Charter's own message, verbatim. */
  readonly detail: string;
  readonly field?: string;
  constructor(method: string, url: string, status: number, code: string, detail: string, field?: string, retryable?: boolean) {
    super(`charter ${method} ${url} answered ${status} ${code}: ${detail}`, retryable ?? status >= 500, url, status);
    this.name = 'CharterApiError';
    this.code = code;
    this.detail = detail;
    if (field !== undefined) this.field = field;
  }
}

/**
 * A write lost an optimistic-concurrency race (412) or conflicts with the current state
 * (409). Not retryable as is: read again, decide again, then write.
 */
export class CharterConflictError extends CharterApiError {
  constructor(method: string, url: string, status: number, code: string, detail: string) {
    super(method, url, status, code, detail, undefined, false);
    this.name = 'CharterConflictError';
  }
}

/** 429, 502, 503 and 504 are worth retrying; no other status is. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/** The fault proxy's vocabulary (fault-proxy.ts is the proxy): actions, matchers, what it records. */

export type FaultAction =
  /** Forward as is. */
  | { readonly kind: 'forward' }
  /** Forward (the upstream applies the write), then lose the answer: destroy the socket, or never answer. */
  | { readonly kind: 'drop_answer'; readonly mode: 'destroy' | 'hang' }
  /** Wait `ms`, then forward (`before: 'forward'`), or forward and wait before answering (`before: 'answer'`). */
  | { readonly kind: 'delay'; readonly ms: number; readonly before: 'forward' | 'answer' }
  /** Answer `status` without forwarding, with a Charter-shaped JSON error body or an HTML page (as a load balancer would). */
  | { readonly kind: 'error'; readonly status: number; readonly body: 'json' | 'html' }
  /** Answer 412 version_conflict without forwarding (with an ETag header when given). */
  | { readonly kind: 'precondition_failed'; readonly etag?: string }
  /** Never forward, never answer (the client's own timeout ends it; close() destroys the socket). */
  | { readonly kind: 'hang' }
  /** Destroy the connection without forwarding or answering. */
  | { readonly kind: 'cut' };

export type FaultKindName = FaultAction['kind'];

export interface Matcher {
  /** Upper case; any method when absent. */
  readonly method?: string;
  /** Tested against the path with its query string; any path when absent. */
  readonly path?: RegExp;
  /** Tested against the Idempotency-Key header (e.g. /:rollback$/ for an undo write); a request without one never matches. */
  readonly idempotencyKey?: RegExp;
  /** Act only from the Nth matching request on (1-based; default 1). */
  readonly nth?: number;
  /** Act on this many matches (default: 1 when `nth` is given, else every match). */
  readonly times?: number;
}

/** How a request ended for the client. */
export type ProxyOutcome =
  | 'pending' // still in progress (a hang, a delay)
  | 'answered' // a complete answer was sent
  | 'destroyed' // the socket was destroyed (drop_answer destroy, cut, the upstream failed)
  | 'hung' // no answer; ended by the client or by close()
  | 'client_gone'; // the client closed the connection before the answer

export interface ProxyRequest {
  /** 1-based, in arrival order. */
  readonly seq: number;
  readonly method: string;
  /** Path with the query string. */
  readonly path: string;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly idempotencyKey?: string;
  readonly ifMatch?: string;
  /** The raw request body ('' when none). */
  readonly body: string;
  /** The parsed JSON body, undefined when empty or not JSON. */
  readonly json?: unknown;
  /** What the proxy did: the action's kind ('forward' when no rule took it). */
  readonly action: FaultKindName;
  /** Index (in order added) of the rule that took it; absent when forwarded by default. */
  readonly rule?: number;
  /** True when the request reached the upstream. */
  readonly forwarded: boolean;
  /** The upstream's status, when it answered. */
  readonly upstreamStatus?: number;
  /** The status sent to the client, when one was sent. */
  readonly status?: number;
  readonly outcome: ProxyOutcome;
  /** The upstream error (connection refused, reset), when forwarding failed. */
  readonly upstreamError?: string;
}

export interface RuleHandle {
  /** Requests the matcher matched so far (acted on or not). */
  readonly matched: number;
  /** Requests this rule acted on. */
  readonly applied: number;
  /** Stop acting; later requests fall through. */
  remove(): void;
}

export interface FaultProxy {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Add a rule (after the existing ones). */
  rule(match: Matcher, action: FaultAction): RuleHandle;
  /** Remove every rule (recorded requests stay). */
  clearRules(): void;
  /** Every request seen, in arrival order (copies). */
  requests(): ProxyRequest[];
  /** Forget the recorded requests. */
  clearRequests(): void;
  /** Resolve with the first recorded request satisfying `pred` (now or when it arrives); reject after `timeoutMs`. */
  waitFor(pred: (r: ProxyRequest) => boolean, timeoutMs?: number): Promise<ProxyRequest>;
  /** Stop listening, destroy every open client socket and cancel pending upstream requests. */
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  /** Base URL of the upstream, http only (e.g. the reference Charter's url). */
  readonly upstream: string;
  /** Port to listen on (default 0: a free one). Always 127.0.0.1. */
  readonly port?: number;
}

/**
 * Client-facing faults (test API): added latency, a share of requests answered 503, and a
 * share of requests that are processed but never answered (the client times out). They
 * apply to the listed path prefixes (default: every /api/v1/ route), never to the test API.
 */
import { stream, type Random } from '../rng.js';

export interface ClientFaultConfig {
  /** Added before every matching request is handled, ms. */
  readonly latencyMs: number;
  /** Share [0, 1] of matching requests answered 503 injected_fault without being processed. */
  readonly errorRate: number;
  /** Share [0, 1] of matching requests that are processed but never answered. */
  readonly timeoutRate: number;
  /** Path prefixes the faults apply to. */
  readonly routes: readonly string[];
  /** HTTP methods the faults apply to (absent: every method), e.g. only writes: ["POST", "PUT"]. */
  readonly methods?: readonly string[];
}

export const NO_CLIENT_FAULTS: ClientFaultConfig = { latencyMs: 0, errorRate: 0, timeoutRate: 0, routes: ['/api/v1/'] };

export type ClientFaultPlan = { readonly latencyMs: number; readonly error: boolean; readonly hang: boolean };

export class ClientFaults {
  readonly #seed: number;
  #config: ClientFaultConfig = NO_CLIENT_FAULTS;
  #random: Random;

  constructor(seed: number) {
    this.#seed = seed;
    this.#random = stream(seed, 'client-faults');
  }

  /** Replace the configuration; the draws restart, so the same config gives the same sequence. */
  set(config: Partial<ClientFaultConfig>): ClientFaultConfig {
    this.#config = { ...NO_CLIENT_FAULTS, ...config };
    this.#random = stream(this.#seed, 'client-faults');
    return this.#config;
  }

  get config(): ClientFaultConfig {
    return this.#config;
  }

  /** What to do with a request to `path` (decided once, when it arrives). */
  plan(path: string, method = 'GET'): ClientFaultPlan {
    const c = this.#config;
    const none = { latencyMs: 0, error: false, hang: false };
    if (path.startsWith('/api/v1/test/') || path === '/api/v1/test') return none;
    if (!c.routes.some((r) => path.startsWith(r))) return none;
    if (c.methods !== undefined && !c.methods.includes(method.toUpperCase())) return none;
    const error = c.errorRate > 0 && this.#random() < c.errorRate;
    const hang = !error && c.timeoutRate > 0 && this.#random() < c.timeoutRate;
    return { latencyMs: c.latencyMs, error, hang };
  }
}

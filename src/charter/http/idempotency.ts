/**
 * The Idempotency-Key cache: a retried write with the same key and the same request gets
 * the first answer back without being applied again; the same key with a different request
 * is refused (422). In memory only: a restart forgets it, as a real Charter's would after
 * its retention period. Answers of 5xx are not stored (the write was not processed).
 */

export interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

interface Entry {
  readonly fingerprint: string;
  readonly response: StoredResponse;
  readonly at: number;
}

export const IDEMPOTENCY_MAX_KEYS = 10_000;
export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

export type Lookup = { kind: 'miss' } | { kind: 'replay'; response: StoredResponse } | { kind: 'mismatch' };

export class IdempotencyCache {
  readonly #entries = new Map<string, Entry>();

  lookup(key: string, fingerprint: string, nowMs: number): Lookup {
    const e = this.#entries.get(key);
    if (!e || nowMs - e.at > IDEMPOTENCY_TTL_MS) return { kind: 'miss' };
    return e.fingerprint === fingerprint ? { kind: 'replay', response: e.response } : { kind: 'mismatch' };
  }

  store(key: string, fingerprint: string, response: StoredResponse, nowMs: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { fingerprint, response, at: nowMs });
    // Map keeps insertion order: the first key is the oldest.
    while (this.#entries.size > IDEMPOTENCY_MAX_KEYS) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** What makes two requests "the same": method, path and the canonical JSON of the body. */
export function fingerprint(method: string, path: string, body: unknown): string {
  return `${method} ${path} ${canonical(body)}`;
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

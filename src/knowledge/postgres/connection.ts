/**
 * The store's connection to PostgreSQL: a `pg` pool whose broken connections are dropped (a
 * restarted or failed-over server), a connect that retries with backoff for a bounded time,
 * and the condition /healthz reports ("unreachable" with host:port and the cause). The URL's
 * password never appears in a message.
 */
import pg from 'pg';
import { MapekError } from '../../types/errors.js';

export interface ConnectionOptions {
  /** Pool size. Default 10. */
  readonly max?: number;
  /** How long one operation keeps trying to connect before it fails (ms). Default 5,000. */
  readonly retryForMs?: number;
  /** Per-attempt connect timeout (ms). Default 2,000. */
  readonly connectTimeoutMs?: number;
  /** Waits between attempts; injected by tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The database could not be reached (retryable: the next operation tries again). */
export class StoreUnavailableError extends MapekError {
  constructor(
    readonly where: string,
    cause: unknown,
  ) {
    super(`PostgreSQL store at ${where} unreachable: ${causeText(cause)}`, true, { cause });
    this.name = 'StoreUnavailableError';
  }
}

function causeText(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return causeText(err.errors[0]);
  const e = err as { message?: string; code?: string };
  return e.message !== undefined && e.message !== '' ? e.message : (e.code ?? String(err));
}

/** `host:port/database` of a postgres URL (no user, no password). */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}:${u.port || '5432'}${u.pathname.length > 1 ? u.pathname : ''}`;
  } catch {
    return '(unparsable URL)';
  }
}

/** A URL is a PostgreSQL store URL when its scheme says so. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Errors that mean "the connection or the server went away", not "the statement failed". */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (/^(08|57P)/.test(code)) return true; // connection exception, operator intervention
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN'].includes(code)) return true;
  const m = typeof e.message === 'string' ? e.message : '';
  return /Connection terminated|not queryable|timeout exceeded when trying to connect|connection error/i.test(m);
}

const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

export class Connection {
  readonly where: string;
  private pool: pg.Pool;
  private ended = false;
  private readonly poolOptions: pg.PoolConfig;
  private unreachableSince: string | undefined;
  private readonly retryForMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    readonly url: string,
    o: ConnectionOptions = {},
  ) {
    this.where = describeUrl(url);
    this.retryForMs = o.retryForMs ?? 5_000;
    this.sleep = o.sleep ?? realSleep;
    this.poolOptions = { connectionString: url, max: o.max ?? 10, connectionTimeoutMillis: o.connectTimeoutMs ?? 2_000, allowExitOnIdle: true };
    this.pool = this.newPool(this.poolOptions);
  }

  private newPool(options: pg.PoolConfig): pg.Pool {
    const pool = new pg.Pool(options);
    // An idle connection the server closed (restart, failover) is dropped by the pool; without
    // a listener its error would end the process.
    pool.on('error', () => undefined);
    return pool;
  }

  /** Why the database is unreachable now (undefined when the last attempt reached it). */
  unreachable(): string | undefined {
    return this.unreachableSince;
  }

  /** A connection, retried with backoff (100 ms doubling to 1 s) for up to retryForMs. */
  private async connect(): Promise<pg.PoolClient> {
    const deadline = Date.now() + this.retryForMs;
    let wait = 100;
    for (;;) {
      try {
        const c = await this.pool.connect();
        this.unreachableSince = undefined;
        return c;
      } catch (err) {
        const failure = new StoreUnavailableError(this.where, err);
        this.unreachableSince = failure.message;
        if (!isConnectionError(err) || Date.now() + wait > deadline) throw failure;
        await this.sleep(wait);
        wait = Math.min(wait * 2, 1_000);
      }
    }
  }

  /**
   * One statement. A read whose connection broke is retried on a fresh one; a write is not
   * (it may have committed): it fails with StoreUnavailableError and its caller decides.
   */
  async query<R extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params: readonly unknown[] = [], o: { read?: boolean } = {}): Promise<pg.QueryResult<R>> {
    for (let attempt = 0; ; attempt += 1) {
      const client = await this.connect();
      try {
        const r = await client.query<R>(sql, params as unknown[]);
        client.release();
        return r;
      } catch (err) {
        const broken = isConnectionError(err);
        client.release(broken ? (err as Error) : undefined);
        if (!broken) throw err;
        this.unreachableSince = new StoreUnavailableError(this.where, err).message;
        // A pooled connection found dead before the statement was sent is safe to retry, as is a read.
        const notSent = /not queryable/i.test((err as Error).message);
        if (attempt < 2 && (o.read === true || notSent)) continue;
        throw new StoreUnavailableError(this.where, err);
      }
    }
  }

  /** Runs `fn` on one connection (migrations need one session). */
  async withClient<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.connect();
    try {
      const r = await fn(client);
      client.release();
      return r;
    } catch (err) {
      client.release(isConnectionError(err) ? (err as Error) : undefined);
      throw err;
    }
  }

  /**
   * Closes the pool. Reads after it still answer (a closed store still reads, like the other
   * backends) over one short-lived connection that closes itself when idle.
   */
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    const old = this.pool;
    this.pool = this.newPool({ ...this.poolOptions, max: 1, idleTimeoutMillis: 200 });
    await old.end();
  }
}

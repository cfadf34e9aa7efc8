/**
 * One dedicated PostgreSQL connection that comes back: `use(f)` connects when needed (waiting
 * the backoff after failures), runs `f` on the client with a client-side timeout, and on any
 * connection-level error or timeout destroys the socket (a peer that stopped answering never
 * sends the RST a clean `end()` would wait for) so that the next `use` reconnects. Not a pool:
 * the lease and LISTEN each need their own session, and advisory state stays with its session.
 */
import pg from 'pg';
import { MapekError } from '../types/errors.js';
import { backoffMs, RECONNECT_BACKOFF, type BackoffPolicy } from './backoff.js';

export class PostgresUnavailableError extends MapekError {
  constructor(what: string, cause: unknown) {
    super(`PostgreSQL unavailable (${what}): ${cause instanceof Error ? cause.message : String(cause)}`, true, { cause });
    this.name = 'PostgresUnavailableError';
  }
}

export interface ConnectionOptions {
  readonly url: string;
  /** Client-side limit of one connect or statement (ms). */
  readonly timeoutMs: number;
  readonly backoff?: BackoffPolicy;
  /** Runs on every new connection (e.g. LISTEN). */
  readonly onConnect?: (client: pg.Client) => Promise<void>;
  /** The connection broke outside a `use` (e.g. the server restarted while idle). */
  readonly onBroken?: (error: Error) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Application name shown in pg_stat_activity. */
  readonly applicationName?: string;
}

export class ReconnectingConnection {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private failures = 0;
  private closed = false;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly o: ConnectionOptions) {
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  connected(): boolean {
    return this.client !== undefined;
  }

  /** Runs `f` on the connection; a connection failure rejects with PostgresUnavailableError. */
  async use<T>(what: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
    const client = await this.connect(what);
    try {
      return await withTimeout(f(client), this.o.timeoutMs, what);
    } catch (err) {
      // A statement's own error (constraint, syntax) leaves the session usable; anything else drops it.
      if (!(err instanceof pg.DatabaseError) || client !== this.client) this.drop(client);
      throw err instanceof pg.DatabaseError ? err : new PostgresUnavailableError(what, err);
    }
  }

  private connect(what: string): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new PostgresUnavailableError(what, new Error('connection closed')));
    if (this.client !== undefined) return Promise.resolve(this.client);
    return (this.connecting ??= this.open(what).finally(() => (this.connecting = undefined)));
  }

  private async open(what: string): Promise<pg.Client> {
    if (this.failures > 0) await this.sleep(backoffMs(this.failures - 1, this.o.backoff ?? RECONNECT_BACKOFF));
    const client = new pg.Client({
      connectionString: this.o.url,
      connectionTimeoutMillis: this.o.timeoutMs,
      keepAlive: true,
      application_name: this.o.applicationName ?? 'mapek',
    });
    client.on('error', (err) => {
      this.drop(client);
      this.o.onBroken?.(err);
    });
    client.on('end', () => {
      if (this.client === client) {
        this.drop(client);
        this.o.onBroken?.(new Error('connection ended'));
      }
    });
    try {
      await withTimeout(client.connect(), this.o.timeoutMs, `${what}: connect`);
      await withTimeout(this.o.onConnect?.(client) ?? Promise.resolve(), this.o.timeoutMs, `${what}: set up`);
    } catch (err) {
      this.failures++;
      destroy(client);
      throw new PostgresUnavailableError(what, err);
    }
    if (this.closed) {
      destroy(client);
      throw new PostgresUnavailableError(what, new Error('connection closed'));
    }
    this.failures = 0;
    this.client = client;
    return client;
  }

  private drop(client: pg.Client): void {
    if (this.client === client) {
      this.client = undefined;
      this.failures = Math.max(this.failures, 1);
    }
    destroy(client);
  }

  /** Closes for good; later `use` calls reject. */
  close(): void {
    this.closed = true;
    if (this.client !== undefined) this.drop(this.client);
  }
}

/** Ends a client without waiting for the peer: the socket is destroyed. */
function destroy(client: pg.Client): void {
  const stream = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
  client.end().catch(() => undefined);
  stream?.destroy();
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let handle: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    handle = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(handle));
}

/**
 * Triggers between replicas over PostgreSQL LISTEN/NOTIFY, on a dedicated connection of its
 * own (LISTEN belongs to a session; a pooled connection would lose it): a standby that takes
 * an Alertmanager webhook NOTIFYs, the leader (listening always, acting only while leader)
 * runs a cycle at once. A release is announced the same way, so a standby acquires without
 * waiting out the TTL. The connection comes back after a PostgreSQL restart and LISTENs again;
 * a notification sent while it was down is lost, which costs no more than a timer cycle
 * (the loop is level-based: the next cycle sees the alert anyway).
 */
import type pg from 'pg';
import { ReconnectingConnection } from './connection.js';
import type { BackoffPolicy } from './backoff.js';

export const TRIGGER_CHANNEL = 'mapek_trigger';

export interface RelayMessage {
  readonly from: string;
  /** 'webhook', 'released', … */
  readonly reason: string;
}

export interface TriggerRelayOptions {
  readonly url: string;
  readonly replicaId: string;
  readonly timeoutMs: number;
  readonly backoff?: BackoffPolicy;
  readonly onMessage: (m: RelayMessage) => void;
  readonly onError: (message: string) => void;
}

export class TriggerRelay {
  private readonly conn: ReconnectingConnection;
  private keepAlive: NodeJS.Timeout | undefined;
  private ping: NodeJS.Timeout | undefined;
  private stopped = false;
  sent = 0;
  received = 0;

  constructor(private readonly o: TriggerRelayOptions) {
    this.conn = new ReconnectingConnection({
      url: o.url,
      timeoutMs: o.timeoutMs,
      applicationName: `mapek-relay ${o.replicaId}`,
      ...(o.backoff ? { backoff: o.backoff } : {}),
      onConnect: async (c) => {
        c.on('notification', (n) => this.deliver(n));
        await c.query(`LISTEN ${TRIGGER_CHANNEL}`);
      },
      onBroken: (err) => {
        this.o.onError(`trigger relay connection lost: ${err.message}`);
        this.reconnectSoon();
      },
    });
  }

  /** Connects and LISTENs; a failure is retried in the background. */
  start(): void {
    this.reconnectSoon(0);
    // A session whose peer went silent (a partition) raises nothing by itself: a ping finds it.
    this.ping = setInterval(() => {
      if (this.conn.connected()) this.conn.use('trigger relay ping', (c) => c.query('SELECT 1')).catch(() => this.reconnectSoon());
    }, Math.max(1_000, this.o.timeoutMs * 2));
    this.ping.unref?.();
  }

  /** NOTIFY the others; false (logged by the caller) when PostgreSQL is unreachable. */
  async send(reason: string): Promise<boolean> {
    const payload = JSON.stringify({ from: this.o.replicaId, reason } satisfies RelayMessage);
    try {
      await this.conn.use('trigger relay', (c) => c.query('SELECT pg_notify($1, $2)', [TRIGGER_CHANNEL, payload]));
      this.sent++;
      return true;
    } catch (err) {
      this.o.onError(`trigger relay: ${err instanceof Error ? err.message : String(err)}`);
      this.reconnectSoon();
      return false;
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.ping !== undefined) clearInterval(this.ping);
    if (this.keepAlive !== undefined) clearTimeout(this.keepAlive);
    this.keepAlive = undefined;
    this.conn.close();
  }

  private deliver(n: pg.Notification): void {
    if (n.channel !== TRIGGER_CHANNEL || n.payload === undefined) return;
    let m: Partial<RelayMessage>;
    try {
      m = JSON.parse(n.payload) as Partial<RelayMessage>;
    } catch {
      return;
    }
    if (typeof m.from !== 'string' || typeof m.reason !== 'string' || m.from === this.o.replicaId) return;
    this.received++;
    this.o.onMessage({ from: m.from, reason: m.reason });
  }

  /** Keeps one LISTENing session: reconnects (with the connection's backoff) until it holds. */
  private reconnectSoon(delayMs = 50): void {
    if (this.keepAlive !== undefined || this.stopped) return;
    this.keepAlive = setTimeout(() => {
      this.keepAlive = undefined;
      if (this.conn.connected()) return;
      this.conn.use('trigger relay listen', async () => undefined).catch((err: unknown) => {
        this.o.onError(`trigger relay: ${err instanceof Error ? err.message : String(err)}`);
        this.reconnectSoon();
      });
    }, delayMs);
    this.keepAlive.unref?.();
  }
}

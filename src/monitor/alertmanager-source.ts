import type { Alert } from '../types/alert.js';
import type { AlertmanagerApi } from '../types/ports.js';
import { SourceReadError } from './charter-source.js';
import type { MonitorSource, SourceReading } from './source.js';
import type { WebhookHeldAlerts } from './webhook-held.js';

export interface AlertmanagerSourceOptions {
  /** Alerts of recent webhook notifications: the alert source while the API is unavailable. */
  readonly held?: WebhookHeldAlerts;
  /**
   * Called after each answer with the seconds by which the newest `updatedAt` lies ahead of
   * the local clock (0 when none does): a lower bound of how far Alertmanager's clock runs
   * ahead. Not called when the answer has no alert with an updatedAt.
   */
  readonly onSkew?: (seconds: number) => void;
}


/**
 * Active alerts from Alertmanager API v2, silenced and inhibited ones included and marked.
 * When the API fails and webhook notifications are held, the reading fails (the source is
 * degraded) with the held alerts as its partial result, which CompositeMonitor uses when
 * Prometheus' ALERTS are not available either.
 */
export class AlertmanagerSource implements MonitorSource {
  readonly name = 'alertmanager' as const;
  private held = 0;

  constructor(
    private readonly api: AlertmanagerApi,
    private readonly opts: AlertmanagerSourceOptions = {},
  ) {}

  /** Alerts held from webhook notifications at the last reading. */
  heldAlerts(): number {
    return this.held;
  }

  async read(now: Date): Promise<SourceReading> {
    let alerts: readonly Alert[];
    try {
      alerts = await this.api.alerts({ active: true, silenced: true, inhibited: true });
    } catch (err) {
      throw this.fallback(err, now) ?? err;
    }
    this.held = this.opts.held?.count(now.getTime()) ?? 0;
    const skew = skewSeconds(alerts, now.getTime());
    if (skew !== undefined) this.opts.onSkew?.(skew);
    return { alerts };
  }

  /**
   * The API failed (or did not answer in time): the held webhook alerts as the partial
   * result of the failed reading; undefined when none are held.
   */
  fallback(err: unknown, now: Date): SourceReadError | undefined {
    const held = this.opts.held?.alerts(now.getTime()) ?? [];
    this.held = held.length;
    if (held.length === 0) return undefined;
    const message = err instanceof Error ? err.message : String(err);
    return new SourceReadError(`${message}; using ${held.length} alert${held.length === 1 ? '' : 's'} held from webhook notifications`, { alerts: held }, err);
  }
}

/** Seconds (ms precision) by which the newest updatedAt is ahead of `now`, at least 0; undefined without one. */
export function skewSeconds(alerts: readonly Alert[], now: number): number | undefined {
  let newest: number | undefined;
  for (const a of alerts) {
    const t = a.updatedAt === undefined ? Number.NaN : Date.parse(a.updatedAt);
    if (!Number.isNaN(t) && (newest === undefined || t > newest)) newest = t;
  }
  return newest === undefined ? undefined : Math.max(0, Math.round(newest - now)) / 1000;
}

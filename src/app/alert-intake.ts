/**
 * The alert intake from Alertmanager, wired once: its API source, the webhook-held alerts
 * that stand in for it while the API is down (webhook-only degraded mode), and the clock
 * skew seen in the API's `updatedAt`. Exposes both in /healthz and metrics.
 */
import type { Logger } from '../observability/logger.js';
import type { ServiceMetrics } from '../observability/metrics.js';
import { AlertmanagerSource } from '../monitor/alertmanager-source.js';
import type { AlertSourceUsed } from '../monitor/composite.js';
import { WebhookHeldAlerts, type WebhookHeldOptions } from '../monitor/webhook-held.js';
import type { AlertmanagerApi } from '../types/ports.js';

/** Skew above this is warned about: the webhook-held endsAt tolerance is 5 s. */
export const SKEW_WARN_SECONDS = 2;

export interface AlertIntakeHealth {
  /** Where the last snapshot's alerts came from (`webhook`: the webhook-only degraded mode). */
  readonly source: AlertSourceUsed;
  /** Alerts held from webhook notifications. */
  readonly heldAlerts: number;
  /** Seconds Alertmanager's clock was last seen ahead of ours (see AlertmanagerSource). */
  readonly skewSeconds?: number;
}

export class AlertIntake {
  readonly held: WebhookHeldAlerts;
  readonly source: AlertmanagerSource;
  private skew: number | undefined;
  private warned = false;

  constructor(api: AlertmanagerApi, private readonly metrics: ServiceMetrics, private readonly log: Logger, held: WebhookHeldOptions = {}) {
    this.held = new WebhookHeldAlerts(held);
    this.source = new AlertmanagerSource(api, { held: this.held, onSkew: (s) => this.observeSkew(s) });
  }

  /** After each cycle: the gauges follow the snapshot's alert source. */
  update(used: AlertSourceUsed): void {
    this.metrics.alertsWebhookOnly.set(used === 'webhook' ? 1 : 0);
    this.metrics.webhookHeldAlerts.set(this.source.heldAlerts());
  }

  health(used: AlertSourceUsed): AlertIntakeHealth {
    return { source: used, heldAlerts: this.source.heldAlerts(), ...(this.skew !== undefined ? { skewSeconds: this.skew } : {}) };
  }

  private observeSkew(seconds: number): void {
    this.skew = seconds;
    this.metrics.alertmanagerSkew.set(seconds);
    if (seconds > SKEW_WARN_SECONDS && !this.warned) {
      this.log.warn('alertmanager clock ahead of the local clock; check ntp on both hosts', { seconds, thresholdSeconds: SKEW_WARN_SECONDS });
    }
    this.warned = seconds > SKEW_WARN_SECONDS;
  }
}

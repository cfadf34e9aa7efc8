/**
 * The alerts of recent webhook notifications, held for the time Alertmanager's API is
 * unavailable (webhook-only degraded mode). Per group key the newest notification wins; a
 * truncated one (`truncatedAlerts > 0`) only updates the alerts it shows, since the hidden
 * ones are still in the group. A group is forgotten when no notification came for maxAgeMs
 * (Alertmanager re-sends every firing group each repeat_interval); an alert is resolved when
 * a notification says so, or when its endsAt (+ toleranceMs for clock skew) has passed.
 */
import type { Alert } from '../types/alert.js';
import { isZeroTime } from '../integration/alert-labels.js';
import { webhookAlertToAlert, type WebhookAlert, type WebhookPayload } from '../integration/webhook.js';

export interface WebhookHeldOptions {
  /** A group without a notification for this long is forgotten, ms [4 h: Alertmanager's default repeat_interval]. */
  readonly maxAgeMs?: number;
  /** Allowance for skew between Alertmanager's clock and ours when reading endsAt, ms [5000]. */
  readonly toleranceMs?: number;
  /** Most groups held; the least recently notified is forgotten first [10000]. */
  readonly maxGroups?: number;
  /** Clock [Date.now]. */
  readonly now?: () => number;
}

interface Group {
  readonly receivedAt: number;
  readonly alerts: ReadonlyMap<string, WebhookAlert>;
}

export class WebhookHeldAlerts {
  private readonly groups = new Map<string, Group>();
  private readonly maxAgeMs: number;
  private readonly toleranceMs: number;
  private readonly maxGroups: number;
  private readonly now: () => number;

  constructor(opts: WebhookHeldOptions = {}) {
    this.maxAgeMs = opts.maxAgeMs ?? 4 * 3_600_000;
    this.toleranceMs = opts.toleranceMs ?? 5_000;
    this.maxGroups = opts.maxGroups ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  record(payload: WebhookPayload): void {
    const previous = this.groups.get(payload.groupKey);
    const alerts = new Map(payload.truncatedAlerts > 0 && previous !== undefined ? previous.alerts : []);
    for (const a of payload.alerts) alerts.set(a.fingerprint, a);
    this.groups.delete(payload.groupKey); // re-insert: Map order is notification order
    this.groups.set(payload.groupKey, { receivedAt: this.now(), alerts });
    if (this.groups.size > this.maxGroups) {
      const oldest = this.groups.keys().next();
      if (!oldest.done) this.groups.delete(oldest.value);
    }
  }

  /** The held alerts at `now` (one per fingerprint, from the newest notification that has it). */
  alerts(now: number = this.now()): Alert[] {
    this.expire(now);
    const byFingerprint = new Map<string, Alert>();
    for (const g of this.groups.values()) {
      for (const w of g.alerts.values()) byFingerprint.set(w.fingerprint, this.toAlert(w, now));
    }
    return [...byFingerprint.values()];
  }

  /** Alerts held (after expiry at `now`). */
  count(now: number = this.now()): number {
    return this.alerts(now).length;
  }

  private expire(now: number): void {
    for (const [key, g] of this.groups) {
      if (now - g.receivedAt <= this.maxAgeMs) break; // notification order = age order
      this.groups.delete(key);
    }
  }

  private toAlert(w: WebhookAlert, now: number): Alert {
    const a = webhookAlertToAlert(w);
    if (a.state === 'resolved' || isZeroTime(w.endsAt) || Date.parse(w.endsAt) + this.toleranceMs > now) return a;
    return { ...a, state: 'resolved', endsAt: w.endsAt };
  }
}

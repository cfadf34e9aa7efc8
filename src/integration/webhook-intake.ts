/**
 * What an accepted webhook notification means for the loop: which alerts are new, and
 * whether it triggers a cycle. A pure decision over the parsed payload and the deduplicator.
 *
 * A notification with `truncatedAlerts > 0` (the receiver's `max_alerts`) always triggers:
 * the hidden alerts may be new although every visible one was seen before, and the cycle
 * reads the whole group from Alertmanager's API. Its top-level `status` describes only the
 * visible alerts (Alertmanager computes it after truncating), so it is never taken as the
 * group's state.
 */
import type { Alert } from '../types/alert.js';
import type { WebhookDeduplicator, WebhookPayload } from './webhook.js';

export interface IntakeOutcome {
  /** Alerts not seen before (fingerprint, startsAt, state). */
  readonly fresh: readonly Alert[];
  readonly duplicates: number;
  /** Alerts Alertmanager left out (`truncatedAlerts`). */
  readonly truncated: number;
  /** True when a cycle should run: something fresh, or a truncated notification. */
  readonly trigger: boolean;
  readonly result: 'accepted' | 'duplicate';
}

export function intake(payload: WebhookPayload, alerts: readonly Alert[], dedup: WebhookDeduplicator): IntakeOutcome {
  const fresh = dedup.fresh(alerts);
  const truncated = payload.truncatedAlerts;
  const trigger = fresh.length > 0 || truncated > 0;
  return { fresh, duplicates: alerts.length - fresh.length, truncated, trigger, result: !trigger && alerts.length > 0 ? 'duplicate' : 'accepted' };
}

/**
 * RFC 7235: the auth scheme is case-insensitive and followed by one or more spaces; the
 * credentials are compared exactly (by the caller, in constant time).
 */
export function bearerCredentials(header: string | undefined): string | undefined {
  const m = /^bearer +(\S.*)$/i.exec(header ?? '');
  return m?.[1];
}

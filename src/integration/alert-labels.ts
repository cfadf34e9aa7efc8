/** Helpers shared by the Alertmanager API client and the webhook parser. */
import type { Severity } from '../types/alert.js';

/** Alertmanager's "no time" (a firing alert's endsAt in webhooks). */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** The `severity` label as a Severity; anything other than critical/warning counts as info. */
export function severityOf(labels: Readonly<Record<string, string>>): Severity {
  const s = labels['severity'];
  return s === 'critical' || s === 'warning' ? s : 'info';
}

/** True for an absent/zero endsAt (Go's zero time, in any precision). */
export function isZeroTime(s: string | undefined): boolean {
  return s === undefined || s === '' || s.startsWith('0001-01-01T00:00:00');
}

/** Shared vocabulary for alerts, as seen by Monitor and by rules. */

export type Severity = 'critical' | 'warning' | 'info';
export type AlertState = 'firing' | 'resolved';
export type AlertSource = 'alertmanager' | 'webhook' | 'prometheus' | 'fixture';

/** One alert, normalised from Alertmanager API v2, a webhook (v4) or Prometheus ALERTS. */
export interface Alert {
  /** Alertmanager's fingerprint (stable hash of the label set). */
  readonly fingerprint: string;
  /** The `alertname` label. */
  readonly name: string;
  readonly severity: Severity;
  readonly state: AlertState;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** ISO-8601. */
  readonly startsAt: string;
  /** ISO-8601; absent while firing. */
  readonly endsAt?: string;
  /** ISO-8601, Alertmanager's clock: when it last received this alert (API alerts only). */
  readonly updatedAt?: string;
  /** True when an Alertmanager silence matches it: never act on it. */
  readonly silenced: boolean;
  readonly inhibited: boolean;
  readonly source: AlertSource;
}

/** Charter's eleven alerts (deploy/prometheus/charter-alerts.yml). */
export const CHARTER_ALERTS = [
  'CriticalViolationDetected',
  'PolicyLoadFailure',
  'ValidationLatencySLA',
  'CommitteeOverloaded',
  'ViolationRateHigh',
  'TargetViolatingManyPolicies',
  'EnforcementFailures',
  'ComplianceRatioLow',
  'QuarantineSaturation',
  'CharterAPIErrors',
  'CharterDown',
] as const;
export type CharterAlertName = (typeof CHARTER_ALERTS)[number];

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ExecutionRecord } from '../types/execution.js';
import type { RepeatedRefusal } from '../types/executor.js';

/**
 * The service's own metrics, one Registry per service instance (prom-client throws when a
 * name is registered twice). Labels take values from closed sets only: phases, sources,
 * action types, execution statuses, guard reasons, and the ids of loaded rules.
 */
export type Phase = 'monitor' | 'plan' | 'execute' | 'record';
export type CycleResult = 'ok' | 'error' | 'timeout';
export type Trigger = 'timer' | 'webhook' | 'startup' | 'verify' | 'manual' | 'reload' | 'takeover' | 'relayed';
export type WebhookResult = 'accepted' | 'duplicate' | 'rejected' | 'unauthorized' | 'too_large';
export const SOURCES = ['prometheus', 'alertmanager', 'charter'] as const;

export interface ServiceMetrics {
  readonly registry: Registry;
  readonly cycleDuration: Histogram<'result'>;
  readonly cycles: Counter<'trigger' | 'result'>;
  readonly phaseDuration: Histogram<'phase'>;
  readonly rulesFired: Counter<'rule' | 'stage'>;
  readonly decisions: Counter;
  readonly decisionsUnrecorded: Counter;
  readonly actions: Counter<'type' | 'result'>;
  readonly guardStops: Counter<'reason'>;
  readonly timeToRemediate: Histogram<'type'>;
  readonly verifications: Counter<'type' | 'result'>;
  readonly ruleWeight: Gauge<'rule'>;
  readonly ruleSetInfo: Gauge<'hash'>;
  readonly lastReloadSuccess: Gauge;
  readonly lastReloadTime: Gauge;
  readonly monitorErrors: Counter<'source'>;
  readonly sourceDegraded: Gauge<'source'>;
  readonly webhooks: Counter<'result'>;
  readonly webhookTruncated: Counter;
  readonly webhookTruncatedAlerts: Counter;
  readonly alertsWebhookOnly: Gauge;
  readonly webhookHeldAlerts: Gauge;
  readonly alertmanagerSkew: Gauge;
  readonly triggersCoalesced: Counter;
  readonly cyclesFailedConsecutive: Gauge;
  readonly storeQuarantined: Counter<'collection'>;
  readonly leader: Gauge;
  readonly leaderChanges: Counter;
  readonly leaseRenewalFailures: Counter;
  readonly triggersRelayed: Counter<'direction'>;
  /** Counts one execution outcome into actions, guard stops, verifications and time to remediate. */
  observeExecution(r: ExecutionRecord, incidentStartedAt?: string): void;
  /** Counts a refusal repeated as recorded (not recorded again) as a blocked action and a guard stop. */
  observeRefusedAgain(r: RepeatedRefusal): void;
  setRuleSet(hash: string): void;
  setWeights(weights: Readonly<Record<string, number>>): void;
}

const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const REMEDIATE_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600];

export interface ServiceMetricsOptions {
  readonly defaultMetrics?: boolean;
  /** Documents the knowledge store quarantined since open, per collection (read at each scrape). */
  readonly storeQuarantined?: () => Readonly<Record<string, number>>;
  /** The replica's lease state (read at each scrape); absent: a single node, always the leader. */
  readonly coordination?: () => CoordinationCounts;
}

/** What the coordinator counts (src/coordination/), mirrored into the metrics at each scrape. */
export interface CoordinationCounts {
  readonly leader: boolean;
  readonly leaderChanges: number;
  readonly renewalFailures: number;
  readonly triggersRelayed: number;
  readonly triggersReceived: number;
}

/** A counter whose value another component holds: reset and set from `read` at each scrape. */
function mirrored(name: string, help: string, registers: Registry[], read: (() => number) | undefined): Counter {
  return new Counter({
    name,
    help,
    registers,
    collect(this: Counter) {
      if (read === undefined) return;
      this.reset();
      this.inc(read());
    },
  });
}

export function createServiceMetrics(opts: ServiceMetricsOptions = {}): ServiceMetrics {
  const quarantined = opts.storeQuarantined;
  const coordination = opts.coordination;
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const m = {
    registry,
    cycleDuration: new Histogram({ name: 'mapek_cycle_duration_seconds', help: 'Duration of one MAPE-K cycle.', labelNames: ['result'] as const, buckets: DURATION_BUCKETS, registers }),
    cycles: new Counter({ name: 'mapek_cycles_total', help: 'Cycles run, by what scheduled them and how they ended.', labelNames: ['trigger', 'result'] as const, registers }),
    phaseDuration: new Histogram({ name: 'mapek_phase_duration_seconds', help: 'Duration of each phase of a cycle (plan = analyze + plan, one pure call).', labelNames: ['phase'] as const, buckets: DURATION_BUCKETS, registers }),
    rulesFired: new Counter({ name: 'mapek_rules_fired_total', help: 'Rules that fired, by rule id and stage.', labelNames: ['rule', 'stage'] as const, registers }),
    decisions: new Counter({ name: 'mapek_decisions_total', help: 'Decisions planned (one per incident with a candidate).', registers }),
    decisionsUnrecorded: new Counter({ name: 'mapek_decisions_unrecorded_total', help: 'Decisions planned and not stored: each repeated, unchanged and with nothing to run, the last one recorded for its incident within the refresh period (counted in mapek_decisions_total too).', registers }),
    actions: new Counter({ name: 'mapek_actions_total', help: 'Executions by action type and result status.', labelNames: ['type', 'result'] as const, registers }),
    guardStops: new Counter({ name: 'mapek_guard_stops_total', help: 'Actions stopped by a guard rail, by reason.', labelNames: ['reason'] as const, registers }),
    timeToRemediate: new Histogram({ name: 'mapek_time_to_remediate_seconds', help: 'From the first firing alert of the incident (or the intent when unknown) to a verified remediation.', labelNames: ['type'] as const, buckets: REMEDIATE_BUCKETS, registers }),
    verifications: new Counter({ name: 'mapek_verifications_total', help: 'Verification results by action type.', labelNames: ['type', 'result'] as const, registers }),
    ruleWeight: new Gauge({ name: 'mapek_rule_weight', help: 'Learned weight of each planning rule (1 = neutral).', labelNames: ['rule'] as const, registers }),
    ruleSetInfo: new Gauge({ name: 'mapek_ruleset_info', help: 'Always 1; the hash label names the rule set in force.', labelNames: ['hash'] as const, registers }),
    lastReloadSuccess: new Gauge({ name: 'mapek_ruleset_last_reload_successful', help: '1 when the last rule reload succeeded, 0 when it was rejected.', registers }),
    lastReloadTime: new Gauge({ name: 'mapek_ruleset_last_reload_success_timestamp_seconds', help: 'Time of the last successful rule load.', registers }),
    monitorErrors: new Counter({ name: 'mapek_monitor_errors_total', help: 'Failed reads of a monitor source.', labelNames: ['source'] as const, registers }),
    sourceDegraded: new Gauge({ name: 'mapek_source_degraded', help: '1 while a source is unreachable (the loop runs in a degraded mode).', labelNames: ['source'] as const, registers }),
    webhooks: new Counter({ name: 'mapek_webhooks_total', help: 'Alertmanager webhook posts by result.', labelNames: ['result'] as const, registers }),
    webhookTruncated: new Counter({ name: 'mapek_webhook_truncated_notifications_total', help: 'Webhook notifications Alertmanager truncated (max_alerts); each triggers a cycle that reads the whole group from the API.', registers }),
    webhookTruncatedAlerts: new Counter({ name: 'mapek_webhook_truncated_alerts_total', help: 'Alerts left out of truncated webhook notifications (their truncatedAlerts).', registers }),
    alertsWebhookOnly: new Gauge({ name: 'mapek_alerts_webhook_only', help: '1 while Alertmanager\'s API is unavailable and the alerts of recent webhook notifications are the alert source.', registers }),
    webhookHeldAlerts: new Gauge({ name: 'mapek_webhook_held_alerts', help: 'Alerts held from recent webhook notifications (the alert source of the webhook-only mode).', registers }),
    alertmanagerSkew: new Gauge({ name: 'mapek_alertmanager_clock_skew_seconds', help: 'Seconds by which the newest updatedAt of Alertmanager\'s alerts is ahead of the local clock (0: none is ahead).', registers }),
    triggersCoalesced: new Counter({ name: 'mapek_triggers_coalesced_total', help: 'Triggers merged into an already scheduled cycle.', registers }),
    cyclesFailedConsecutive: new Gauge({ name: 'mapek_cycles_failed_consecutive', help: 'Cycles failed (error or timeout) since the last one that succeeded; 0 after a good cycle.', registers }),
    storeQuarantined: new Counter({
      name: 'mapek_knowledge_quarantined_total',
      help: 'Knowledge-store documents quarantined (failed their schema or were unparsable) since the service started, by collection.',
      labelNames: ['collection'] as const,
      registers,
      collect(this: Counter<'collection'>) {
        if (quarantined === undefined) return;
        // The store holds the count; the counter mirrors it (it only grows while the store is open).
        this.reset();
        for (const [collection, n] of Object.entries(quarantined())) this.inc({ collection }, n);
      },
    }),
    leader: new Gauge({
      name: 'mapek_leader',
      help: '1 while this replica holds the leader lease and may act (always 1 without a PostgreSQL store), else 0.',
      registers,
      collect(this: Gauge) {
        this.set(coordination === undefined || coordination().leader ? 1 : 0);
      },
    }),
    leaderChanges: mirrored('mapek_leader_changes_total', 'Times this replica acquired the leader lease.', registers, coordination && (() => coordination().leaderChanges)),
    leaseRenewalFailures: mirrored('mapek_lease_renewal_failures_total', 'Lease renewals that failed (PostgreSQL unreachable) or were refused (the lease was lost).', registers, coordination && (() => coordination().renewalFailures)),
    triggersRelayed: new Counter({
      name: 'mapek_triggers_relayed_total',
      help: 'Triggers passed between replicas over PostgreSQL NOTIFY: sent by a standby, received by the leader.',
      labelNames: ['direction'] as const,
      registers,
      collect(this: Counter<'direction'>) {
        if (coordination === undefined) return;
        const c = coordination();
        this.reset();
        this.inc({ direction: 'sent' }, c.triggersRelayed);
        this.inc({ direction: 'received' }, c.triggersReceived);
      },
    }),
  };
  for (const s of SOURCES) m.sourceDegraded.set({ source: s }, 0);
  return {
    ...m,
    observeExecution(r, incidentStartedAt) {
      m.actions.inc({ type: r.action.type, result: r.status });
      if (r.guard !== undefined) m.guardStops.inc({ reason: r.guard });
      if (r.verify !== undefined) m.verifications.inc({ type: r.action.type, result: r.verify });
      if (r.status === 'succeeded' && r.verifiedAt !== undefined) {
        const from = Date.parse(incidentStartedAt ?? r.createdAt);
        const seconds = (Date.parse(r.verifiedAt) - from) / 1000;
        if (Number.isFinite(seconds) && seconds >= 0) m.timeToRemediate.observe({ type: r.action.type }, seconds);
      }
    },
    observeRefusedAgain(r) {
      m.actions.inc({ type: r.action, result: 'blocked' });
      m.guardStops.inc({ reason: r.guard });
    },
    setRuleSet(hash) {
      m.ruleSetInfo.reset();
      m.ruleSetInfo.set({ hash }, 1);
    },
    setWeights(weights) {
      for (const [rule, w] of Object.entries(weights)) m.ruleWeight.set({ rule }, w);
    },
  };
}

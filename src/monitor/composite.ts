import type { Alert } from '../types/alert.js';
import type { Monitor } from '../types/ports.js';
import type { DataWindows, MetricSample, Snapshot, SourceName, SourceStatus } from '../types/snapshot.js';
import { SourceReadError } from './charter-source.js';
import type { MonitorSource, SourceReading } from './source.js';

export interface CompositeMonitorOptions {
  readonly sources: readonly MonitorSource[];
  readonly now?: () => Date;
  /** A source slower than this counts as down for this snapshot. */
  readonly timeoutMs?: number;
}

type Outcome = { readonly status: SourceStatus; readonly reading: SourceReading };

/** Where a snapshot's alerts came from; `webhook`: held webhook notifications; `none`: no source had any. */
export type AlertSourceUsed = 'alertmanager' | 'prometheus' | 'webhook' | 'charter' | 'none';

/** The first source with alerts: its name, its alerts and how far back they reach (DataWindows.alertsMs). */
function pickAlerts(options: readonly (readonly [AlertSourceUsed, SourceReading | undefined])[]): [AlertSourceUsed, readonly Alert[], number] {
  for (const [name, r] of options) if (r?.alerts !== undefined) return [name, r.alerts, r.windows?.alertsMs ?? 0];
  return ['none', [], 0];
}

/**
 * Builds one Snapshot from every source, read in parallel. Never throws because a source is
 * down: the failure is recorded in `snapshot.sources` and the others fill in.
 *   metrics:    Prometheus, else the built-ins derived from Charter's own /metrics
 *   ranges:     Prometheus only (declared range facts)
 *   alerts:     Alertmanager (knows silences), else Prometheus ALERTS (read live), else
 *               the alerts Alertmanager's webhook delivered (held by the alertmanager
 *               source while its API is down: only as fresh as the last notification),
 *               else Charter-evaluated
 *   violations: Charter
 */
export class CompositeMonitor implements Monitor {
  private readonly now: () => Date;
  private lastAlertSource: AlertSourceUsed = 'none';
  constructor(private readonly opts: CompositeMonitorOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  async observe(): Promise<Snapshot> {
    const at = this.now();
    const results = await Promise.all(this.opts.sources.map((s) => this.readOne(s, at)));
    const by = new Map<SourceName, Outcome>();
    this.opts.sources.forEach((s, i) => by.set(s.name, results[i] as Outcome));

    const ok = (n: SourceName): SourceReading | undefined => (by.get(n)?.status.ok === true ? by.get(n)?.reading : undefined);
    const any = (n: SourceName): SourceReading | undefined => by.get(n)?.reading;
    const metricsFrom = ok('prometheus')?.metrics ? ok('prometheus') : any('charter');
    const metrics: Readonly<Record<string, readonly MetricSample[]>> = metricsFrom?.metrics ?? {};
    const [alertSource, alerts, alertsWindow] = pickAlerts([
      ['alertmanager', ok('alertmanager')],
      ['prometheus', ok('prometheus')],
      ['webhook', any('alertmanager')],
      ['charter', any('charter')],
    ]);
    this.lastAlertSource = alertSource;
    const sources: Partial<Record<SourceName, SourceStatus>> = {};
    for (const [name, o] of by) sources[name] = o.status;
    // Each part's look-back comes from the source that supplied it.
    const windows: DataWindows = {
      metricsMs: metricsFrom?.windows?.metricsMs ?? 0,
      ...(metricsFrom?.windows?.metricMs ? { metricMs: metricsFrom.windows.metricMs } : {}),
      alertsMs: alertsWindow,
      violationsMs: ok('charter')?.windows?.violationsMs ?? 0,
    };
    // Range facts need Prometheus: without it they are missing (null), never guessed.
    const ranges = ok('prometheus')?.ranges;
    return { at: at.toISOString(), alerts, metrics, ...(ranges !== undefined ? { ranges } : {}), violations: ok('charter')?.violations ?? [], sources, windows };
  }

  /** Which source the alerts of the last snapshot came from. */
  alertSource(): AlertSourceUsed {
    return this.lastAlertSource;
  }

  private async readOne(source: MonitorSource, at: Date): Promise<Outcome> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = this.opts.timeoutMs;
      const reading = await (timeout === undefined
        ? source.read(at)
        : Promise.race([
            source.read(at),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`${source.name} did not answer within ${timeout} ms`)), timeout);
            }),
          ]));
      return { status: { ok: true }, reading };
    } catch (thrown) {
      const err = thrown instanceof SourceReadError ? thrown : source.fallback?.(thrown, at) ?? thrown;
      const error = err instanceof Error ? err.message : String(err);
      return { status: { ok: false, error }, reading: err instanceof SourceReadError ? err.partial : {} };
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }
}

import type { CharterApi } from '../types/ports.js';
import type { DataWindows } from '../types/snapshot.js';
import { AlertEvaluator } from './alert-evaluator.js';
import { CharterMetricsDeriver, type Derived } from './derive.js';
import { parseExposition } from './exposition.js';
import type { MonitorSource, SourceReading } from './source.js';

/** A source failure that still carries what could be read (e.g. the CharterDown alert). */
export class SourceReadError extends Error {
  readonly partial: SourceReading;
  constructor(message: string, partial: SourceReading, cause?: unknown) {
    super(message, { cause });
    this.name = 'SourceReadError';
    this.partial = partial;
  }
}

export interface CharterSourceOptions {
  /** Violations newer than now − lookbackMs are read. */
  readonly lookbackMs: number;
  /**
   * Reads Charter's /metrics text. When given, the built-in metric facts are derived from it (the
   * fallback when Prometheus is absent or down) and, with `evaluateAlerts`, Charter's
   * eleven alerts are evaluated in-process (the demo's stand-in for Prometheus).
   */
  readonly scrapeMetrics?: () => Promise<string>;
  /** Window of derived counter rates (PromQL uses 1m; the demo uses a few seconds). */
  readonly rateWindowMs?: number;
  readonly evaluateAlerts?: boolean;
  /** Multiplies the alerts' `for` durations (the demo shortens them). */
  readonly forScale?: number;
}

/** Charter's violations API, and optionally metrics and alerts derived from Charter itself. */
export class CharterSource implements MonitorSource {
  readonly name = 'charter' as const;
  private readonly deriver: CharterMetricsDeriver;
  private readonly evaluator: AlertEvaluator;

  constructor(
    private readonly api: CharterApi,
    private readonly opts: CharterSourceOptions,
  ) {
    this.deriver = new CharterMetricsDeriver(opts.rateWindowMs ?? 60_000);
    this.evaluator = new AlertEvaluator(opts.forScale ?? 1);
  }

  async read(now: Date): Promise<SourceReading> {
    const since = new Date(now.getTime() - this.opts.lookbackMs).toISOString();
    let derived: Derived | undefined;
    try {
      const [violations, text] = await Promise.all([
        this.api.listViolations({ since }),
        this.opts.scrapeMetrics ? this.opts.scrapeMetrics() : Promise.resolve(undefined),
      ]);
      if (text !== undefined) derived = this.deriver.derive(parseExposition(text), now.getTime());
      // Rates, increases and the alerts evaluated on them reach back to the deriver's baseline
      // scrape (the window plus up to one scrape interval); until a first scrape, the window.
      const spanMs = Math.max(derived?.spanMs ?? 0, this.opts.rateWindowMs ?? 60_000);
      const reading: { violations: typeof violations; metrics?: Derived['metrics']; alerts?: ReturnType<AlertEvaluator['evaluate']>; windows: DataWindows } = {
        violations,
        windows: { violationsMs: this.opts.lookbackMs, ...(derived !== undefined ? { metricsMs: spanMs } : {}), ...(this.opts.evaluateAlerts === true ? { alertsMs: spanMs } : {}) },
      };
      if (derived !== undefined) reading.metrics = derived.metrics;
      if (this.opts.evaluateAlerts === true) reading.alerts = this.evaluator.evaluate(derived, now);
      return reading;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const partial: SourceReading = this.opts.evaluateAlerts === true ? { alerts: this.evaluator.evaluate(undefined, now) } : {};
      throw new SourceReadError(message, partial, err);
    }
  }
}

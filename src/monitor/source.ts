import type { Alert } from '../types/alert.js';
import type { Violation } from '../types/charter.js';
import type { DataWindows, MetricSample, RangeSeries, SourceName } from '../types/snapshot.js';
import type { SourceReadError } from './charter-source.js';

/** What one source contributed to a snapshot; absent parts are not known to that source. */
export interface SourceReading {
  readonly alerts?: readonly Alert[];
  readonly metrics?: Readonly<Record<string, readonly MetricSample[]>>;
  readonly ranges?: Readonly<Record<string, readonly RangeSeries[]>>;
  readonly violations?: readonly Violation[];
  /** How far back this source's parts reach (see DataWindows). */
  readonly windows?: DataWindows;
}

/**
 * One monitor source. `read` may throw (the source is down); CompositeMonitor catches it,
 * records the source as degraded and carries on with the others.
 */
export interface MonitorSource {
  readonly name: SourceName;
  read(now: Date): Promise<SourceReading>;
  /**
   * What to use when a read failed or timed out: an error whose `partial` holds a stand-in
   * reading (the webhook-held alerts for Alertmanager); undefined: nothing.
   */
  fallback?(err: unknown, now: Date): SourceReadError | undefined;
}

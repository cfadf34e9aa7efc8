import type { Alert } from '../types/alert.js';
import type { Violation } from '../types/charter.js';
import type { MetricSample, RangeSeries, SourceName } from '../types/snapshot.js';

/** What one source contributed to a snapshot; absent parts are not known to that source. */
export interface SourceReading {
  readonly alerts?: readonly Alert[];
  readonly metrics?: Readonly<Record<string, readonly MetricSample[]>>;
  readonly ranges?: Readonly<Record<string, readonly RangeSeries[]>>;
  readonly violations?: readonly Violation[];
}

/**
 * One monitor source. `read` may throw (the source is down); CompositeMonitor catches it,
 * records the source as degraded and carries on with the others.
 */
export interface MonitorSource {
  readonly name: SourceName;
  read(now: Date): Promise<SourceReading>;
}

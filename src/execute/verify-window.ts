/**
 * Whether a snapshot can judge an action: the facts a verify condition read must describe
 * only time after the action landed. A rate over the last minute read 20 s after a fix still
 * holds the violations from before it; judging on it would undo a fix that worked.
 */
import type { Condition } from '../types/rules.js';
import type { DataWindows, Snapshot } from '../types/snapshot.js';

/** The widest of the windows (what a fact derived from all of them may reach back to). */
export function widest(w: DataWindows | undefined): number {
  return Math.max(0, w?.metricsMs ?? 0, w?.alertsMs ?? 0, w?.violationsMs ?? 0, ...Object.values(w?.metricMs ?? {}));
}

interface FactRead {
  readonly fact: string;
  readonly path?: string;
}

function firstSegment(path: string | undefined): string[] {
  return (path ?? '').replace(/^\$\.?/, '').split(/[.[\]'"]+/).filter((x) => x !== '');
}

/** How far back the data behind one fact read reaches, in ms. */
export function factWindowMs(read: FactRead, w: DataWindows | undefined): number {
  if (w === undefined) return 0;
  const [head, next] = firstSegment(read.path);
  const metric = (name: string | undefined): number => (name !== undefined ? w.metricMs?.[name] : undefined) ?? w.metricsMs ?? 0;
  switch (read.fact) {
    case 'metrics':
      return metric(head);
    case 'alertnames':
    case 'alerts':
    case 'severity':
    case 'labels':
      return w.alertsMs ?? 0;
    case 'violations':
      return w.violationsMs ?? 0;
    case 'subject':
      return 0;
    case 'global':
      if (head === 'firingAlertnames' || head === 'alertCount' || head === 'incidentCount') return w.alertsMs ?? 0;
      if (head === 'metrics') return metric(next);
      if (head === 'sources') return 0;
      return widest(w);
    default:
      // A derived fact may rest on any observed part.
      return widest(w);
  }
}

/**
 * The look-back of every fact a condition reads. A reference to a named condition (resolved
 * by the rule set, not here) counts as the widest window: unknown is judged conservatively.
 */
export function conditionWindowMs(c: Condition, w: DataWindows | undefined): number {
  if ('all' in c) return Math.max(0, ...c.all.map((x) => conditionWindowMs(x, w)));
  if ('any' in c) return Math.max(0, ...c.any.map((x) => conditionWindowMs(x, w)));
  if ('not' in c) return conditionWindowMs(c.not, w);
  if ('condition' in c) return widest(w);
  return factWindowMs(c, w);
}

/**
 * When the snapshot's data starts after `landedAt`, undefined; else the time from which it
 * will. Instant data (window 0) is always current: the snapshot is read after the settle time.
 */
export function coveredFrom(s: Snapshot, windowMs: number, landedAt: number): number | undefined {
  if (windowMs <= 0) return undefined;
  const from = Date.parse(s.at) - windowMs;
  return from >= landedAt ? undefined : landedAt + windowMs;
}

/**
 * The learning bench's figures from the real-service runs (bench/lib/learning-service.ts):
 * per world and mode, over the seeds, what the issue #12 targets are judged on.
 */
import { flipsBack, incidentsUntilPrefers } from './learning-loop.js';
import type { Mode, ServiceIncident, ServiceRun } from './learning-service.js';
import type { ServiceWorld } from './learning-service-worlds.js';

export interface ServiceSummary {
  readonly world: string;
  readonly mode: Mode;
  readonly incidents: number;
  readonly seeds: number;
  /** Figures cover incidents after this one (afterOf). */
  readonly after: number;
  /** First-attempt success after `after`, % (mean over seeds). */
  readonly firstAttempt: number;
  /** Mean Charter-recorded time to remediate after `after` (remediated incidents), s. */
  readonly ttrS: number;
  /** Median over (seed, kind) of the incidents of a kind until it prefers the best action (after the change, if any); NaN when it never does. */
  readonly untilPrefers: number;
  readonly neverPrefers: number;
  readonly pairs: number;
  /** Flips back to a worse first choice, per 100 incidents of a kind (after first preferring the best). */
  readonly flipsPer100: number;
  readonly escalations: number;
  readonly unremediated: number;
  readonly unremediatedNotEscalated: number;
  readonly storeEscalations: number;
  readonly notifyChanges: number;
  readonly weightChanges: number;
}

/** Neither remediated nor escalated (the bench stopped it after its timeout): the service went quiet on it. */
export const wentQuiet = (i: Pick<ServiceIncident, 'remediated' | 'escalated'>): boolean => !i.remediated && !i.escalated;

export const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : Number.NaN);
export const medianOf = (xs: readonly number[]): number => {
  const v = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return v.length === 0 ? Number.NaN : v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
};

/** Figures are judged after incident 50, or after the first half of a shorter run (the default run's 60: after 30). */
export function afterOf(incidents: number): number {
  return Math.min(50, Math.floor(incidents / 2));
}

export function summariseService(w: ServiceWorld, mode: Mode, runs: readonly ServiceRun[]): ServiceSummary {
  const incidents = runs[0]?.incidents.length ?? 0;
  const after = afterOf(incidents);
  const late = (r: ServiceRun): readonly ServiceIncident[] => r.incidents.filter((x) => x.n > after);
  const until: number[] = [];
  const flips: number[] = [];
  for (const r of runs) {
    for (const k of w.kinds) {
      const xs = r.incidents.filter((x) => x.kind === k);
      const from = w.changeAt !== undefined ? Math.max(0, xs.findIndex((x) => x.n >= (w.changeAt ?? 0))) : 0;
      const best = xs.map((x) => x.firstBest);
      until.push(incidentsUntilPrefers(best, from));
      const f = flipsBack(best, from);
      if (!Number.isNaN(f)) flips.push((100 * f) / Math.max(1, xs.length - from));
    }
  }
  const all = runs.flatMap((r) => r.incidents);
  return {
    world: w.name,
    mode,
    incidents,
    seeds: runs.length,
    after,
    firstAttempt: 100 * mean(runs.map((r) => late(r).filter((x) => x.firstSuccess).length / Math.max(1, late(r).length))),
    ttrS: mean(runs.flatMap((r) => late(r).flatMap((x) => (x.ttrMs !== undefined ? [x.ttrMs / 1000] : [])))),
    untilPrefers: medianOf(until),
    neverPrefers: until.filter((x) => Number.isNaN(x)).length,
    pairs: until.length,
    flipsPer100: mean(flips),
    escalations: all.filter((x) => x.escalated).length,
    unremediated: all.filter((x) => !x.remediated).length,
    unremediatedNotEscalated: all.filter(wentQuiet).length,
    storeEscalations: runs.reduce((s, r) => s + r.storeEscalations, 0),
    notifyChanges: runs.reduce((s, r) => s + r.notifyChanges, 0),
    weightChanges: runs.reduce((s, r) => s + r.weightChanges, 0),
  };
}

/** Runs `jobs` with at most `limit` in flight; results in job order. */
export async function pool<T>(jobs: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return out;
}

/**
 * Time facts, on the snapshot's clock (a fixture's step time in simulation):
 *   alerts[].firingForSeconds  seconds since the alert started firing (null when not firing)
 *   firingFor                  seconds since the oldest active alert of the incident started;
 *                              for a rule that names alerts (`alerts:`), the oldest of those
 *   incidentAge                seconds since the oldest alert of the incident (any state) started
 * Null when there is no such alert, or no clock.
 */
import type { CompiledRule } from './compiled-rule.js';
import type { FactLookup } from './compile.js';

interface AlertTimes {
  readonly name: string;
  readonly state: string;
  readonly silenced: boolean;
  readonly inhibited: boolean;
  readonly firingForSeconds: number | null;
}

/** Whole seconds from `startsAt` to `nowMs`, never negative; null without a clock or a time. */
export function secondsSince(startsAt: string, nowMs: number | undefined): number | null {
  if (nowMs === undefined) return null;
  const t = Date.parse(startsAt);
  return Number.isNaN(t) ? null : Math.max(0, Math.floor((nowMs - t) / 1000));
}

/** The longest firingForSeconds among active alerts (named `names`, when given). */
export function firingFor(alerts: unknown, names?: readonly string[]): number | null {
  if (!Array.isArray(alerts)) return null;
  let best: number | null = null;
  for (const a of alerts as AlertTimes[]) {
    if (a.state !== 'firing' || a.silenced || a.inhibited || a.firingForSeconds === null) continue;
    if (names !== undefined && !names.includes(a.name)) continue;
    if (best === null || a.firingForSeconds > best) best = a.firingForSeconds;
  }
  return best;
}

/** The lookup a rule evaluates with: its own `firingFor` when it names alerts. */
export function ruleLookup(c: CompiledRule, lookup: FactLookup): FactLookup {
  if (!c.ownFiringFor) return lookup;
  const names = c.rule.alerts;
  return (name) => (name === 'firingFor' ? firingFor(lookup('alerts'), names) : lookup(name));
}

/**
 * Credit assignment (pure): which outcomes count, and how much, for which action.
 *
 * - A `notify` is never credited: telling a human does not clear an incident, whatever the
 *   alert did meanwhile.
 * - An inconclusive verification teaches nothing.
 * - A success whose verification window (appliedAt..verifiedAt) overlaps the window of
 *   another change action on the same incident is **shared**: each of the k overlapping
 *   actions gets 1/k of a success, since the data cannot tell which one cleared it.
 * - A failure is not shared: the action did not clear the incident even with the others in
 *   place, so it takes the whole failure.
 */
import type { Outcome } from '../types/knowledge.js';

export interface Credit {
  readonly outcome: Outcome;
  /** Success credit in [0, 1] (1/k when shared by k overlapping actions). */
  readonly success: number;
  /** Failure weight: 1 for a failed verification, else 0. */
  readonly failure: number;
  /** Keys of the overlapping change actions it shared a success with. */
  readonly sharedWith: readonly string[];
}

/** Why an outcome is not credited at all (undefined when it is). */
export function uncredited(o: Outcome): string | undefined {
  if (o.actionType === 'notify') return 'a notification is never credited with a fix';
  if (o.result === 'inconclusive') return 'inconclusive: teaches nothing';
  return undefined;
}

const startOf = (o: Outcome): string => o.appliedAt ?? o.at;

function overlaps(a: Outcome, b: Outcome): boolean {
  return startOf(a) <= b.at && startOf(b) <= a.at;
}

/** Credits for the creditable outcomes, in input order. */
export function credit(outcomes: readonly Outcome[]): Credit[] {
  const changes = outcomes.filter((o) => uncredited(o) === undefined);
  const byIncident = new Map<string, Outcome[]>();
  for (const o of changes) {
    if (o.incidentId === undefined) continue;
    const list = byIncident.get(o.incidentId);
    if (list) list.push(o);
    else byIncident.set(o.incidentId, [o]);
  }
  return changes.map((o) => {
    if (o.result === 'failed') return { outcome: o, success: 0, failure: 1, sharedWith: [] };
    const others = o.incidentId === undefined ? [] : (byIncident.get(o.incidentId) ?? []).filter((x) => x.key !== o.key && overlaps(o, x));
    return { outcome: o, success: 1 / (others.length + 1), failure: 0, sharedWith: others.map((x) => x.key).sort() };
  });
}

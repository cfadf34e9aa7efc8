/**
 * Which of a snapshot's alerts belong to a decision's incident: the same alert → incident
 * mapping as Monitor's grouping (src/types/subject.ts, shared by both).
 */
import type { Alert } from '../../types/alert.js';
import type { Candidate, Decision } from '../../types/decision.js';
import type { Snapshot } from '../../types/snapshot.js';
import { incidentOfAlert } from '../../types/subject.js';

const byIncident = new WeakMap<Snapshot, Map<string, Alert[]>>();

/** The snapshot's alerts by incident id, built once per snapshot (every decision asks). */
function alertsByIncident(s: Snapshot): Map<string, Alert[]> {
  let m = byIncident.get(s);
  if (m !== undefined) return m;
  m = new Map();
  for (const a of s.alerts) {
    const id = incidentOfAlert(a);
    const list = m.get(id);
    if (list === undefined) m.set(id, [a]);
    else list.push(a);
  }
  byIncident.set(s, m);
  return m;
}

export function incidentAlerts(d: Decision, s: Snapshot): Alert[] {
  const own = alertsByIncident(s).get(d.incidentId) ?? [];
  return d.alerts.length === 0 ? [...own] : own.filter((a) => d.alerts.includes(a.name));
}

/** The incident's alerts a candidate's rule reacts to (Candidate.reactsTo; all of them when absent). */
export function reactedAlerts(alerts: readonly Alert[], c: Pick<Candidate, 'reactsTo'>): readonly Alert[] {
  const own = c.reactsTo;
  return own === undefined ? alerts : alerts.filter((a) => own.includes(a.name));
}

/** When the incident's oldest alert (of the decision's names) started (ISO), if it has one. */
export function incidentStartedAt(d: Decision, s: Snapshot): string | undefined {
  let first: string | undefined;
  for (const a of incidentAlerts(d, s)) if (first === undefined || a.startsAt < first) first = a.startsAt;
  return first;
}

/** Epoch ms at which each firing alert started (unparsable times left out). */
function firingStarts(alerts: readonly Alert[]): number[] {
  return alerts.filter((a) => a.state === 'firing').map((a) => Date.parse(a.startsAt)).filter((n) => !Number.isNaN(n));
}

/** Epoch ms of the oldest firing alert, if any. */
export function oldestFiring(alerts: readonly Alert[]): number | undefined {
  const t = firingStarts(alerts);
  return t.length ? Math.min(...t) : undefined;
}

/** Epoch ms of the newest firing alert, if any. */
export function newestFiring(alerts: readonly Alert[]): number | undefined {
  const t = firingStarts(alerts);
  return t.length ? Math.max(...t) : undefined;
}

/** Never act on a resolved alert: the incident had alerts and none is firing any more. */
export function resolvedBlock(d: Decision, alerts: readonly Alert[]): string | undefined {
  if (d.alerts.length === 0) return undefined; // a metric-only incident has no alert to resolve
  if (alerts.some((a) => a.state === 'firing')) return undefined;
  return alerts.length === 0 ? `${d.alerts.join(', ')} no longer in the snapshot` : `${d.alerts.join(', ')} resolved`;
}

/** Respect silences: every firing alert of the incident is silenced (or inhibited). */
export function silencedBlock(alerts: readonly Alert[]): string | undefined {
  const firing = alerts.filter((a) => a.state === 'firing');
  if (firing.length === 0 || firing.some((a) => !a.silenced && !a.inhibited)) return undefined;
  return `${[...new Set(firing.map((a) => a.name))].sort().join(', ')} silenced in Alertmanager`;
}

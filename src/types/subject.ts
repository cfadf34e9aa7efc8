/**
 * Which subject an alert is about, and so which incident it belongs to. Pure functions over
 * the shared vocabulary, used by Monitor (grouping) and Execute (guards, intent keys), which
 * must not import each other.
 *
 * Subject of an alert: label `policy_id` → policy; else `node_or_service` → target; else
 * `committee_id` → committee; else the service "charter".
 */
import type { Alert } from './alert.js';
import type { Subject } from './snapshot.js';

export const SERVICE_ID = 'charter';

/** True when rules may act on the alert: firing, not silenced, not inhibited. */
export function isActive(a: Alert): boolean {
  return a.state === 'firing' && !a.silenced && !a.inhibited;
}

export function subjectOf(a: Alert): Subject {
  const l = a.labels;
  if (l['policy_id']) return { kind: 'policy', id: l['policy_id'] };
  if (l['node_or_service']) return { kind: 'target', id: l['node_or_service'] };
  if (l['committee_id']) return { kind: 'committee', id: l['committee_id'] };
  return { kind: 'service', id: SERVICE_ID };
}

/** The incident id of a subject: `kind:id`. */
export function incidentId(s: Subject): string {
  return `${s.kind}:${s.id}`;
}

/** The incident an alert belongs to. */
export function incidentOfAlert(a: Alert): string {
  return incidentId(subjectOf(a));
}

/**
 * The intent key: rule | target | incident | episode. The episode separates a new
 * occurrence of an incident from a duplicate trigger of the same one: the startsAt
 * (Alertmanager's own dedup basis) of the oldest firing alert among those the candidate's
 * rule reacts to (Candidate.reactsTo; all of the incident's when absent), or, for an
 * incident without alerts, the start of its current streak of cycles.
 */
import type { Candidate, Decision } from '../types/decision.js';
import { incidentKindOf } from '../types/rules.js';

export function episodeOf(oldestFiringAt: number | undefined, streakSince: number | undefined, now: number): string {
  if (oldestFiringAt !== undefined) return new Date(oldestFiringAt).toISOString();
  return `seen:${new Date(streakSince ?? now).toISOString()}`;
}

export function intentKey(d: Decision, c: Candidate, episode: string): string {
  return [c.ruleId, c.action.target, d.incidentId, episode].join('|');
}

/** Key under which a guard's refusal is recorded: one per cycle, never blocking the intent key. */
export function blockedKey(key: string, cycleId: string): string {
  return `${key}#blocked:${cycleId}`;
}

/** The incident kind the learner groups outcomes by: its sorted firing alert names. */
export function incidentKind(d: Decision): string {
  return incidentKindOf(d.alerts, d.subject.kind);
}

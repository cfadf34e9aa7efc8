/**
 * Check a plan rule's `verify` condition on a fresh snapshot. The condition sees the same
 * facts as rules, derived facts included (recomputed on that snapshot). When the incident
 * is gone (its alerts cleared), its subject is still evaluated, with no alerts.
 *
 * Result: `succeeded` when the condition holds, `failed` when it does not — unless some leaf
 * (other than `exists` and `missing`, which ask about absence on purpose) read a missing or null value:
 * then `inconclusive`, whatever the result, because a missing metric proves nothing.
 */
import type { ConditionTrace } from '../types/decision.js';
import type { Condition, RuleSet } from '../types/rules.js';
import type { Incident, Snapshot, SubjectKind } from '../types/snapshot.js';
import { factCatalog } from '../types/facts.js';
import { groupIncidents } from '../monitor/incidents.js';
import { compileCondition, evaluate } from './compile.js';
import { compileRuleSet } from './compiled-rules.js';
import { globalFacts } from './facts.js';
import { isMissing } from './operators/missing.js';
import { analyzeIncident } from './planner.js';

/** Operators that ask about absence on purpose: a missing value is their answer, not a gap. */
const ASKS_ABSENCE: ReadonlySet<string> = new Set(['exists', 'missing']);

export type VerifyOutcome = 'succeeded' | 'failed' | 'inconclusive';

const KINDS: readonly SubjectKind[] = ['policy', 'target', 'committee', 'service'];

function emptyIncident(ruleSet: RuleSet, snapshot: Snapshot, incidentId: string): Incident {
  const sep = incidentId.indexOf(':');
  const kind = incidentId.slice(0, sep) as SubjectKind;
  if (sep < 0 || !KINDS.includes(kind)) throw new Error(`invalid incident id "${incidentId}": expected KIND:ID`);
  const id = incidentId.slice(sep + 1);
  // Group a snapshot holding one placeholder alert for the subject, then drop the alert.
  const label = kind === 'policy' ? 'policy_id' : kind === 'target' ? 'node_or_service' : kind === 'committee' ? 'committee_id' : undefined;
  const probe = {
    ...snapshot,
    alerts: [{
      fingerprint: '', name: '', severity: 'info' as const, state: 'resolved' as const, labels: label ? { [label]: id } : {},
      annotations: {}, startsAt: snapshot.at, silenced: false, inhibited: false, source: 'fixture' as const,
    }],
  };
  const [incident] = groupIncidents(probe, factCatalog(ruleSet));
  if (incident === undefined) throw new Error(`invalid incident id "${incidentId}"`);
  return { ...incident, alerts: [] };
}

export function verifyCondition(
  ruleSet: RuleSet,
  snapshot: Snapshot,
  incidentId: string,
  condition: Condition,
): { result: VerifyOutcome; trace: ConditionTrace[] } {
  const cr = compileRuleSet(ruleSet);
  const facts = factCatalog(ruleSet);
  const incidents = groupIncidents(snapshot, facts);
  const incident = incidents.find((i) => i.id === incidentId) ?? emptyIncident(ruleSet, snapshot, incidentId);
  const analyzed = analyzeIncident(cr, incident, globalFacts(snapshot, incidents, facts), undefined, snapshot.at);
  const compiled = compileCondition(condition, ruleSet.namedConditions);
  const trace: ConditionTrace[] = [];
  const ok = evaluate(compiled.root, analyzed.lookup, trace);
  const missing = trace.some((t) => !ASKS_ABSENCE.has(t.operator) && (isMissing(t.factValue) || isMissing(t.value)));
  return { result: missing ? 'inconclusive' : ok ? 'succeeded' : 'failed', trace };
}

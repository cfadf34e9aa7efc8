/**
 * Which remediation clears which fault, and how often (docs/FAULT_MODEL.md). The draw
 * happens when the remediating write is applied; a failed draw leaves the fault active
 * while the write still lands. Any (fault, action) pair not listed has probability 0.
 * The learner's tests and the benchmarks rely on these numbers: change them only with
 * the docs.
 */
import type { FaultKind } from '../types/charter.js';

/** The remediating writes the reference Charter recognises (names as in the action catalog). */
export type RemediationAction =
  | 'rollback_policy'
  | 'set_enforcement_mode_audit'
  | 'quarantine_target'
  | 'scale_committee'
  | 'enable_validation_cache'
  | 'reload_policies';

export const REMEDIATION_TABLE: Readonly<Record<FaultKind, Readonly<Partial<Record<RemediationAction, number>>>>> = {
  bad_rollout: { rollback_policy: 0.95, set_enforcement_mode_audit: 0.5 },
  rogue_target: { quarantine_target: 0.9 },
  committee_overload: { scale_committee: 0.85 },
  validation_slowdown: { enable_validation_cache: 0.85, reload_policies: 0.2 },
  policy_load_failure: { reload_policies: 0.7, rollback_policy: 0.9 },
};

/** Success probability of `action` against a fault of `kind` (0 when not listed). */
export function successProbability(kind: FaultKind, action: RemediationAction): number {
  return REMEDIATION_TABLE[kind][action] ?? 0;
}

/** scale_committee counts only when capacity rises by at least this much. */
export const SCALE_COMMITTEE_MIN_DELTA = 2;

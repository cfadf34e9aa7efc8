import { SEED_COMMITTEES, SEED_POLICIES, SEED_TARGETS } from '../../charter/index.js';
import type { FaultKind } from '../../types/charter.js';

/** Which seeded subject the demo's i-th fault of a kind hits (undefined: the service itself). */
export function subjectFor(kind: FaultKind, i: number): string | undefined {
  switch (kind) {
    case 'bad_rollout':
      return SEED_POLICIES[0]?.id;
    case 'policy_load_failure':
      return SEED_POLICIES[2]?.id;
    case 'rogue_target':
      return SEED_TARGETS[i % SEED_TARGETS.length];
    case 'committee_overload':
      return SEED_COMMITTEES[0]?.id;
    case 'validation_slowdown':
      return undefined;
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/** The incident id (src/monitor/incidents.ts) the fault's alerts group into. */
export function incidentOf(kind: FaultKind, subject: string): string {
  switch (kind) {
    case 'bad_rollout':
    case 'policy_load_failure':
      return `policy:${subject}`;
    case 'rogue_target':
      return `target:${subject}`;
    case 'committee_overload':
      return `committee:${subject}`;
    case 'validation_slowdown':
      return 'service:charter';
    default: {
      const never: never = kind;
      return never;
    }
  }
}

/** set_enforcement_mode: the same spec with another enforcement mode, as a new version. */
import type { EnforcementMode, Policy } from '../../types/charter.js';
import { INCIDENT_CLEARS, type ActionModule } from './action.js';
import { policyLanded, readPolicy, sameSpec, writePolicy } from './policy-state.js';

export const setEnforcementMode: ActionModule<Policy> = {
  type: 'set_enforcement_mode',
  read: readPolicy,
  desired: (current, params) => ({ ...current, spec: { ...current.spec, enforcementMode: params['mode'] as EnforcementMode } }),
  same: (current, desired) => sameSpec(current.spec, desired.spec),
  write: writePolicy,
  landed: policyLanded,
  defaultVerify: INCIDENT_CLEARS,
};

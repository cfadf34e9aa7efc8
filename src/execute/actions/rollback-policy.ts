/** rollback_policy: re-apply an earlier version's spec (default the one before the current). */
import type { Policy } from '../../types/charter.js';
import { INCIDENT_CLEARS, type ActionModule } from './action.js';
import { ActionParamError } from './params.js';
import { policyLanded, readPolicy, sameSpec, writePolicy } from './policy-state.js';

export const rollbackPolicy: ActionModule<Policy> = {
  type: 'rollback_policy',
  read: readPolicy,
  desired(current, params, target) {
    const to = typeof params['toVersion'] === 'number' ? params['toVersion'] : current.version - 1;
    const v = current.history.find((h) => h.version === to);
    if (!v) throw new ActionParamError(`action "rollback_policy": policy "${target}" has no version ${to} in its history`);
    return { ...current, spec: v.spec };
  },
  same: (current, desired) => sameSpec(current.spec, desired.spec),
  write: writePolicy,
  landed: policyLanded,
  defaultVerify: INCIDENT_CLEARS,
};

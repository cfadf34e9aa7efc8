/**
 * rollback_policy: re-apply an earlier version's spec — by default the spec in effect before
 * the current one took effect (rollbackVersion), or `toVersion`'s.
 */
import type { Policy, PolicyVersion } from '../../types/charter.js';
import { INCIDENT_CLEARS, type ActionModule } from './action.js';
import { ActionParamError } from './params.js';
import { policyLanded, readPolicy, sameSpec, writePolicy } from './policy-state.js';

/**
 * The version a default rollback returns to. The history is read as a stack: a version whose
 * spec an earlier version already had returns to that one (an undo, a rollback, a re-applied
 * spec), and the versions in between are off the stack; any other version goes on it. The
 * answer is the entry under the top. So after [good, bad, audit, bad] — the audit attempt
 * undone by writing the bad spec back — it is `good`, not `audit` (version − 1, which would
 * re-apply the change the executor just undid). A history without repeats gives version − 1.
 */
export function rollbackVersion(history: readonly PolicyVersion[]): PolicyVersion | undefined {
  const stack: PolicyVersion[] = [];
  for (const v of [...history].sort((a, b) => a.version - b.version)) {
    const at = stack.findIndex((s) => sameSpec(s.spec, v.spec));
    if (at >= 0) stack.length = at + 1;
    else stack.push(v);
  }
  return stack[stack.length - 2];
}

const firstOfCurrent = (p: Policy): number => [...p.history].sort((a, b) => a.version - b.version).find((h) => sameSpec(h.spec, p.spec))?.version ?? p.version;

export const rollbackPolicy: ActionModule<Policy> = {
  type: 'rollback_policy',
  read: readPolicy,
  desired(current, params, target) {
    if (typeof params['toVersion'] === 'number') {
      const to = params['toVersion'];
      const v = current.history.find((h) => h.version === to);
      if (!v) throw new ActionParamError(`action "rollback_policy": policy "${target}" has no version ${to} in its history`);
      return { ...current, spec: v.spec };
    }
    const v = rollbackVersion(current.history);
    if (!v) throw new ActionParamError(`action "rollback_policy": policy "${target}" has no earlier spec to roll back to: its current spec is that of version ${firstOfCurrent(current)}, the first in its history`);
    return { ...current, spec: v.spec };
  },
  same: (current, desired) => sameSpec(current.spec, desired.spec),
  write: writePolicy,
  landed: policyLanded,
  defaultVerify: INCIDENT_CLEARS,
};

/** quarantine_target: mark a node or service quarantined (rollback releases it). */
import type { Target } from '../../types/charter.js';
import { INCIDENT_CLEARS, type ActionModule } from './action.js';

export const quarantineTarget: ActionModule<Target & { reason?: string }> = {
  type: 'quarantine_target',
  read: (ctx, id) => ctx.charter.getTarget(id),
  desired: (current, params) => ({ ...current, quarantined: true, ...(typeof params['reason'] === 'string' ? { reason: params['reason'] } : {}) }),
  same: (current, desired) => current.quarantined === desired.quarantined,
  async write(ctx, id, state, opts) {
    await ctx.charter.putTarget(id, { quarantined: state.quarantined, reason: state.reason ?? ctx.reason }, opts);
  },
  landed: (current, prior, desired) => (current.version > prior.version && current.quarantined === desired.quarantined ? 'yes' : 'no'),
  defaultVerify: INCIDENT_CLEARS,
};

/** scale_committee: raise capacity to `capacity`, or by `delta` (default 2), at most 64. Never lowers it. */
import type { Committee } from '../../types/charter.js';
import { INCIDENT_CLEARS, type ActionModule } from './action.js';

export const MAX_CAPACITY = 64;

export const scaleCommittee: ActionModule<Committee> = {
  type: 'scale_committee',
  read: (ctx, id) => ctx.charter.getCommittee(id),
  desired(current, params) {
    const abs = params['capacity'];
    const delta = typeof params['delta'] === 'number' ? params['delta'] : 2;
    const capacity = typeof abs === 'number' ? abs : Math.min(MAX_CAPACITY, current.capacity + delta);
    return { ...current, capacity };
  },
  same: (current, desired) => current.capacity >= desired.capacity,
  async write(ctx, id, state, opts) {
    await ctx.charter.putCommittee(id, { capacity: state.capacity }, opts);
  },
  landed: (current, prior, desired) => (current.version > prior.version && current.capacity === desired.capacity ? 'yes' : 'no'),
  defaultVerify: INCIDENT_CLEARS,
};

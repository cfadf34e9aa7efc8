/** enable_validation_cache: turn Charter's validation cache on (rollback turns it off again). */
import type { CharterSettings } from '../../types/charter.js';
import { INCIDENT_CLEARS, type ActionModule } from './action.js';

export const enableValidationCache: ActionModule<CharterSettings> = {
  type: 'enable_validation_cache',
  read: (ctx) => ctx.charter.getSettings(),
  desired: (current) => ({ ...current, validationCache: true }),
  same: (current, desired) => current.validationCache === desired.validationCache,
  async write(ctx, _id, state, opts) {
    await ctx.charter.putSettings({ validationCache: state.validationCache }, opts);
  },
  landed: (current, prior, desired) => (current.version > prior.version && current.validationCache === desired.validationCache ? 'yes' : 'no'),
  defaultVerify: INCIDENT_CLEARS,
};

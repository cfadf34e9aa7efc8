/**
 * reload_policies: ask Charter to reload. Irreversible and stateless: always written, and
 * after a crash replayed under its idempotency key (Charter applies a key once).
 */
import { INCIDENT_CLEARS, type ActionModule } from './action.js';

export interface LoadStates {
  readonly failed: readonly string[];
}

export const reloadPolicies: ActionModule<LoadStates> = {
  type: 'reload_policies',
  async read(ctx) {
    const policies = await ctx.charter.listPolicies();
    return { value: { failed: policies.filter((p) => p.loadState === 'failed').map((p) => p.id) }, etag: '' };
  },
  desired: (current) => current,
  same: () => false,
  async write(ctx, _id, _state, opts) {
    await ctx.charter.reloadPolicies(opts);
  },
  landed: () => 'unknown',
  defaultVerify: INCIDENT_CLEARS,
};

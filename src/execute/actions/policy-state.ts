/** What the two policy actions share: a policy's state is its spec, written as a new version. */
import type { Policy, PolicySpec } from '../../types/charter.js';
import type { Versioned, WriteOptions } from '../../types/ports.js';
import type { ActionContext, Landed } from './action.js';

export function sameSpec(a: PolicySpec, b: PolicySpec): boolean {
  return (
    a.name === b.name &&
    a.revision === b.revision &&
    a.enforcementMode === b.enforcementMode &&
    a.rules.length === b.rules.length &&
    a.rules.every((r, i) => r === b.rules[i])
  );
}

export function readPolicy(ctx: ActionContext, id: string): Promise<Versioned<Policy>> {
  return ctx.charter.getPolicy(id);
}

export async function writePolicy(ctx: ActionContext, id: string, state: Policy, opts: WriteOptions): Promise<void> {
  await ctx.charter.applyPolicy({ policyId: id, spec: state.spec, appliedBy: 'mapek', reason: ctx.reason }, opts);
}

export function policyLanded(current: Policy, prior: Policy, desired: Policy): Landed {
  return current.version > prior.version && sameSpec(current.spec, desired.spec) ? 'yes' : 'no';
}

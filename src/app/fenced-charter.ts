/**
 * The executor's Charter client behind the leader's fence: every write is refused before it
 * is sent unless this replica holds the lease now. The store's fence already refuses the
 * intent of a replica that lost the lease; this closes the remaining gap, an action whose
 * intent was recorded just before the lease was lost (or the process paused): its write is
 * then not sent here, and the new leader's recovery settles the intent under the same
 * Idempotency-Key. Reads pass through.
 */
import { FencedError, type FenceSource } from '../types/coordination.js';
import type { CharterApi } from '../types/ports.js';

export function fencedCharter(c: CharterApi, fence: FenceSource): CharterApi {
  const guard = <A extends unknown[], R>(what: string, f: (...a: A) => Promise<R>) =>
    (...a: A): Promise<R> => (fence.token() === undefined ? Promise.reject(new FencedError(`Charter write (${what})`, undefined)) : f(...a));
  return {
    health: () => c.health(),
    listPolicies: () => c.listPolicies(),
    getPolicy: (id) => c.getPolicy(id),
    listViolations: (q) => c.listViolations(q),
    listTargets: () => c.listTargets(),
    getTarget: (id) => c.getTarget(id),
    getCommittee: (id) => c.getCommittee(id),
    getSettings: () => c.getSettings(),
    applyPolicy: guard('apply policy', (req, opts) => c.applyPolicy(req, opts)),
    putTarget: guard('put target', (id, body, opts) => c.putTarget(id, body, opts)),
    putCommittee: guard('put committee', (id, body, opts) => c.putCommittee(id, body, opts)),
    putSettings: guard('put settings', (body, opts) => c.putSettings(body, opts)),
    reloadPolicies: guard('reload policies', (opts) => c.reloadPolicies(opts)),
  };
}

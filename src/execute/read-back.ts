/**
 * Finding out what Charter holds after a write whose answer is unknown (a timeout, a lost
 * answer, a crash between the write and its record): read the target back and compare it
 * with the state read before the write (`prior`) and the state the write asked for.
 */
import type { ExecutionRecord } from '../types/execution.js';
import type { Versioned } from '../types/ports.js';
import { actionModule, type Landed } from './actions/index.js';
import { parseParams } from './actions/params.js';
import { actionContext } from './apply-stage-context.js';
import { withRetry } from './retry.js';
import type { ExecState } from './state.js';

export interface ReadBack {
  readonly current: Versioned<unknown>;
  /** What the write asked for, computed from the stored prior (never from the current state). */
  readonly desired: unknown;
  readonly landed: Landed;
  /** True when the target still holds the prior state (nobody else wrote in between). */
  readonly untouched: boolean;
}

/**
 * True when the target still holds the state read before the write: same version when the
 * state has one (every Charter object does), else equal both ways under the module's `same`.
 */
export function untouched(same: (a: unknown, b: unknown) => boolean, current: unknown, prior: unknown): boolean {
  const version = (x: unknown): unknown => (x !== null && typeof x === 'object' ? (x as { version?: unknown }).version : undefined);
  const [vc, vp] = [version(current), version(prior)];
  if (typeof vc === 'number' && typeof vp === 'number') return vc === vp;
  return same(current, prior) && same(prior, current);
}

/** Reads the target of `r` (which has its prior state recorded) and compares. Throws when the read fails. */
export async function readBack(st: ExecState, r: ExecutionRecord): Promise<ReadBack> {
  const m = actionModule(r.action.type);
  const params = parseParams(r.action.type, r.action.params);
  const current = await withRetry(() => m.read(actionContext(st, r), r.action.target), st.o.retry, st.sleep, st.now);
  const desired = m.desired(r.prior, params, r.action.target);
  return { current, desired, landed: m.landed(current.value, r.prior, desired), untouched: untouched((a, b) => m.same(a, b), current.value, r.prior) };
}

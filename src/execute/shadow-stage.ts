/**
 * Shadow rules (`mode: shadow`): what they would have done is recorded as an execution with
 * status `shadow` — once per episode, under the intent key the action would have had plus
 * `#shadow` — and nothing is executed: no guard, no intent, no Charter call. `mapek knowledge
 * shadow` compares them with what the live rules did.
 */
import type { Decision } from '../types/decision.js';
import type { ExecutionRecord } from '../types/execution.js';
import type { Snapshot } from '../types/snapshot.js';
import { keyFor } from './pipeline.js';
import { newRecord } from './record.js';
import { errorText } from './retry.js';
import type { ExecState } from './state.js';

export function shadowKey(intentKey: string): string {
  return `${intentKey}#shadow`;
}

export async function recordShadow(st: ExecState, decisions: readonly Decision[], snapshot: Snapshot, cycleId: string): Promise<ExecutionRecord[]> {
  const out: ExecutionRecord[] = [];
  for (const d of decisions) {
    for (const c of d.shadow?.chosen ?? []) {
      const r = newRecord(st, d, c, shadowKey(keyFor(st, d, c, snapshot)), cycleId, 'shadow');
      try {
        if (await st.store.recordIntent(r)) out.push(r); // once per episode: the key is unique
      } catch (err) {
        st.log.error('shadow action not recorded', { cycleId, rule: c.ruleId, error: errorText(err) });
      }
    }
  }
  return out;
}

/**
 * True when one of the decision's shadow actions has no record yet in its episode: then
 * recordShadow writes one under this decision, which must be stored (a record names only
 * decisions on file). A store that cannot tell counts as true.
 */
export async function shadowToRecord(st: ExecState, d: Decision, snapshot: Snapshot): Promise<boolean> {
  for (const c of d.shadow?.chosen ?? []) {
    try {
      if ((await st.store.getExecution(shadowKey(keyFor(st, d, c, snapshot)))) === undefined) return true;
    } catch {
      return true;
    }
  }
  return false;
}

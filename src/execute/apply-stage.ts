/**
 * Apply: read → desired → compare → write-if-different, with If-Match on the ETag read and
 * the intent key as Idempotency-Key (a retry after a timeout whose write landed applies
 * once). The prior state is stored before the write, so a crash can be reconciled.
 */
import type { ExecutionRecord } from '../types/execution.js';
import type { WriteOptions } from '../types/ports.js';
import { actionModule, type ActionContext } from './actions/index.js';
import { parseParams } from './actions/params.js';
import { errorText, isConflict, withRetry } from './retry.js';
import { recordFailure } from './breaker-alert.js';
import { update } from './record.js';
import { iso, type ExecState } from './state.js';

export function actionContext(st: ExecState, r: ExecutionRecord): ActionContext {
  return { charter: st.charter, ...(st.alertmanager ? { alertmanager: st.alertmanager } : {}), reason: `mapek ${r.ruleId} for ${r.incidentId} (${r.id})` };
}

export function writeOptions(etag: string, idempotencyKey: string): WriteOptions {
  return etag ? { ifMatch: etag, idempotencyKey } : { idempotencyKey };
}

/** Resolves the record after apply: unchanged, applied, conflict or error. */
export async function apply(st: ExecState, r: ExecutionRecord): Promise<ExecutionRecord> {
  const m = actionModule(r.action.type);
  const ctx = actionContext(st, r);
  const retry = <T>(fn: () => Promise<T>): Promise<T> => withRetry(fn, st.o.retry, st.sleep);
  let stage = 'read';
  try {
    await st.hooks.afterIntent?.(r.key);
    const params = parseParams(r.action.type, r.action.params);
    const current = await retry(() => m.read(ctx, r.action.target));
    const desired = m.desired(current.value, params, r.action.target);
    if (m.same(current.value, desired)) {
      return await update(st, r, { status: 'unchanged', prior: current.value });
    }
    r = await update(st, r, { prior: current.value });
    stage = 'write';
    await st.hooks.beforeWrite?.(r.key);
    await retry(() => m.write(ctx, r.action.target, desired, writeOptions(current.etag, r.key)));
    await st.hooks.afterWrite?.(r.key);
    return await update(st, r, { status: 'applied', appliedAt: iso(st.now()) });
  } catch (err) {
    if (isConflict(err)) {
      return update(st, r, { status: 'conflict', error: `${r.action.target} changed concurrently; not overwritten: ${errorText(err)}` });
    }
    const error = `${stage} failed: ${errorText(err)}`;
    await recordFailure(st, `${r.action.type} "${r.action.target}": ${error}`);
    return update(st, r, { status: 'error', error });
  }
}

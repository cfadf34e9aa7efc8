/** What every Charter call of an action is made with: the clients, the reason, the write options. */
import type { ExecutionRecord } from '../types/execution.js';
import type { WriteOptions } from '../types/ports.js';
import type { ActionContext } from './actions/index.js';
import type { ExecState } from './state.js';

export function actionContext(st: ExecState, r: ExecutionRecord): ActionContext {
  return { charter: st.charter, ...(st.alertmanager ? { alertmanager: st.alertmanager } : {}), reason: `mapek ${r.ruleId} for ${r.incidentId} (${r.id})` };
}

export function writeOptions(etag: string, idempotencyKey: string): WriteOptions {
  return etag ? { ifMatch: etag, idempotencyKey } : { idempotencyKey };
}

/** The Idempotency-Key of the undo of the write made under `key`. */
export function undoKey(key: string): string {
  return `${key}:rollback`;
}

/** Telling a human what the controller will not decide on its own (log + an alert in Alertmanager). */
import type { ExecutionRecord } from '../types/execution.js';
import { errorText } from './retry.js';
import type { ExecState } from './state.js';

export const NEEDS_HUMAN_ALERT = 'MapekNeedsHuman';

export async function tellHuman(st: ExecState, r: ExecutionRecord, summary: string): Promise<void> {
  st.log.warn('a human is needed', { key: r.key, incident: r.incidentId, summary });
  if (!st.alertmanager) return;
  try {
    await st.alertmanager.postAlerts([
      {
        labels: { alertname: NEEDS_HUMAN_ALERT, severity: 'warning', service: 'mapek', incident: r.incidentId, rule: r.ruleId },
        annotations: { summary, description: `execution ${r.id} (${r.key})` },
        startsAt: new Date(st.now()).toISOString(),
      },
    ]);
  } catch (err) {
    st.log.error('could not post the needs-human alert', { key: r.key, error: errorText(err) });
  }
}

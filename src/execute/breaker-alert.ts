/** Counts a failure on the breaker; when that opens it, says so loudly (log + Alertmanager). */
import { saveBreaker } from './breaker-store.js';
import { errorText } from './retry.js';
import type { ExecState } from './state.js';

export const BREAKER_ALERT = 'MapekCircuitOpen';

export async function recordFailure(st: ExecState, detail: string): Promise<void> {
  const now = st.now();
  const opened = st.breaker.failure(now);
  await saveBreaker(st);
  if (!opened) return;
  const s = st.breaker.state(now);
  const summary = `mapek stopped acting: ${s.failures} failure(s) within ${Math.round(st.o.breaker.windowMs / 1000)}s`;
  st.log.warn('circuit breaker opened', { failures: s.failures, last: detail });
  if (!st.alertmanager) return;
  try {
    await st.alertmanager.postAlerts([
      {
        labels: { alertname: BREAKER_ALERT, severity: 'critical', service: 'mapek' },
        annotations: { summary, description: `last failure: ${detail}` },
        startsAt: new Date(now).toISOString(),
        ...(s.reopensAt ? { endsAt: new Date(s.reopensAt).toISOString() } : {}),
      },
    ]);
  } catch (err) {
    st.log.error('could not post the circuit-breaker alert', { error: errorText(err) });
  }
}

/**
 * The circuit breaker's state lives in the store, so that a crash loop cannot bypass it:
 * loaded once before the executor first acts, saved whenever a failure or a success changed
 * it. A store that cannot be read or written is logged; the breaker then works in memory.
 */
import { isBreakerMemory } from './guards/breaker.js';
import { errorText } from './retry.js';
import type { ExecState } from './state.js';

export const BREAKER_STATE = 'circuit-breaker';

export async function loadBreaker(st: ExecState): Promise<void> {
  try {
    const saved = await st.store.loadControllerState(BREAKER_STATE);
    if (saved === undefined) return;
    if (!isBreakerMemory(saved)) {
      st.log.warn('stored circuit-breaker state ignored: not { failures: number[], openedAt?: number }', {});
      return;
    }
    st.breaker.restore(saved);
    const s = st.breaker.state(st.now());
    if (s.mode !== 'closed' || s.failures > 0) st.log.info('circuit breaker restored', { mode: s.mode, failures: s.failures });
  } catch (err) {
    st.log.error('could not load the circuit-breaker state; starting closed', { error: errorText(err) });
  }
}

export async function saveBreaker(st: ExecState): Promise<void> {
  try {
    await st.store.saveControllerState(BREAKER_STATE, st.breaker.memory());
  } catch (err) {
    st.log.error('could not save the circuit-breaker state', { error: errorText(err) });
  }
}

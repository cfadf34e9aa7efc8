/**
 * The guard rails' state that decides whether to act, kept in the store's controller state
 * so that neither a restart nor a failover to another replica resets a guard rail:
 *
 * - the circuit breaker (breaker-store.ts, `circuit-breaker`);
 * - the rate-limit buckets, global and per action type (`rate-limits`), saved after each
 *   action is admitted;
 * - the hysteresis streaks (`hysteresis`), saved after each cycle that changed them.
 *
 * Cooldowns and the intent dedup are read from the executions themselves on every check,
 * so they need nothing here. Loaded once before the executor first acts, and again by
 * `Executor.reloadState()` when a replica takes over the lead. A value that fails its check
 * is ignored with a warning (the guard then starts fresh), never trusted.
 */
import type { ActionType } from '../types/catalog.js';
import { loadBreaker } from './breaker-store.js';
import { isHysteresisMemory } from './guards/hysteresis.js';
import { isBucketMemory, type BucketMemory } from './guards/token-bucket.js';
import { errorText } from './retry.js';
import { typeBucket, type ExecState } from './state.js';

export const RATE_LIMIT_STATE = 'rate-limits';
export const HYSTERESIS_STATE = 'hysteresis';

/** Every guard-rail state besides the breaker's (export/import carries them). */
export const GUARD_STATES: readonly string[] = [RATE_LIMIT_STATE, HYSTERESIS_STATE];

interface RateLimitMemory {
  readonly global: BucketMemory;
  readonly types: Readonly<Record<string, BucketMemory>>;
}

function isRateLimitMemory(v: unknown): v is RateLimitMemory {
  if (v === null || typeof v !== 'object') return false;
  const m = v as { global?: unknown; types?: unknown };
  return isBucketMemory(m.global) && m.types !== null && typeof m.types === 'object' && Object.values(m.types as object).every(isBucketMemory);
}

/** The JSON last saved per state, per executor (keyed by its shared breaker): unchanged state is not written again. */
const lastSaved = new WeakMap<object, Map<string, string>>();

async function save(st: ExecState, name: string, value: unknown): Promise<void> {
  let saved = lastSaved.get(st.breaker);
  if (!saved) lastSaved.set(st.breaker, (saved = new Map()));
  const text = JSON.stringify(value);
  if (saved.get(name) === text) return;
  try {
    await st.store.saveControllerState(name, value);
    saved.set(name, text);
  } catch (err) {
    st.log.error(`could not save the ${name} state`, { error: errorText(err) });
  }
}

export function saveRateLimits(st: ExecState): Promise<void> {
  const types: Record<string, BucketMemory> = {};
  for (const [type, b] of st.typeBuckets) types[type] = b.memory();
  return save(st, RATE_LIMIT_STATE, { global: st.globalBucket.memory(), types });
}

export function saveHysteresis(st: ExecState): Promise<void> {
  return save(st, HYSTERESIS_STATE, st.hysteresis.memory());
}

async function loadOne(st: ExecState, name: string, check: (v: unknown) => boolean, apply: (v: unknown) => void): Promise<void> {
  try {
    const saved = await st.store.loadControllerState(name);
    if (saved === undefined) return;
    if (!check(saved)) {
      st.log.warn(`stored ${name} state ignored: not the shape this version keeps`, {});
      return;
    }
    apply(saved);
    lastSaved.get(st.breaker)?.set(name, JSON.stringify(saved));
  } catch (err) {
    st.log.error(`could not load the ${name} state; starting fresh`, { error: errorText(err) });
  }
}

/** Every guard rail's state from the store (at start, and at takeover of the lead). */
export async function loadGuardMemory(st: ExecState): Promise<void> {
  await loadBreaker(st);
  await loadOne(st, RATE_LIMIT_STATE, isRateLimitMemory, (v) => {
    const m = v as RateLimitMemory;
    st.globalBucket.restore(m.global);
    for (const [type, b] of Object.entries(m.types)) typeBucket(st, type as ActionType).restore(b);
  });
  await loadOne(st, HYSTERESIS_STATE, isHysteresisMemory, (v) => st.hysteresis.restore(v as Parameters<typeof st.hysteresis.restore>[0]));
}

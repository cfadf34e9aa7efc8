/**
 * Storing the cycle's decisions: after screening, before any intent, in one write when the
 * store can batch. A decision that repeats, unchanged and with nothing to run, the last one
 * recorded for its incident is not stored again within the refresh period (unchanged.ts);
 * every decision something runs from, or is recorded under, is stored first.
 */
import type { Candidate, Decision } from '../types/decision.js';
import type { Snapshot } from '../types/snapshot.js';
import { isDuplicate, type Screened } from './pipeline.js';
import { planFingerprint } from './plan-fingerprint.js';
import { errorText } from './retry.js';
import { shadowToRecord } from './shadow-stage.js';
import type { ExecState } from './state.js';

/** One decision of the cycle with its chosen actions screened (those that could be). */
export interface ScreenedPlan {
  readonly d: Decision;
  readonly screened: readonly { readonly c: Candidate; readonly s: Screened }[];
}

export interface DecisionsRecorded {
  /** Ids of the decisions stored (as planned, or with `unrecordedBefore`). */
  readonly saved: ReadonlySet<string>;
  /** Decisions not stored because they repeat one recorded: decision id → that recorded decision's id. */
  readonly unrecorded: ReadonlyMap<string, string>;
}

/** Stores `ds` (one write when the store can batch); resolves the ids stored. */
async function saveDecisions(st: ExecState, ds: readonly Decision[], cycleId: string): Promise<Set<string>> {
  const saved = new Set<string>();
  if (ds.length === 0) return saved;
  if (st.store.saveDecisions) {
    try {
      await st.store.saveDecisions(ds);
      for (const d of ds) saved.add(d.id);
    } catch (err) {
      st.log.error('decisions not recorded; their actions are skipped', { cycleId, decisions: ds.length, error: errorText(err) });
    }
    return saved;
  }
  for (const d of ds) {
    try {
      await st.store.saveDecision(d);
      saved.add(d.id);
    } catch (err) {
      st.log.error('decision not recorded; its actions are skipped', { cycleId, decision: d.id, error: errorText(err) });
    }
  }
  return saved;
}

/**
 * Something is to run from the decision in this cycle, or to be recorded under it: a chosen
 * action that is not a duplicate of an existing intent (it goes to the guards, and a
 * refusal is recorded too), an approval closed just now, a chosen action whose screening
 * failed (logged under this decision), or a shadow action not yet on record.
 */
async function acts(st: ExecState, p: ScreenedPlan, snapshot: Snapshot): Promise<boolean> {
  if (p.screened.length < p.d.chosen.length) return true;
  if (p.screened.some(({ s }) => !isDuplicate(s) || s.seen.kind === 'closed')) return true;
  return shadowToRecord(st, p.d, snapshot);
}

/** Stores the decisions that are to be stored, and updates the memory of the last recorded ones. */
export async function recordDecisions(st: ExecState, plans: readonly ScreenedPlan[], snapshot: Snapshot, cycleId: string): Promise<DecisionsRecorded> {
  const toSave: { d: Decision; fingerprint: string }[] = [];
  const unrecorded = new Map<string, string>();
  for (const p of plans) {
    const fingerprint = planFingerprint(p.d);
    const v = st.unchanged.verdict(p.d, fingerprint, await acts(st, p, snapshot));
    if (v.store) {
      toSave.push({ d: v.before === undefined ? p.d : { ...p.d, unrecordedBefore: v.before }, fingerprint });
    } else {
      unrecorded.set(p.d.id, v.repeats.decisionId);
      st.unchanged.repeated(p.d);
    }
  }
  const saved = await saveDecisions(st, toSave.map((x) => x.d), cycleId);
  for (const { d, fingerprint } of toSave) {
    if (saved.has(d.id)) st.unchanged.recorded(d, fingerprint);
    else st.unchanged.forget(d.incidentId);
  }
  st.unchanged.keepOnly(new Set(plans.map((p) => p.d.incidentId)));
  return { saved, unrecorded };
}

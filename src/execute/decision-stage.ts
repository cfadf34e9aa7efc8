/**
 * Storing the cycle's decisions: after screening, before any intent, in one write when the
 * store can batch. A decision that repeats, unchanged and with nothing to run, the last one
 * recorded for its incident is not stored again within the refresh period (unchanged.ts);
 * every decision something runs from, or is recorded under, is stored first.
 */
import type { Candidate, Decision } from '../types/decision.js';
import type { ExecutionRecord } from '../types/execution.js';
import type { RepeatedRefusal } from '../types/executor.js';
import type { Snapshot } from '../types/snapshot.js';
import { checkGuards } from './guard-stage.js';
import { isDuplicate, type Screened } from './pipeline.js';
import { memoFromRecords, refusalMemo, type RefusalMemo, type Refused } from './refusal-repeat.js';
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
  /** The refusals of those decisions' actions, repeated as recorded and not recorded again. */
  readonly refusals: readonly RepeatedRefusal[];
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

/** The chosen actions that go to the guards in this cycle: not duplicates of an existing intent. */
export function freshOf(p: ScreenedPlan): readonly { readonly c: Candidate; readonly s: Screened }[] {
  return p.screened.filter(({ s }) => !isDuplicate(s));
}

/**
 * The refusals, one per chosen action that would go to the guards (`fresh`), when each is
 * refused again by the same guard with the same words as recorded under the incident's last
 * recorded decision (`memo`; refusal-repeat.ts); else undefined. The guards are asked as the
 * run would ask them; nothing is recorded here. A guard that cannot be asked (the store
 * failing) means "store it and run": the run logs the failure per action.
 */
async function refusedAgain(st: ExecState, d: Decision, fresh: ReturnType<typeof freshOf>, snapshot: Snapshot, memo: RefusalMemo | undefined): Promise<Refused[] | undefined> {
  if (memo === undefined || fresh.length === 0) return undefined;
  const refused: Refused[] = [];
  try {
    for (const { c, s } of fresh) {
      if (s.seen.kind !== 'new') return undefined;
      const block = await checkGuards(st, { decision: d, candidate: c, snapshot, fallback: false, approved: false });
      if (block === undefined || block.reason === 'approval_required') return undefined;
      refused.push({ key: s.key, block });
    }
  } catch (err) {
    st.log.warn('guards not asked before storing the decision; it is stored and run', { decision: d.id, error: errorText(err) });
    return undefined;
  }
  return refusalMemo(refused).signature === memo.signature ? refused : undefined;
}

/**
 * Something is to run from the decision in this cycle, or to be recorded under it: a chosen
 * action that is not a duplicate of an existing intent (it goes to the guards, and a
 * refusal is recorded too) unless each such action is refused again exactly as recorded
 * (`again`), an approval closed just now, a chosen action whose screening failed (logged
 * under this decision), or a shadow action not yet on record.
 */
async function acts(st: ExecState, p: ScreenedPlan, fresh: number, snapshot: Snapshot, again: boolean): Promise<boolean> {
  if (p.screened.length < p.d.chosen.length) return true;
  if (p.screened.some(({ s }) => s.seen.kind === 'closed')) return true;
  if (fresh > 0 && !again) return true;
  return shadowToRecord(st, p.d, snapshot);
}

/** Stores the decisions that are to be stored, and updates the memory of the last recorded ones. */
export async function recordDecisions(st: ExecState, plans: readonly ScreenedPlan[], snapshot: Snapshot, cycleId: string): Promise<DecisionsRecorded> {
  const toSave: Decision[] = [];
  const unrecorded = new Map<string, string>();
  const refusals: RepeatedRefusal[] = [];
  for (const p of plans) {
    const fresh = freshOf(p);
    const last = st.unchanged.sameAsLast(p.d);
    // Only a decision that could go unstored is worth asking the guards about now.
    const again = last !== undefined ? await refusedAgain(st, p.d, fresh, snapshot, last.refused) : undefined;
    const v = st.unchanged.verdict(p.d, last !== undefined, await acts(st, p, fresh.length, snapshot, again !== undefined));
    if (v.store) {
      toSave.push(v.before === undefined ? p.d : { ...p.d, unrecordedBefore: v.before });
    } else {
      unrecorded.set(p.d.id, v.repeats.decisionId);
      st.unchanged.repeated(p.d);
      for (const [i, { c }] of fresh.entries()) {
        const r = again?.[i];
        if (r !== undefined) refusals.push({ decisionId: p.d.id, sameAs: v.repeats.decisionId, ruleId: c.ruleId, action: c.action.type, guard: r.block.reason });
      }
    }
  }
  const saved = await saveDecisions(st, toSave, cycleId);
  for (const d of toSave) {
    if (saved.has(d.id)) st.unchanged.recorded(d);
    else st.unchanged.forget(d.incidentId);
  }
  st.unchanged.keepOnly(new Set(plans.map((p) => p.d.incidentId)));
  return { saved, unrecorded, refusals };
}

/**
 * After the cycle's actions ran: for each decision stored in this cycle, remembers whether
 * every chosen action that went to the guards came back refused (and how), so that the
 * next identical cycle refused the same way need not be recorded (refusal-repeat.ts).
 */
export function rememberRefusals(st: ExecState, plans: readonly ScreenedPlan[], saved: ReadonlySet<string>, records: readonly ExecutionRecord[], cycleId: string): void {
  const byKey = new Map(records.map((r) => [r.key, r] as const));
  for (const p of plans) {
    if (!saved.has(p.d.id)) continue;
    st.unchanged.refusals(p.d.incidentId, p.d.id, memoFromRecords(freshOf(p).map(({ s }) => s.key), byKey, cycleId));
  }
}

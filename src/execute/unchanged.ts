/**
 * Which decisions are stored: the memory of the last decision recorded per incident, and
 * the pure rule that says whether this cycle's decision is stored again (docs/EXECUTION.md,
 * "What is recorded"). A decision is *not* stored when all of these hold:
 *   - nothing is to run from it in this cycle (`acts` false: no chosen action left after
 *     screening, no approval closed just now, no shadow record to write), or each chosen
 *     action that would run is refused again exactly as recorded under that decision
 *     (refusal-repeat.ts);
 *   - it is identical to the last decision recorded for its incident by this executor (the
 *     same JSON text but for id, cycle id and time, plan-equal.ts);
 *   - that one is younger than the refresh period (`unchangedRefreshMs`).
 * Otherwise it is stored, complete, and when cycles went unrecorded since the last recorded
 * one it carries `unrecordedBefore` (how many, until when, and whether it repeats it too).
 *
 * The memory holds per live incident the last recorded decision (most of it parts shared
 * with the planner's later decisions: frozen traces, proposals), an id, two times and a count;
 * forgets an incident that has no decision in a cycle (it ended: when it comes back its
 * first decision is recorded), and starts empty with each executor (a start, a takeover):
 * the first decision after it is always recorded.
 */
import type { Decision, UnrecordedRepeats } from '../types/decision.js';
import { samePlan } from './plan-equal.js';
import type { RefusalMemo } from './refusal-repeat.js';

/** The last decision recorded for an incident, and the identical ones not stored since. */
export interface LastRecorded {
  readonly decisionId: string;
  readonly at: string;
  /** The decision as recorded (without `unrecordedBefore`): the next is compared with it (plan-equal.ts). */
  readonly plan: Decision;
  /** Identical decisions not stored since it. */
  readonly cycles: number;
  /** The time of the last of them (absent while `cycles` is 0). */
  readonly lastAt?: string;
  /** Every chosen action of it that went to the guards was refused, as recorded under it (refusal-repeat.ts). */
  readonly refused?: RefusalMemo;
}

/** Why a decision is stored (a closed set: the log and the tests name it). */
export type RecordReason = 'first' | 'changed' | 'acts' | 'refresh';

export type RecordVerdict =
  | { readonly store: false; readonly repeats: LastRecorded }
  | { readonly store: true; readonly reason: RecordReason; readonly before?: UnrecordedRepeats };

/** What the rule needs to know of this cycle's decision. */
export interface PlanSeen {
  /** It is the same plan as the last one recorded (samePlan; false when there is none). */
  readonly same: boolean;
  /** The decision's time (epoch ms; NaN when unparsable: then it is stored). */
  readonly atMs: number;
  /** Something is to run from it, or to be recorded under it, in this cycle. */
  readonly acts: boolean;
}

/** Pure: whether a decision is stored, given the last one recorded for its incident. */
export function recordVerdict(last: LastRecorded | undefined, seen: PlanSeen, refreshMs: number): RecordVerdict {
  if (last === undefined) return { store: true, reason: 'first' };
  const same = seen.same;
  const before: UnrecordedRepeats | undefined =
    last.cycles > 0 && last.lastAt !== undefined
      ? { decisionId: last.decisionId, at: last.at, cycles: last.cycles, lastAt: last.lastAt, same, ...(last.refused !== undefined ? { refused: last.refused.guards } : {}) }
      : undefined;
  const stored = (reason: RecordReason): RecordVerdict => (before === undefined ? { store: true, reason } : { store: true, reason, before });
  if (!same) return stored('changed');
  if (seen.acts) return stored('acts');
  const age = seen.atMs - Date.parse(last.at);
  // A clock that went back, or a time that does not parse, never extends the period.
  if (!(age >= 0 && age < refreshMs)) return stored('refresh');
  return { store: false, repeats: last };
}

/** The executor's memory of the last decision recorded per incident. */
export class UnchangedDecisions {
  private readonly last = new Map<string, LastRecorded>();

  constructor(private readonly refreshMs: number) {}

  /** The incident's last recorded decision when `d` is the same plan (samePlan), else undefined. */
  sameAsLast(d: Decision): LastRecorded | undefined {
    const l = this.last.get(d.incidentId);
    return l !== undefined && samePlan(l.plan, d) ? l : undefined;
  }

  /** Whether `d` is stored; `same`: sameAsLast(d) found it; `acts`: something is to run from it in this cycle. */
  verdict(d: Decision, same: boolean, acts: boolean): RecordVerdict {
    return recordVerdict(this.last.get(d.incidentId), { same, atMs: Date.parse(d.at), acts }, this.refreshMs);
  }

  /** `d` was stored: it is the incident's last recorded decision now. */
  recorded(d: Decision): void {
    const { unrecordedBefore: _before, ...plan } = d;
    this.last.set(d.incidentId, { decisionId: d.id, at: d.at, plan, cycles: 0 });
  }

  /**
   * What this cycle recorded for the actions of `decisionId`, the incident's last recorded
   * decision: the memo of their refusals when every one was refused, or undefined.
   */
  refusals(incidentId: string, decisionId: string, memo: RefusalMemo | undefined): void {
    const l = this.last.get(incidentId);
    if (l === undefined || l.decisionId !== decisionId) return;
    const { refused: _was, ...rest } = l;
    this.last.set(incidentId, memo === undefined ? rest : { ...rest, refused: memo });
  }

  /** `d` was not stored: it repeats the incident's last recorded decision once more. */
  repeated(d: Decision): void {
    const l = this.last.get(d.incidentId);
    if (l !== undefined) this.last.set(d.incidentId, { ...l, cycles: l.cycles + 1, lastAt: d.at });
  }

  /**
   * `d` was to be stored and the store refused it: the incident's next decision is stored
   * whatever it is (a count of repeats across a gap in the record would not be true).
   */
  forget(incidentId: string): void {
    this.last.delete(incidentId);
  }

  /** Forgets every incident without a decision in this cycle (they ended). */
  keepOnly(incidentIds: ReadonlySet<string>): void {
    for (const id of this.last.keys()) if (!incidentIds.has(id)) this.last.delete(id);
  }

  /** Incidents remembered (for tests and /healthz). */
  get size(): number {
    return this.last.size;
  }

  get(incidentId: string): LastRecorded | undefined {
    return this.last.get(incidentId);
  }
}

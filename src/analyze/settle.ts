/**
 * The fate of an incident's candidates: vetoes (veto.ts), then competition (compete.ts). A
 * candidate is made with its proposal (and reactsTo) and gets `rejected`, then `vetoedBy`,
 * appended when its fate is known: the keys in the order decisions have always had them.
 * Winners in `chosen` are the same objects as in `candidates`.
 */
import type { Candidate } from '../types/decision.js';
import { contest, lossReason } from './compete.js';
import type { PlanSlot } from './situation.js';
import { vetoOf, type HeldVeto } from './veto.js';

/** A candidate while its fate is decided. */
export type Open = { -readonly [K in keyof Candidate]: Candidate[K] };

/** Why `loser` lost to `winner`: memoised per pair of rules, while the numbers are the same. */
function reasonOf(ls: PlanSlot, loser: Candidate, ws: PlanSlot, winner: Candidate): string {
  const hit = ls.losses.get(ws);
  if (hit !== undefined && hit.loser === loser.effectivePriority && hit.winner === winner.effectivePriority && hit.loserUtility === loser.utility && hit.winnerUtility === winner.utility) return hit.reason;
  const reason = lossReason(loser, winner);
  ls.losses.set(ws, { loser: loser.effectivePriority, winner: winner.effectivePriority, loserUtility: loser.utility, winnerUtility: winner.utility, reason });
  return reason;
}

/** Each candidate's winner while one incident's fate is settled (synchronous, never nested). */
const winnerOf: number[] = [];

/** `slots[i]`: the rule of `candidates[i]`. */
export function settle(candidates: Open[], slots: readonly PlanSlot[], held: readonly HeldVeto[]): { candidates: Candidate[]; chosen: Candidate[] } {
  if (held.length > 0) {
    for (const c of candidates) {
      const v = vetoOf(held, c);
      if (v === undefined) continue;
      c.rejected = v.reason;
      c.vetoedBy = v.ref;
    }
  }
  const winners = contest(candidates, winnerOf);
  // Every winner is known before the first loser hears of it (a loser's `rejected` is set here,
  // after the contest read it).
  for (let i = 0; i < candidates.length; i++) {
    const w = winnerOf[i] as number;
    if (w < 0 || w === i) continue;
    const loser = candidates[i] as Open;
    loser.rejected = reasonOf(slots[i] as PlanSlot, loser, slots[w] as PlanSlot, candidates[w] as Open);
  }
  return { candidates, chosen: winners.map((i) => candidates[i] as Candidate) };
}

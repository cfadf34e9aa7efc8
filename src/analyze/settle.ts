/**
 * The fate of an incident's candidates: vetoes (veto.ts), then competition (compete.ts), on
 * drafts; each candidate's object is made when its fate is known, with the keys in the order
 * decisions have always had them (the proposal, reactsTo, rejected, vetoedBy). A rule's
 * candidate for a kept proposal (proposal.ts) is kept too, frozen, while its fate stays the
 * same: an incident that lasts many cycles has the same candidates in each. Winners in
 * `chosen` are the same objects as in `candidates`.
 */
import type { ActionProposal, Candidate } from '../types/decision.js';
import { contest, lossReason } from './compete.js';
import type { PlanSlot } from './situation.js';
import { vetoOf, type HeldVeto } from './veto.js';

export interface Draft {
  readonly slot: PlanSlot;
  readonly ruleId: string;
  readonly action: ActionProposal;
  readonly weight: number;
  readonly effectivePriority: number;
  readonly utility: number;
  readonly reactsTo: readonly string[] | undefined;
  rejected: string | undefined;
  vetoedBy: string | undefined;
  final: Candidate | undefined;
}

const MAX_KEPT = 4096;

function finish(d: Draft): Candidate {
  if (d.final !== undefined) return d.final;
  const kept = d.slot.candidates;
  const hit = kept.get(d.action);
  if (hit !== undefined && Object.is(hit.weight, d.weight) && hit.reactsTo === d.reactsTo && hit.rejected === d.rejected && hit.vetoedBy === d.vetoedBy) return (d.final = hit);
  const c = d.slot.c;
  const rule = c.ref;
  const { ruleId, action, weight, effectivePriority, utility, reactsTo, rejected, vetoedBy } = d;
  const priority = c.rule.priority;
  // One literal per shape: objects that grow key by key are slower to make and to read.
  let out: Candidate;
  if (reactsTo === undefined) {
    if (rejected === undefined) out = { rule, ruleId, action, priority, weight, effectivePriority, utility };
    else if (vetoedBy === undefined) out = { rule, ruleId, action, priority, weight, effectivePriority, utility, rejected };
    else out = { rule, ruleId, action, priority, weight, effectivePriority, utility, rejected, vetoedBy };
  } else if (rejected === undefined) out = { rule, ruleId, action, priority, weight, effectivePriority, utility, reactsTo };
  else if (vetoedBy === undefined) out = { rule, ruleId, action, priority, weight, effectivePriority, utility, reactsTo, rejected };
  else out = { rule, ruleId, action, priority, weight, effectivePriority, utility, reactsTo, rejected, vetoedBy };
  // Only candidates of kept (frozen) proposals are kept: the others' proposals are new each time.
  if (Object.isFrozen(action)) {
    if (kept.size >= MAX_KEPT) kept.clear();
    kept.set(action, Object.freeze(out));
  }
  return (d.final = out);
}

/** Why `loser` lost to `winner`: memoised per pair of rules, while the numbers are the same. */
function reasonOf(loser: Draft, winner: Draft): string {
  const ls = loser.slot;
  const hit = ls.losses.get(winner.slot);
  if (hit !== undefined && hit.loser === loser.effectivePriority && hit.winner === winner.effectivePriority && hit.loserUtility === loser.utility && hit.winnerUtility === winner.utility) return hit.reason;
  const reason = lossReason(loser, winner);
  ls.losses.set(winner.slot, { loser: loser.effectivePriority, winner: winner.effectivePriority, loserUtility: loser.utility, winnerUtility: winner.utility, reason });
  return reason;
}

export function settle(drafts: readonly Draft[], held: readonly HeldVeto[]): { candidates: Candidate[]; chosen: Candidate[] } {
  if (held.length > 0) {
    for (const d of drafts) {
      const v = vetoOf(held, d);
      if (v === undefined) continue;
      d.rejected = v.reason;
      d.vetoedBy = v.ref;
    }
  }
  const winners = contest(drafts, (l, w) => {
    const loser = drafts[l] as Draft;
    loser.rejected = reasonOf(loser, drafts[w] as Draft);
  });
  return { candidates: drafts.map(finish), chosen: winners.map((i) => finish(drafts[i] as Draft)) };
}

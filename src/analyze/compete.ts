/**
 * Competition between proposals for the same target. Winner: highest effective priority
 * (priority × learned weight), then highest utility ((benefit − cost) × success
 * probability), then the smallest rule id — deterministic. Each loser gets the reason.
 *
 * Proposals compete when they act on the same thing: same target kind (from the action
 * catalog) and target id. `notify` only competes with other notifications to the same
 * target: telling a human never blocks a remediation, nor the other way round.
 */
import { ACTION_CATALOG } from '../types/catalog.js';
import type { ActionProposal, Candidate } from '../types/decision.js';

export function competitionKey(a: Pick<ActionProposal, 'type' | 'target'>): string {
  const kind = a.type === 'notify' ? 'notify' : ACTION_CATALOG[a.type].targetKind;
  return `${kind}:${a.target}`;
}

/** Numbers in reasons: integers as is, others to three decimals. */
export function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}

/** What competition reads of a candidate. */
export type Contender = Pick<Candidate, 'ruleId' | 'effectivePriority' | 'utility' | 'rejected'> & { readonly action: Pick<ActionProposal, 'type' | 'target'> };

export function rank(a: Contender, b: Contender): number {
  return b.effectivePriority - a.effectivePriority || b.utility - a.utility || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

export function lossReason(loser: Contender, winner: Contender): string {
  const w = winner.ruleId;
  if (loser.effectivePriority !== winner.effectivePriority) {
    return `lower effective priority ${fmt(loser.effectivePriority)} < ${fmt(winner.effectivePriority)} (${w})`;
  }
  if (loser.utility !== winner.utility) {
    return `equal effective priority ${fmt(loser.effectivePriority)}, lower utility ${fmt(loser.utility)} < ${fmt(winner.utility)} (${w})`;
  }
  return `tie on effective priority ${fmt(loser.effectivePriority)} and utility ${fmt(loser.utility)}: ${w} wins by rule id order`;
}

/**
 * The contest itself: why each loser lost, and the winners, one per competition key, by key.
 * `reason` may memoise lossReason (the planner's does).
 */
export function contest<T extends Contender>(candidates: readonly T[], reason: (loser: T, winner: T) => string = lossReason): { reasons: Map<T, string>; chosen: T[] } {
  const reasons = new Map<T, string>();
  if (candidates.length <= 1) {
    const [only] = candidates;
    return { reasons, chosen: only !== undefined && only.rejected === undefined ? [only] : [] };
  }
  const groups = new Map<string, T[]>();
  for (const c of candidates) {
    if (c.rejected !== undefined) continue;
    const k = competitionKey(c.action);
    const g = groups.get(k);
    if (g === undefined) groups.set(k, [c]);
    else g.push(c);
  }
  const chosen: { key: string; c: T }[] = [];
  for (const [key, g] of groups) {
    const [winner, ...losers] = g.length === 1 ? g : g.sort(rank);
    if (winner === undefined) continue;
    chosen.push({ key, c: winner });
    for (const l of losers) reasons.set(l, reason(l, winner));
  }
  if (chosen.length > 1) chosen.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { reasons, chosen: chosen.map((x) => x.c) };
}

/** Annotate losers (input order kept) and return the winners, one per competition key, by key. */
export function compete(candidates: readonly Candidate[]): { candidates: Candidate[]; chosen: Candidate[] } {
  const { reasons, chosen } = contest(candidates);
  return {
    candidates: candidates.map((c) => {
      const r = reasons.get(c);
      return r === undefined ? c : { ...c, rejected: r };
    }),
    chosen,
  };
}

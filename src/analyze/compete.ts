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

const kindOf = (a: Pick<ActionProposal, 'type'>): string => (a.type === 'notify' ? 'notify' : ACTION_CATALOG[a.type].targetKind);

export function competitionKey(a: Pick<ActionProposal, 'type' | 'target'>): string {
  return `${kindOf(a)}:${a.target}`;
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

/** Same competition key (target kinds hold no ':', so kind and target are the key's parts). */
function rivals(a: Pick<ActionProposal, 'type' | 'target'>, b: Pick<ActionProposal, 'type' | 'target'>): boolean {
  return a.target === b.target && (a.type === b.type || kindOf(a) === kindOf(b));
}

/**
 * The contest itself, by index: `lose(i, w)` for every loser with its winner, once the
 * winners are known; returns the winners, one per competition key, by key. The winner of a
 * group is its first best by `rank` (what a stable sort by rank puts first).
 */
export function contest(candidates: readonly Contender[], lose: (loser: number, winner: number) => void): number[] {
  const leaders: number[] = [];
  const n = candidates.length;
  const groupOf = (c: Contender): number => {
    let g = 0;
    while (g < leaders.length && !rivals((candidates[leaders[g] as number] as Contender).action, c.action)) g++;
    return g;
  };
  for (let i = 0; i < n; i++) {
    const c = candidates[i] as Contender;
    if (c.rejected !== undefined) continue;
    const g = groupOf(c);
    if (g === leaders.length) leaders.push(i);
    else if (rank(c, candidates[leaders[g] as number] as Contender) < 0) leaders[g] = i;
  }
  // The winners are known before the first loser hears of it; lose(i) may set candidate i's
  // `rejected`, which this loop has read already.
  if (n > 1) {
    for (let i = 0; i < n; i++) {
      const c = candidates[i] as Contender;
      if (c.rejected !== undefined) continue;
      const w = leaders[groupOf(c)] as number;
      if (w !== i) lose(i, w);
    }
  }
  if (leaders.length <= 1) return leaders;
  const keyed = leaders.map((i) => ({ i, key: competitionKey((candidates[i] as Contender).action) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((x) => x.i);
}

/** Annotate losers (input order kept) and return the winners, one per competition key, by key. */
export function compete(candidates: readonly Candidate[]): { candidates: Candidate[]; chosen: Candidate[] } {
  const reasons: (string | undefined)[] = [];
  const chosen = contest(candidates, (l, w) => {
    reasons[l] = lossReason(candidates[l] as Candidate, candidates[w] as Candidate);
  });
  return {
    candidates: candidates.map((c, i) => {
      const r = reasons[i];
      return r === undefined ? c : { ...c, rejected: r };
    }),
    chosen: chosen.map((i) => candidates[i] as Candidate),
  };
}

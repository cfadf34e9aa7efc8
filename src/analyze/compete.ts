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

/** The leaders while a contest runs, one per competition key (contests are synchronous, never nested). */
const leaders: number[] = [];

/** The group of `c` among the first `n` leaders: its index, or `n` when it has none yet. */
function groupOf(candidates: readonly Contender[], n: number, c: Contender): number {
  let g = 0;
  while (g < n && !rivals((candidates[leaders[g] as number] as Contender).action, c.action)) g++;
  return g;
}

/**
 * The contest itself, by index: `winnerOf[i]` gets the index of the candidate that beat
 * candidate `i`, or `i` for a winner, or -1 for one rejected before the contest. Returns the
 * winners, one per competition key, by key. The winner of a group is its first best by `rank`
 * (what a stable sort by rank puts first).
 */
export function contest(candidates: readonly Contender[], winnerOf: number[]): number[] {
  let groups = 0;
  const n = candidates.length;
  for (let i = 0; i < n; i++) {
    const c = candidates[i] as Contender;
    if (c.rejected !== undefined) continue;
    const g = groupOf(candidates, groups, c);
    if (g === groups) leaders[groups++] = i;
    else if (rank(c, candidates[leaders[g] as number] as Contender) < 0) leaders[g] = i;
  }
  for (let i = 0; i < n; i++) {
    const c = candidates[i] as Contender;
    winnerOf[i] = c.rejected !== undefined ? -1 : (leaders[groupOf(candidates, groups, c)] as number);
  }
  if (groups === 0) return [];
  if (groups === 1) return [leaders[0] as number];
  const keyed: { i: number; key: string }[] = [];
  for (let g = 0; g < groups; g++) {
    const i = leaders[g] as number;
    keyed.push({ i, key: competitionKey((candidates[i] as Contender).action) });
  }
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((x) => x.i);
}

/** Annotate losers (input order kept) and return the winners, one per competition key, by key. */
export function compete(candidates: readonly Candidate[]): { candidates: Candidate[]; chosen: Candidate[] } {
  const winnerOf: number[] = [];
  const chosen = contest(candidates, winnerOf);
  return {
    candidates: candidates.map((c, i) => {
      const w = winnerOf[i] as number;
      return w < 0 || w === i ? c : { ...c, rejected: lossReason(c, candidates[w] as Candidate) };
    }),
    chosen: chosen.map((i) => candidates[i] as Candidate),
  };
}

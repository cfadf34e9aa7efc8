/**
 * How long an attempt takes (pure): the seconds from an action's write landing (`appliedAt`)
 * to its verification (`at`), the window the incident waits on it whether it then clears or
 * not. Per (rule, situation) the estimate is the mean of the rule's attempts, each weighted
 * like its success evidence (forgetting per newer outcome of the situation), shrunk toward
 * the situation's mean over every rule by `priorStrength` pseudo-attempts: a rule tried once
 * is not judged on one slow verification, and one not tried for a while drifts back to what
 * attempts in its situation take.
 *
 * Why it matters to the choice: to clear an incident soonest by trying actions one after the
 * other, try them in decreasing order of success probability per second an attempt takes
 * (the classic result for sequential search; for utilities, expected utility per second).
 * The learner's weight therefore divides by the rule's time relative to its situation's, so
 * where every action takes as long the ranking is by expected utility alone.
 */
import type { Outcome } from '../types/knowledge.js';
import type { Credit } from './credit.js';

/** Seconds from the write to the verification, when the outcome records both (old ones do not). */
export function attemptSeconds(o: Outcome): number | undefined {
  if (o.appliedAt === undefined) return undefined;
  const s = (Date.parse(o.at) - Date.parse(o.appliedAt)) / 1000;
  return Number.isFinite(s) && s >= 0 ? s : undefined;
}

export interface AttemptTime {
  /** Estimated seconds one attempt of the rule takes in the situation. */
  readonly seconds: number;
  /** The situation's mean over every rule's timed attempts (what the estimate shrinks toward). */
  readonly situationSeconds: number;
  /** The rule's timed attempts that count (undiscounted). */
  readonly attempts: number;
}

/**
 * The attempt time of the outcomes `inKind[i]` for which `counts(i)` holds, among a
 * situation's credited outcomes (oldest first); undefined when no attempt in the situation
 * was timed.
 */
export function attemptTime(inKind: readonly Credit[], counts: (i: number) => boolean, forgetting: number, priorStrength: number): AttemptTime | undefined {
  const n = inKind.length;
  let all = 0;
  let allW = 0;
  let own = 0;
  let ownW = 0;
  let attempts = 0;
  for (let i = 0; i < n; i++) {
    const s = attemptSeconds((inKind[i] as Credit).outcome);
    if (s === undefined) continue;
    const w = forgetting ** (n - 1 - i);
    all += w * s;
    allW += w;
    if (!counts(i)) continue;
    own += w * s;
    ownW += w;
    attempts += 1;
  }
  if (allW === 0) return undefined;
  const situationSeconds = all / allW;
  return { seconds: (own + priorStrength * situationSeconds) / (ownW + priorStrength), situationSeconds, attempts };
}

/** How much the rule's attempt time scales its weight: the situation's time over its own (1 when unknown or off). */
export function timeFactor(t: AttemptTime | undefined, timeWeight: number): number {
  if (t === undefined || !(timeWeight > 0) || !(t.seconds > 0) || !(t.situationSeconds > 0)) return 1;
  return (t.situationSeconds / t.seconds) ** timeWeight;
}

/**
 * A refusal repeated: the chosen actions of a decision that repeats, unchanged, the last one
 * recorded for its incident are refused again by the same guards with the same words as
 * the refusals recorded under that decision. Such a cycle writes nothing new — neither the
 * decision nor a `KEY#blocked:CYCLE` record per action: the recorded ones say it already,
 * the next decision stored names the cycles that repeated them (`unrecordedBefore.refused`),
 * and the guard-stop metric still counts every refusal (docs/EXECUTION.md, "What is
 * recorded"). In a dry run, or while a breaker is open, that is every cycle of every
 * incident: before, ~1,000 decisions and 1,000 refusals were written per cycle at the
 * memory bench's load.
 *
 * A refusal's signature is its intent key (rule, target, incident, episode), its guard and
 * its detail sentence; a decision's is those of its actions in order. A detail that changes
 * from cycle to cycle (a cooldown's seconds, a hysteresis count) changes the signature, so
 * such refusals are recorded every cycle, as before.
 */
import type { ExecutionRecord, GuardReason } from '../types/execution.js';
import type { Block } from './guard-stage.js';
import { blockedKey } from './key.js';

/** What the executor remembers of the refusals recorded under an incident's last recorded decision. */
export interface RefusalMemo {
  readonly signature: string;
  /** The guards that refused, one per refused action, in order. */
  readonly guards: readonly GuardReason[];
}

/** One chosen action's refusal: its intent key and the guard's block. */
export interface Refused {
  readonly key: string;
  readonly block: Block;
}

/** The signature of a decision's refusals, in the order of its chosen actions. */
export function refusalMemo(refused: readonly Refused[]): RefusalMemo {
  return {
    signature: refused.map((r) => `${r.key}\u0000${r.block.reason}\u0000${r.block.detail}`).join('\u0001'),
    guards: refused.map((r) => r.block.reason),
  };
}

/**
 * The memo of what was recorded for a decision's actions in this cycle, when each action
 * that went to the guards (by its intent key, `keys`) came back refused: its `blocked`
 * record is among `records`. Undefined when one of them ran, waits for approval, or failed.
 */
export function memoFromRecords(keys: readonly string[], records: ReadonlyMap<string, ExecutionRecord>, cycleId: string): RefusalMemo | undefined {
  if (keys.length === 0) return undefined;
  const refused: Refused[] = [];
  for (const key of keys) {
    const r = records.get(blockedKey(key, cycleId));
    if (r === undefined || r.status !== 'blocked' || r.guard === undefined) return undefined;
    refused.push({ key, block: { reason: r.guard, detail: r.guardDetail ?? '' } });
  }
  return refusalMemo(refused);
}

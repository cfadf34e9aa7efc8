/**
 * Vetoes: after analysis and before competition, every veto rule that can match the incident
 * is evaluated on its facts; while one holds, the candidates its `blocks` selects are marked
 * rejected (`vetoed by RULE@VERSION (...)`, with the values that made it hold) and so cannot
 * be chosen. A veto only removes candidates: it never adds an action.
 */
import type { Risk } from '../types/catalog.js';
import type { Candidate, ConditionTrace, RuleTrace } from '../types/decision.js';
import type { VetoBlocks, VetoRule } from '../types/rules.js';
import type { FactLookup } from './compile.js';
import type { CompiledRule } from './compiled-rule.js';
import { ruleLookup } from './time.js';
import type { LeafScratch } from './shared-leaves.js';
import { evaluateTraced, traceOf, type Outcome } from './traced.js';

const RISK_RANK: Readonly<Record<Risk, number>> = { low: 0, medium: 1, high: 2 };

export function blocks(b: VetoBlocks, c: Pick<Candidate, 'action' | 'ruleId'>): boolean {
  if (b.all === true) return true;
  if (b.actions?.includes(c.action.type) === true) return true;
  if (b.risk !== undefined && RISK_RANK[c.action.risk] >= RISK_RANK[b.risk]) return true;
  return b.rules?.includes(c.ruleId) === true;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** The leaves that held, as `fact$.path operator value (was X)`. */
export function heldBecause(conditions: readonly ConditionTrace[]): string {
  return conditions
    .filter((c) => c.result)
    .map((c) => `${c.fact}${c.path === undefined ? '' : c.path.slice(1)} ${c.operator} ${show(c.value)} (was ${show(c.factValue)})`)
    .join('; ');
}

/** A veto that holds in an incident. */
export interface HeldVeto {
  readonly ref: string;
  readonly blocks: VetoBlocks;
  readonly reason: string;
}

/**
 * Evaluate `rules` (the veto rules that can match the incident, in order), pushing their
 * traces to `traces` (`record`: as decisions record them); the ones that hold, in order.
 * `scratch`: the incident's evaluated leaves (traced.ts).
 */
export function holdingVetoes(rules: readonly CompiledRule<VetoRule>[], lookup: FactLookup, traces: RuleTrace[], record: boolean, scratch?: LeafScratch<Outcome>): HeldVeto[] {
  const held: HeldVeto[] = [];
  for (const v of rules) {
    const o = evaluateTraced(v, ruleLookup(v, lookup), scratch);
    traces.push(traceOf(v, o, 0, !record));
    if (!o.fired) continue;
    // A note on an outcome is its rule's: a fresh outcome may be another rule's as well (traced.ts).
    const reason = o.note ?? `vetoed by ${v.ref} (${heldBecause(o.raw)})`;
    if (Object.isFrozen(o.raw)) o.note = reason;
    held.push({ ref: v.ref, blocks: v.rule.blocks, reason });
  }
  return held;
}

/** The veto that rejects `c` (the first that blocks it), if any; none for one rejected already. */
export function vetoOf(held: readonly HeldVeto[], c: Pick<Candidate, 'action' | 'ruleId' | 'rejected'>): HeldVeto | undefined {
  if (c.rejected !== undefined) return undefined;
  for (const h of held) if (blocks(h.blocks, c)) return h;
  return undefined;
}

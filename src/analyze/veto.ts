/**
 * Vetoes: after analysis and before competition, every veto rule that can match the incident
 * is evaluated on its facts; while one holds, the candidates its `blocks` selects are marked
 * rejected (`vetoed by RULE@VERSION (...)`, with the values that made it hold) and so cannot
 * be chosen. A veto only removes candidates: it never adds an action.
 */
import type { Risk } from '../types/catalog.js';
import type { Candidate, ConditionTrace, RuleTrace } from '../types/decision.js';
import type { VetoBlocks } from '../types/rules.js';
import { evaluate, type FactLookup } from './compile.js';
import type { CompiledRuleSet } from './compiled-rules.js';
import type { SubjectKind } from '../types/snapshot.js';
import { ruleLookup } from './time.js';

const RISK_RANK: Readonly<Record<Risk, number>> = { low: 0, medium: 1, high: 2 };

export function blocks(b: VetoBlocks, c: Candidate): boolean {
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

export function applyVetoes(
  cr: CompiledRuleSet,
  kind: SubjectKind,
  alertnames: readonly string[],
  lookup: FactLookup,
  raw: readonly Candidate[],
): { traces: RuleTrace[]; candidates: Candidate[] } {
  const traces: RuleTrace[] = [];
  let candidates = [...raw];
  for (const v of cr.veto.candidates(kind, alertnames)) {
    const conditions: ConditionTrace[] = [];
    const fired = evaluate(v.condition.root, ruleLookup(v, lookup), conditions);
    traces.push({ rule: v.ref, stage: 'veto', fired, pass: 0, conditions });
    if (!fired) continue;
    const reason = `vetoed by ${v.ref} (${heldBecause(conditions)})`;
    const rule = v.rule;
    candidates = candidates.map((c) => (c.rejected === undefined && blocks(rule.blocks, c) ? { ...c, rejected: reason, vetoedBy: v.ref } : c));
  }
  return { traces, candidates };
}

/**
 * `mapek simulate --coverage`: for every rule and every condition leaf, whether the fixtures
 * made it fire (true), evaluate false, or never evaluated it. Leaves are numbered in
 * document order with named conditions expanded — the order of a RuleTrace's conditions.
 */
import type { Decision } from '../types/decision.js';
import type { RuleSet } from '../types/rules.js';
import { compileRuleSet } from '../analyze/index.js';

export type CoverageStatus = 'fired' | 'false' | 'never';

export interface LeafCoverage {
  readonly leaf: number;
  readonly text: string;
  readonly true: number;
  readonly false: number;
  readonly status: CoverageStatus;
  /** Under an odd number of `not`: matching makes the rule less likely to fire. */
  readonly negated: boolean;
}

export interface RuleCoverage {
  readonly rule: string;
  readonly stage: 'analyze' | 'plan' | 'veto';
  readonly evaluations: number;
  readonly fired: number;
  readonly status: CoverageStatus;
  readonly leaves: readonly LeafCoverage[];
}

export interface CoverageReport {
  readonly rules: readonly RuleCoverage[];
  readonly totals: { readonly rules: number; readonly fired: number; readonly onlyFalse: number; readonly never: number; readonly leaves: number; readonly leavesNever: number };
}

function leafText(l: { fact: { fact: string }; path?: string; operator: string; value: unknown }): string {
  return `${l.fact.fact}${l.path === undefined ? '' : l.path.slice(1)} ${l.operator} ${JSON.stringify(l.value)}`;
}

function status(trueN: number, falseN: number): CoverageStatus {
  return trueN > 0 ? 'fired' : falseN > 0 ? 'false' : 'never';
}

export class CoverageCollector {
  private readonly counts = new Map<string, { evaluations: number; fired: number; t: number[]; f: number[] }>();

  add(decisions: readonly Decision[]): void {
    for (const d of decisions) {
      for (const r of d.rules) {
        let c = this.counts.get(r.rule);
        if (c === undefined) this.counts.set(r.rule, (c = { evaluations: 0, fired: 0, t: [], f: [] }));
        c.evaluations++;
        if (r.fired) c.fired++;
        r.conditions.forEach((leaf, i) => {
          const arr = leaf.result ? c.t : c.f;
          arr[i] = (arr[i] ?? 0) + 1;
        });
      }
    }
  }

  report(ruleSet: RuleSet): CoverageReport {
    const compiled = compileRuleSet(ruleSet);
    const rules: RuleCoverage[] = [...compiled.analyze.all, ...compiled.plan.all, ...compiled.veto.all].map((cr) => {
      const c = this.counts.get(cr.ref);
      const leaves = cr.condition.leaves.map((l, i): LeafCoverage => {
        const t = c?.t[i] ?? 0;
        const f = c?.f[i] ?? 0;
        return { leaf: i + 1, text: leafText(l), true: t, false: f, status: status(t, f), negated: l.negated === true };
      });
      const evaluations = c?.evaluations ?? 0;
      const fired = c?.fired ?? 0;
      return { rule: cr.ref, stage: cr.rule.stage, evaluations, fired, status: status(fired, evaluations - fired), leaves };
    });
    const leaves = rules.flatMap((r) => r.leaves);
    return {
      rules,
      totals: {
        rules: rules.length,
        fired: rules.filter((r) => r.status === 'fired').length,
        onlyFalse: rules.filter((r) => r.status === 'false').length,
        never: rules.filter((r) => r.status === 'never').length,
        leaves: leaves.length,
        leavesNever: leaves.filter((l) => l.status === 'never').length,
      },
    };
  }
}

/** A leaf under `not` that matched made the `not` false: say so rather than "fired". */
function leafStatus(l: LeafCoverage): string {
  if (!l.negated) return l.status;
  return l.true > 0 ? 'matched (so the `not` was false)' : l.false > 0 ? 'never matched (so the `not` held)' : l.status;
}

/** The one-line summary: `coverage: 39 rules: 3 fired, 0 only evaluated false, …`. */
export function coverageSummary(c: CoverageReport): string {
  const t = c.totals;
  return `coverage: ${t.rules} rules: ${t.fired} fired, ${t.onlyFalse} only evaluated false, ${t.never} never evaluated; ${t.leaves} condition leaves, ${t.leavesNever} never evaluated`;
}

/** Ids of the rules with this status, in report order. */
export function rulesWithStatus(c: CoverageReport, status: CoverageStatus): string[] {
  return c.rules.filter((r) => r.status === status).map((r) => r.rule);
}

/**
 * Every rule and its condition leaves, then the rules that never fired (never evaluated,
 * only evaluated false), and the summary as the very last line, where a reader looks.
 */
export function renderCoverage(c: CoverageReport): string {
  const width = Math.max(0, ...c.rules.map((r) => r.rule.length));
  const lines = ['coverage by rule and condition leaf:'];
  for (const r of c.rules) {
    lines.push(`  ${r.rule.padEnd(width)}  ${r.stage.padEnd(7)}  ${r.status.padEnd(5)}  ${r.fired}/${r.evaluations} fired`);
    for (const l of r.leaves) lines.push(`      [${l.leaf}] ${l.text}  ${leafStatus(l)} (true ${l.true}, false ${l.false})`);
  }
  const list = (ids: readonly string[]): string => (ids.length === 0 ? 'none' : ids.join(', '));
  lines.push(`never evaluated: ${list(rulesWithStatus(c, 'never'))}`);
  lines.push(`only evaluated false: ${list(rulesWithStatus(c, 'false'))}`);
  lines.push(coverageSummary(c));
  return lines.join('\n');
}

/** The JSON form: the summary first, then the two lists, then totals and every rule. */
export function coverageJson(c: CoverageReport): Record<string, unknown> {
  return { summary: coverageSummary(c), neverEvaluated: rulesWithStatus(c, 'never'), onlyFalse: rulesWithStatus(c, 'false'), ...c };
}

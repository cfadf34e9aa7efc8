/**
 * `mapek rules diff`: replay the same fixtures under two rule sets and list every step
 * whose plan differs (chosen actions: type, target, params, proposing rule).
 */
import type { Decision } from '../types/decision.js';
import type { RuleSet } from '../types/rules.js';
import { createPlanner } from '../analyze/index.js';
import type { Fixture } from '../monitor/fixture-types.js';
import { replay } from './replay.js';

export interface StepDiff {
  readonly fixture: string;
  readonly file: string;
  readonly step: number;
  readonly offset: string;
  readonly base: readonly string[];
  readonly current: readonly string[];
}

export function planLines(decisions: readonly Decision[], error?: string): string[] {
  if (error !== undefined) return [`error: ${error}`];
  return decisions
    .flatMap((d) => d.chosen.map((c) => `${c.action.type} ${c.action.target}${Object.keys(c.action.params).length > 0 ? ` ${JSON.stringify(c.action.params)}` : ''} (${c.ruleId}, ${d.incidentId})`))
    .sort();
}

export async function diffPlans(fixtures: readonly Fixture[], base: RuleSet, current: RuleSet): Promise<StepDiff[]> {
  const pb = createPlanner(base);
  const pc = createPlanner(current);
  const diffs: StepDiff[] = [];
  for (const f of fixtures) {
    const rb = await replay(f, pb, {});
    const rc = await replay(f, pc, {});
    rb.forEach((b, i) => {
      const c = rc[i];
      if (c === undefined) return;
      const lb = planLines(b.decisions, b.error);
      const lc = planLines(c.decisions, c.error);
      if (lb.join('\n') !== lc.join('\n')) diffs.push({ fixture: f.name, file: f.file, step: i + 1, offset: b.step.offset, base: lb, current: lc });
    });
  }
  return diffs;
}

export function renderDiff(diffs: readonly StepDiff[], fixtures: number, baseName: string): string {
  if (diffs.length === 0) return `no differences: ${fixtures} fixture(s) plan the same under ${baseName} and the current rules`;
  const lines = [`${diffs.length} step(s) plan differently under ${baseName} (base) and the current rules:`];
  for (const d of diffs) {
    lines.push(`  ${d.fixture} step ${d.step} (${d.offset}, ${d.file})`);
    const b = new Set(d.base);
    const c = new Set(d.current);
    for (const x of d.base) if (!c.has(x)) lines.push(`    - ${x}`);
    for (const x of d.current) if (!b.has(x)) lines.push(`    + ${x}`);
  }
  return lines.join('\n');
}

/**
 * 1. Analyze + plan over rules × firing alerts, next to the baseline (plain
 * json-rules-engine, one engine holding every rule, one run per alert) in the same run.
 * Also the planning note's scale with the SHIPPED rules, and a sanity check that both
 * plan the same actions on the synthetic sets.
 */
import { createPlanner } from '../../src/analyze/index.js';
import { loadRuleSet } from '../../src/rules/load.js';
import type { Planner } from '../../src/types/ports.js';
import type { Snapshot } from '../../src/types/snapshot.js';
import { createBaseline } from '../lib/baseline.js';
import { median, progress, type Figure } from '../lib/report.js';
import type { Section, SectionContext, SectionResult } from '../lib/section.js';
import { shippedSnapshot } from '../lib/shipped-snapshot.js';
import { alertKinds, syntheticRuleSet, syntheticSnapshot } from '../lib/synthetic.js';

const S = '1 analyze+plan';

/** Median ms per plan() call: warm up, then repeat until ~`budgetMs` spent (at least 5 runs). */
export function timePlanner(planner: Planner, snapshot: Snapshot, budgetMs: number): { ms: number; runs: number } {
  for (let i = 0; i < 3; i++) planner.plan(snapshot, {}, 'warm');
  const times: number[] = [];
  const end = performance.now() + budgetMs;
  while (times.length < 5 || (performance.now() < end && times.length < 2000)) {
    const t0 = performance.now();
    planner.plan(snapshot, {}, `c${times.length}`);
    times.push(performance.now() - t0);
  }
  return { ms: median(times), runs: times.length };
}

/** `policy|ruleId` of every plan rule that fired, the unit the baseline reports. */
export function plannedKeys(planner: Planner, snapshot: Snapshot): string[] {
  const out: string[] = [];
  for (const d of planner.plan(snapshot, {}, 'sanity')) {
    for (const c of d.candidates) out.push(`${d.subject.id}|${c.ruleId}`);
  }
  return out.sort();
}

/** Exponent k of cost ∝ x^k between two points. */
export function growth(x1: number, t1: number, x2: number, t2: number): number {
  return Math.log(t2 / t1) / Math.log(x2 / x1);
}

interface Cell {
  rules: number;
  alerts: number;
  plannerMs: number;
  plannerRuns: number;
  baselineMs: number;
  baselineRuns: number;
  speedup: number;
  sameActions: boolean;
  plannedActions: number;
}

async function cell(rules: number, alerts: number, quick: boolean): Promise<Cell> {
  const rs = syntheticRuleSet(rules);
  const snap = syntheticSnapshot(rules, alerts);
  const planner = createPlanner(rs);
  const p = timePlanner(planner, snap, quick ? 100 : 400);
  const baseline = createBaseline(rs);
  // The baseline is slow: one run at the largest cells, more at the small ones.
  const reps = rules * alerts >= 200_000 ? 1 : rules * alerts >= 20_000 ? 2 : 5;
  const times: number[] = [];
  let keys: string[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    keys = await baseline.run(snap);
    times.push(performance.now() - t0);
  }
  const ours = plannedKeys(planner, snap);
  const theirs = [...keys].sort();
  const same = ours.length === theirs.length && ours.every((k, i) => k === theirs[i]);
  const baselineMs = median(times);
  progress(`${S}: ${rules} rules × ${alerts} alerts: planner ${p.ms.toFixed(3)} ms (${p.runs} runs), baseline ${baselineMs.toFixed(1)} ms (${reps} runs), ${same ? 'same' : 'DIFFERENT'} actions (${ours.length})`);
  return { rules, alerts, plannerMs: p.ms, plannerRuns: p.runs, baselineMs, baselineRuns: reps, speedup: baselineMs / p.ms, sameActions: same, plannedActions: ours.length };
}

export const analyzeSection: Section = {
  name: 'analyze',
  title: 'Analyze + plan: rules × firing alerts, against plain json-rules-engine',
  async run(ctx: SectionContext): Promise<SectionResult> {
    const ruleCounts = ctx.quick ? [50, 200] : [50, 200, 1000];
    const alertCounts = ctx.quick ? [10, 100] : [10, 100, 1000];
    const cells: Cell[] = [];
    for (const r of ruleCounts) for (const a of alertCounts) cells.push(await cell(r, a, ctx.quick));
    const figures: Figure[] = [];
    for (const c of cells) {
      const big = c.rules === 1000 && c.alerts === 1000;
      figures.push({
        section: S,
        name: `${c.rules} rules × ${c.alerts} alerts, per cycle`,
        value: c.plannerMs,
        unit: 'ms',
        baseline: c.baselineMs,
        ...(big ? { target: '≥ 50× faster than baseline', met: c.speedup >= 50 } : {}),
        note: `${c.speedup.toFixed(0)}× faster; ${c.sameActions ? 'same' : 'DIFFERENT'} ${c.plannedActions} planned actions`,
      });
    }
    const largest = cells[cells.length - 1];
    if (largest) figures.push({ section: S, name: `speed-up at ${largest.rules} × ${largest.alerts}`, value: largest.speedup, unit: '×', target: '≥ 50×', met: largest.speedup >= 50 });
    figures.push({ section: S, name: 'planned actions identical to baseline (all cells)', value: cells.every((c) => c.sameActions) ? 1 : 0, unit: '', target: '1 (yes)', met: cells.every((c) => c.sameActions) });

    // The planning note's scale: 11 kinds, ~50 rules, 100 alerts — synthetic and shipped.
    const note = cells.find((c) => c.rules === 50 && c.alerts === 100);
    if (note) figures.push({ section: S, name: `planning-note scale, synthetic (${alertKinds(50)} kinds, 50 rules, 100 alerts)`, value: note.plannerMs, unit: 'ms', baseline: note.baselineMs, target: '< 5 ms', met: note.plannerMs < 5 });
    const shipped = await loadRuleSet(['rules']);
    if (!shipped.ok) throw new Error(`rules/ invalid: ${shipped.issues.map((i) => i.message).join('; ')}`);
    const shippedRuns: Record<string, unknown>[] = [];
    for (const charterDown of [true, false]) {
      const snap = shippedSnapshot(100, { charterDown });
      const sp = createPlanner(shipped.ruleSet);
      const t = timePlanner(sp, snap, ctx.quick ? 100 : 500);
      const decisions = sp.plan(snap, {}, 'count');
      const chosen = decisions.reduce((n, d) => n + d.chosen.length, 0);
      const fired = decisions.reduce((n, d) => n + d.rules.filter((r) => r.fired).length, 0);
      const label = charterDown ? '100 alerts over the 11 names (CharterDown once: remediation held back)' : '100 alerts over the 10 names without CharterDown';
      figures.push({ section: S, name: `shipped rules (${shipped.ruleSet.rules.length}), ${label}`, value: t.ms, unit: 'ms', target: '< 5 ms', met: t.ms < 5, note: `${decisions.length} incidents, ${fired} rule firings, ${chosen} actions chosen` });
      shippedRuns.push({ charterDown, ms: t.ms, runs: t.runs, incidents: decisions.length, fired, chosen });
    }
    const compileStart = performance.now();
    createPlanner({ ...shipped.ruleSet });
    figures.push({ section: S, name: 'compile the shipped rule set (once per reload)', value: performance.now() - compileStart, unit: 'ms' });

    // Growth: exponent k in cost ∝ n^k, over the extremes measured.
    const at = (r: number, a: number): Cell | undefined => cells.find((c) => c.rules === r && c.alerts === a);
    const rMin = ruleCounts[0] ?? 50;
    const rMax = ruleCounts[ruleCounts.length - 1] ?? 200;
    const aMin = alertCounts[0] ?? 10;
    const aMax = alertCounts[alertCounts.length - 1] ?? 100;
    for (const a of alertCounts) {
      const lo = at(rMin, a);
      const hi = at(rMax, a);
      if (lo && hi) {
        figures.push({ section: S, name: `growth with rules (${rMin}→${rMax}) at ${a} alerts: planner exponent`, value: growth(rMin, lo.plannerMs, rMax, hi.plannerMs), unit: '', baseline: growth(rMin, lo.baselineMs, rMax, hi.baselineMs), note: 'cost ∝ rules^k' });
      }
    }
    for (const r of ruleCounts) {
      const lo = at(r, aMin);
      const hi = at(r, aMax);
      if (lo && hi) {
        figures.push({ section: S, name: `growth with alerts (${aMin}→${aMax}) at ${r} rules: planner exponent`, value: growth(aMin, lo.plannerMs, aMax, hi.plannerMs), unit: '', baseline: growth(aMin, lo.baselineMs, aMax, hi.baselineMs), note: 'cost ∝ alerts^k' });
      }
    }
    return { figures, extra: { cells, shipped: { rules: shipped.ruleSet.rules.length, runs: shippedRuns } } };
  },
};

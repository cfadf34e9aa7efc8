/**
 * 1. Analyze + plan over rules × firing alerts, next to three anchors measured in the same
 * run: json-rules-engine with one engine holding every rule, json-rules-engine with one
 * engine per alert name (picked by a Map lookup), and the hand-written floor
 * (bench/lib/floor.ts), which must choose what the planner chooses — the section fails if
 * it does not. Also the planning note's scale with the SHIPPED rules.
 */
import { loadavg } from 'node:os';
import { createPlanner } from '../../src/analyze/index.js';
import { loadRuleSet } from '../../src/rules/load.js';
import type { Decision } from '../../src/types/decision.js';
import type { Planner } from '../../src/types/ports.js';
import type { Snapshot } from '../../src/types/snapshot.js';
import { createBaseline, type Baseline } from '../lib/baseline.js';
import { createFloor, type FloorPlan } from '../lib/floor.js';
import { median, progress, type Figure } from '../lib/report.js';
import type { Section, SectionContext, SectionResult } from '../lib/section.js';
import { shippedSnapshot } from '../lib/shipped-snapshot.js';
import { alertKinds, syntheticRuleSet, syntheticSnapshot } from '../lib/synthetic.js';

const S = '1 analyze+plan';

/**
 * Median ms per call of `f`: warm up, then repeat until ~`budgetMs` spent (at least 5 runs).
 * `input(run)` (untimed) makes each run's input; warm-up runs are numbered −1, −2, −3.
 */
export function timeSync<T>(f: (input: T, run: number) => unknown, budgetMs: number, input: (run: number) => T = () => undefined as T): { ms: number; runs: number } {
  for (let i = 1; i <= 3; i++) f(input(-i), -i);
  const times: number[] = [];
  const end = performance.now() + budgetMs;
  while (times.length < 5 || (performance.now() < end && times.length < 2000)) {
    const run = times.length;
    const x = input(run);
    const t0 = performance.now();
    f(x, run);
    times.push(performance.now() - t0);
  }
  return { ms: median(times), runs: times.length };
}

/** Median ms per plan() call (see timeSync): one snapshot, or a new one per run. */
export function timePlanner(planner: Planner, snapshot: Snapshot | ((run: number) => Snapshot), budgetMs: number): { ms: number; runs: number } {
  const input = typeof snapshot === 'function' ? snapshot : () => snapshot;
  return timeSync((s, i) => planner.plan(s, {}, i < 0 ? 'warm' : `c${i}`), budgetMs, input);
}

/** `policy|ruleId` of every plan rule that fired, the unit the baselines report. */
export function plannedKeys(planner: Planner, snapshot: Snapshot): string[] {
  const out: string[] = [];
  for (const d of planner.plan(snapshot, {}, 'sanity')) {
    for (const c of d.candidates) out.push(`${d.subject.id}|${c.ruleId}`);
  }
  return out.sort();
}

/** Incidents where the floor chose otherwise than the planner (`policy: planner ≠ floor`). */
export function floorDisagreements(decisions: readonly Decision[], floor: FloorPlan): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const d of decisions) {
    seen.add(d.subject.id);
    const c = d.chosen[0];
    const ours = c === undefined ? '' : `${c.ruleId} ${c.action.type} ${c.action.target}`;
    const theirs = floor.get(d.subject.id) ?? '(no incident)';
    if (d.chosen.length > 1 || ours !== theirs) out.push(`${d.subject.id}: planner "${ours}" ≠ floor "${theirs}"`);
  }
  for (const p of floor.keys()) if (!seen.has(p)) out.push(`${p}: no planner decision, floor "${floor.get(p) ?? ''}"`);
  return out;
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
  floorMs: number;
  floorRuns: number;
  /** json-rules-engine, one engine for all rules. */
  oneEngineMs: number;
  /** json-rules-engine, one engine per alert name. */
  perNameMs: number;
  baselineRuns: number;
  sameActions: boolean;
  plannedActions: number;
  load: number;
}

async function timeBaseline(b: Baseline, snap: Snapshot, reps: number): Promise<{ ms: number; keys: string[] }> {
  const times: number[] = [];
  let keys: string[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    keys = await b.run(snap);
    times.push(performance.now() - t0);
  }
  return { ms: median(times), keys: [...keys].sort() };
}

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((k, i) => k === b[i]);

async function cell(rules: number, alerts: number, quick: boolean): Promise<Cell> {
  const rs = syntheticRuleSet(rules);
  const snap = syntheticSnapshot(rules, alerts);
  const planner = createPlanner(rs);
  const floor = createFloor(rules);
  const wrong = floorDisagreements(planner.plan(snap, {}, 'check'), floor.plan(snap));
  if (wrong.length > 0) throw new Error(`floor and planner disagree at ${rules} rules × ${alerts} alerts (${wrong.length} incidents): ${wrong.slice(0, 3).join('; ')}`);
  // Side by side, interleaved in halves so that a change of load hits both.
  const budget = quick ? 50 : 200;
  // Every timed run plans a new scrape of the same incidents (other metric values), the floor too.
  const scrape = (run: number): Snapshot => syntheticSnapshot(rules, alerts, undefined, 1_000 + run);
  const p1 = timePlanner(planner, scrape, budget);
  const f1 = timeSync((s: Snapshot) => floor.plan(s), budget, scrape);
  const p2 = timePlanner(planner, (run) => scrape(run + 10_000), budget);
  const f2 = timeSync((s: Snapshot) => floor.plan(s), budget, (run) => scrape(run + 10_000));
  // json-rules-engine with one engine is slow: one run at the largest cells, more at the small ones.
  const reps = rules * alerts >= 200_000 ? 1 : rules * alerts >= 20_000 ? 2 : 5;
  const one = await timeBaseline(createBaseline(rs, 'one engine'), snap, reps);
  const perName = await timeBaseline(createBaseline(rs, 'one engine per alert name'), snap, Math.max(3, reps));
  const ours = plannedKeys(planner, snap);
  const same = sameList(ours, one.keys) && sameList(ours, perName.keys);
  const plannerMs = Math.min(p1.ms, p2.ms);
  const floorMs = Math.min(f1.ms, f2.ms);
  const load = loadavg()[0] ?? NaN;
  progress(`${S}: ${rules} rules × ${alerts} alerts: planner ${plannerMs.toFixed(3)} ms, floor ${floorMs.toFixed(3)} ms (${(plannerMs / floorMs).toFixed(1)}×), json-rules-engine per alert name ${perName.ms.toFixed(1)} ms (${(perName.ms / plannerMs).toFixed(1)}× slower), one engine ${one.ms.toFixed(1)} ms (${(one.ms / plannerMs).toFixed(0)}× slower); ${same ? 'same' : 'DIFFERENT'} actions (${ours.length}); load ${load.toFixed(2)}`);
  return { rules, alerts, plannerMs, plannerRuns: p1.runs + p2.runs, floorMs, floorRuns: f1.runs + f2.runs, oneEngineMs: one.ms, perNameMs: perName.ms, baselineRuns: reps, sameActions: same, plannedActions: ours.length, load };
}

export const analyzeSection: Section = {
  name: 'analyze',
  title: 'Analyze + plan: rules × firing alerts, against json-rules-engine (two ways) and a hand-written floor',
  async run(ctx: SectionContext): Promise<SectionResult> {
    const ruleCounts = ctx.quick ? [50, 200] : [50, 200, 1000];
    const alertCounts = ctx.quick ? [10, 100] : [10, 100, 1000];
    const cells: Cell[] = [];
    for (const r of ruleCounts) for (const a of alertCounts) cells.push(await cell(r, a, ctx.quick));
    const figures: Figure[] = [];
    const loads = cells.map((c) => c.load);
    for (const c of cells) {
      figures.push({
        section: S,
        name: `${c.rules} rules × ${c.alerts} alerts, per cycle`,
        value: c.plannerMs,
        unit: 'ms',
        baseline: c.perNameMs,
        note: `floor ${c.floorMs.toFixed(3)} ms (planner ${(c.plannerMs / c.floorMs).toFixed(1)}×); json-rules-engine per alert name ${(c.perNameMs / c.plannerMs).toFixed(1)}× slower, one engine ${(c.oneEngineMs / c.plannerMs).toFixed(0)}× slower; ${c.sameActions ? 'same' : 'DIFFERENT'} ${c.plannedActions} planned actions; load ${c.load.toFixed(2)}`,
      });
    }
    const at = (r: number, a: number): Cell | undefined => cells.find((c) => c.rules === r && c.alerts === a);
    const rMin = ruleCounts[0] ?? 50;
    const rMax = ruleCounts[ruleCounts.length - 1] ?? 200;
    const aMin = alertCounts[0] ?? 10;
    const aMax = alertCounts[alertCounts.length - 1] ?? 100;
    const largest = at(rMax, aMax);
    if (largest) {
      const vsFloor = largest.plannerMs / largest.floorMs;
      const vsPerName = largest.perNameMs / largest.plannerMs;
      const vsOne = largest.oneEngineMs / largest.plannerMs;
      const where = `at ${rMax} × ${aMax}`;
      figures.push({ section: S, name: `planner ÷ hand-written floor ${where}`, value: vsFloor, unit: '×', target: '≤ 10×', met: vsFloor <= 10, note: `floor ${largest.floorMs.toFixed(3)} ms, planner ${largest.plannerMs.toFixed(3)} ms` });
      figures.push({ section: S, name: `json-rules-engine, one engine per alert name ÷ planner ${where}`, value: vsPerName, unit: '×', target: '≥ 20×', met: vsPerName >= 20, note: `${largest.perNameMs.toFixed(1)} ms` });
      figures.push({ section: S, name: `json-rules-engine, one engine ÷ planner ${where}`, value: vsOne, unit: '×', target: '≥ 50×', met: vsOne >= 50, note: `${largest.oneEngineMs.toFixed(0)} ms` });
    }
    const note = at(50, 100);
    if (note) {
      const r = note.plannerMs / note.floorMs;
      figures.push({ section: S, name: 'planner ÷ hand-written floor at 50 × 100', value: r, unit: '×', target: '≤ 5×', met: r <= 5, note: `floor ${note.floorMs.toFixed(3)} ms, planner ${note.plannerMs.toFixed(3)} ms` });
    }
    const few = at(rMax, aMin);
    if (largest && few) {
      const perFew = few.plannerMs / aMin;
      const perMany = largest.plannerMs / aMax;
      // The anchor: the floor's own per-incident growth in the same run (caches: a cycle of many
      // incidents touches many situations and rules, one of few stays in cache).
      const floorGrowth = largest.floorMs / aMax / (few.floorMs / aMin);
      figures.push({ section: S, name: `per-incident cost at ${aMax} alerts ÷ at ${aMin} (${rMax} rules)`, value: perMany / perFew, unit: '×', baseline: floorGrowth, target: '≤ 1.3×', met: perMany / perFew <= 1.3, note: `${(perFew * 1000).toFixed(1)} → ${(perMany * 1000).toFixed(1)} µs per incident; baseline: the floor's own growth, ${(few.floorMs / aMin * 1000).toFixed(2)} → ${(largest.floorMs / aMax * 1000).toFixed(2)} µs` });
    }
    figures.push({ section: S, name: 'planned actions identical to both json-rules-engine anchors (all cells)', value: cells.every((c) => c.sameActions) ? 1 : 0, unit: '', target: '1 (yes)', met: cells.every((c) => c.sameActions), note: 'and the floor chose what the planner chose in every incident (checked before timing)' });
    figures.push({ section: S, name: 'load average (1 min) while the grid ran, max', value: Math.max(...loads), unit: '', note: `min ${Math.min(...loads).toFixed(2)}` });

    // The planning note's scale: 11 kinds, ~50 rules, 100 alerts — synthetic (the cell above) and shipped.
    if (note) figures.push({ section: S, name: `planning-note scale, synthetic (${alertKinds(50)} kinds, 50 rules, 100 alerts)`, value: note.plannerMs, unit: 'ms', baseline: note.perNameMs, target: '< 5 ms', met: note.plannerMs < 5 });
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
    for (const a of alertCounts) {
      const lo = at(rMin, a);
      const hi = at(rMax, a);
      if (lo && hi) {
        figures.push({ section: S, name: `growth with rules (${rMin}→${rMax}) at ${a} alerts: planner exponent`, value: growth(rMin, lo.plannerMs, rMax, hi.plannerMs), unit: '', baseline: growth(rMin, lo.perNameMs, rMax, hi.perNameMs), note: 'cost ∝ rules^k' });
      }
    }
    for (const r of ruleCounts) {
      const lo = at(r, aMin);
      const hi = at(r, aMax);
      if (lo && hi) {
        figures.push({ section: S, name: `growth with alerts (${aMin}→${aMax}) at ${r} rules: planner exponent`, value: growth(aMin, lo.plannerMs, aMax, hi.plannerMs), unit: '', baseline: growth(aMin, lo.perNameMs, aMax, hi.perNameMs), note: 'cost ∝ alerts^k' });
      }
    }
    return { figures, extra: { cells, shipped: { rules: shipped.ruleSet.rules.length, runs: shippedRuns } } };
  },
};

/**
 * 7. Learning (issue #12): six worlds × seeds 1–10 × 200 incidents, learner on / off and the
 * oracle, through the service's real learning path — every verification is an outcome in a
 * real knowledge store and `relearn` (the service's step) runs after it; the next incident
 * is ranked by priority × the stored situated weight, as the planner does.
 *
 * MODELLED, NOT MEASURED: the executor loop runs in process (bench/lib/learning-loop.ts):
 * the Charter is a seeded draw per (incident, rule) against the world's true probability
 * (the same draws for every mode), attempts follow the executor's next-best rules (1 +
 * maxFallbacks attempts, candidates whose expected success is below the escalation
 * threshold skipped, then escalation), and time to remediate is detection (2 s) plus each
 * attempt's verify delay. The real-service version (the `mapek run` child process against
 * the reference Charter with faults injected over its test API, times from the Charter's
 * fault records) is not built yet.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { flipsBack, incidentsUntilPrefers, runWorld, type IncidentRun, type Mode, type WorldRun } from '../lib/learning-loop.js';
import { WORLDS, type World } from '../lib/learning-worlds.js';
import { progress, type Figure } from '../lib/report.js';
import type { Section, SectionResult } from '../lib/section.js';
import { learningCurveSvg } from '../lib/svg.js';

const S = '7 learning';
const MODES: readonly Mode[] = ['learner off', 'learner on', 'oracle'];
const AFTER = 50;

/** Share of first-attempt successes over the last `window` incidents, per incident. */
export function rolling(xs: readonly boolean[], window: number): number[] {
  return xs.map((_, i) => {
    const part = xs.slice(Math.max(0, i - window + 1), i + 1);
    return part.filter(Boolean).length / part.length;
  });
}

const mean = (xs: readonly number[]): number => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : Number.NaN);
const medianOf = (xs: readonly number[]): number => {
  const v = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return v.length === 0 ? Number.NaN : v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
};

export interface WorldSummary {
  readonly world: string;
  readonly mode: Mode;
  /** First-attempt success after incident 50, % (mean over seeds). */
  readonly firstAttempt: number;
  readonly firstAttemptAll: number;
  /** Mean time to remediate after incident 50 (remediated incidents), s. */
  readonly ttrS: number;
  /** Median over seeds and kinds of the incidents (of a kind) until it prefers the best action (after the change, if any); NaN when it never does. */
  readonly untilPrefers: number;
  readonly neverPrefers: number;
  /** Flips back to a worse action per 100 incidents of a kind (after first preferring the best). */
  readonly flipsPer100: number;
  readonly escalations: number;
  readonly unremediated: number;
  readonly unremediatedNotEscalated: number;
  readonly notifyChanges: number;
}

export function summarise(w: World, mode: Mode, runs: readonly WorldRun[]): WorldSummary {
  const after = (r: WorldRun): readonly IncidentRun[] => r.incidents.slice(AFTER);
  const until: number[] = [];
  const flips: number[] = [];
  for (const r of runs) {
    for (const k of w.kinds) {
      const xs = r.incidents.filter((x) => x.kind === k);
      const from = w.changeAt !== undefined ? Math.max(0, xs.findIndex((x) => x.n >= (w.changeAt ?? 0))) : 0;
      const best = xs.map((x) => x.firstBest);
      until.push(incidentsUntilPrefers(best, from));
      const f = flipsBack(best, from);
      if (!Number.isNaN(f)) flips.push((100 * f) / Math.max(1, xs.length - from));
    }
  }
  const all = runs.flatMap((r) => r.incidents);
  return {
    world: w.name,
    mode,
    firstAttempt: 100 * mean(runs.map((r) => after(r).filter((x) => x.firstSuccess).length / Math.max(1, after(r).length))),
    firstAttemptAll: 100 * mean(runs.map((r) => r.incidents.filter((x) => x.firstSuccess).length / Math.max(1, r.incidents.length))),
    ttrS: mean(runs.flatMap((r) => after(r).filter((x) => x.remediated).map((x) => x.ttrMs / 1000))),
    untilPrefers: medianOf(until),
    neverPrefers: until.filter((x) => Number.isNaN(x)).length,
    flipsPer100: mean(flips),
    escalations: all.filter((x) => x.escalated).length,
    unremediated: all.filter((x) => !x.remediated).length,
    unremediatedNotEscalated: all.filter((x) => !x.remediated && !x.escalated).length,
    notifyChanges: runs.reduce((s, r) => s + r.notifyChanges, 0),
  };
}

const slug = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);

export const learningSection: Section = {
  name: 'learning',
  title: 'Learning (modelled executor loop, real learner + relearn): six worlds, learner on / off / oracle',
  async run(ctx): Promise<SectionResult> {
    const incidents = ctx.quick ? 60 : 200;
    const seeds = ctx.quick ? [1, 2] : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    progress(`${S}: MODELLED executor loop in process (seeded draws, modelled time) with the real knowledge store, learner and relearn path; not the mapek run child process`);
    const figures: Figure[] = [];
    const summaries: WorldSummary[] = [];
    const curves: Record<string, string> = {};
    for (const w of WORLDS) {
      const by = new Map<Mode, WorldRun[]>();
      for (const mode of MODES) {
        const runs: WorldRun[] = [];
        for (const seed of seeds) runs.push(await runWorld(w, seed, mode, incidents));
        by.set(mode, runs);
        summaries.push(summarise(w, mode, runs));
      }
      const [off, on, oracle] = MODES.map((m) => summaries.find((s) => s.world === w.name && s.mode === m)!);
      if (!off || !on || !oracle) continue;
      progress(`${S}: ${w.name}: first-attempt after ${AFTER} on ${on.firstAttempt.toFixed(0)}% / off ${off.firstAttempt.toFixed(0)}% / oracle ${oracle.firstAttempt.toFixed(0)}%; TTR on ${on.ttrS.toFixed(1)} s / off ${off.ttrS.toFixed(1)} s / oracle ${oracle.ttrS.toFixed(1)} s`);
      const fsMet = on.firstAttempt >= 0.9 * oracle.firstAttempt;
      const ttrMet = on.ttrS <= 1.15 * oracle.ttrS;
      figures.push(
        { section: S, name: `${w.name}: first-attempt success after ${AFTER}, learner on`, value: on.firstAttempt, unit: '%', baseline: off.firstAttempt, target: `≥ 90% of oracle ${oracle.firstAttempt.toFixed(0)}%`, met: fsMet, note: `baseline = learner off; all ${incidents}: on ${on.firstAttemptAll.toFixed(0)}%, oracle ${oracle.firstAttemptAll.toFixed(0)}%` },
        { section: S, name: `${w.name}: mean time to remediate after ${AFTER}, learner on`, value: on.ttrS, unit: 's', baseline: off.ttrS, target: `≤ 1.15 × oracle ${oracle.ttrS.toFixed(1)} s`, met: ttrMet, note: 'modelled: detection 2 s + verify delays' },
        { section: S, name: `${w.name}: incidents (of a kind) until it prefers the best${w.changeAt ? ' after the swap' : ''}, median`, value: on.untilPrefers, unit: '', ...(w.changeAt ? { target: '≤ 5', met: on.untilPrefers <= 5 } : {}), note: `never in ${on.neverPrefers} of ${seeds.length * w.kinds.length} (seed, kind); off: never in ${off.neverPrefers}` },
        { section: S, name: `${w.name}: flips back to a worse action per 100 incidents of a kind, learner on`, value: on.flipsPer100, unit: '' },
        { section: S, name: `${w.name}: escalations (all seeds), learner on`, value: on.escalations, unit: '', baseline: off.escalations, note: `unremediated ${on.unremediated}, of them not escalated ${on.unremediatedNotEscalated}; oracle ${oracle.escalations}` },
      );
      if (w.name.startsWith('every action')) figures.push({ section: S, name: `${w.name}: unremediated incidents not escalated, learner on`, value: on.unremediatedNotEscalated, unit: '', target: '0', met: on.unremediatedNotEscalated === 0 });
      const window = 10;
      const curve = (m: Mode): number[] => {
        const rs = by.get(m) ?? [];
        const per = rs.map((r) => rolling(r.incidents.map((x) => x.firstSuccess), window));
        return per[0]?.map((_, i) => mean(per.map((p) => p[i] ?? 0))) ?? [];
      };
      const svg = learningCurveSvg({
        title: `${w.name}: first-attempt success (rolling ${window}, mean of ${seeds.length} seeds)`,
        xLabel: 'incident',
        yLabel: 'first-attempt success',
        series: [
          { name: 'learner off', color: '#6c757d', values: curve('learner off') },
          { name: 'learner on', color: '#e76f51', values: curve('learner on') },
          { name: 'oracle', color: '#2a9d8f', dash: '6 4', values: curve('oracle') },
        ],
      });
      const file = path.join('docs', 'learning', `${slug(w.name)}.svg`);
      if (!ctx.quick) await writeFile(file, svg);
      curves[w.name] = ctx.quick ? '(not written with --quick)' : file;
    }
    const notify = summaries.filter((s) => s.mode === 'learner on').reduce((n, s) => n + s.notifyChanges, 0);
    figures.push({ section: S, name: 'weight changes credited to notify actions (all worlds, learner on)', value: notify, unit: '', target: '0', met: notify === 0 });
    return { figures, extra: { modelled: 'executor loop in process; real knowledge store, learner and relearn', incidents, seeds, summaries, curves } };
  },
};

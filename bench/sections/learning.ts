/**
 * 7. Learning (issue #12), MEASURED ON THE REAL SERVICE: for each world and mode, the
 * reference Charter (test API on, the world's probabilities set on it) and `mapek run` as a
 * child process on the world's rules; faults injected one after another over Charter's test
 * API; time to remediate and first-attempt success from Charter's own fault records,
 * escalations from the service's log and store, weight changes from its store
 * (bench/lib/learning-service.ts). Compressed time scale: BENCH_TIMESCALE.
 *
 * Default (`npm run bench -- --only learning`): seed 1, 60 incidents per (world, mode), all
 * 18 runs at once, figures after incident 30 — about 7 minutes here. The full matrix
 * (`LEARNING_BENCH=full npm run bench -- --only learning`): seeds 1–10 × 50 and 200 incidents,
 * figures after incident 25 and 50, hours; it also runs the in-process model
 * (bench/lib/learning-loop.ts, labelled MODEL) as a cross-check. A part of it:
 * `LEARNING_BENCH=3x200` (seeds 1–3, 200 incidents each). Some worlds only: LEARNING_WORLDS
 * (comma-separated parts of their names); runs at once: LEARNING_PARALLEL (default 18).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_LEARNER_OPTIONS, type LearnerOptions } from '../../src/knowledge/learner.js';
import { resolveLearnerOptions } from '../../src/knowledge/learner-options.js';
import { DEFAULT_LOOP, incidentsUntilPrefers, runWorld, type IncidentRun, type WorldRun } from '../lib/learning-loop.js';
import { BENCH_TIMESCALE, runServiceWorld, type Mode, type ServiceRun } from '../lib/learning-service.js';
import { forRun, SERVICE_WORLDS, type ServiceWorld } from '../lib/learning-service-worlds.js';
import { mean, medianOf, pool, summariseService, wentQuiet, type ServiceSummary } from '../lib/learning-summary.js';
import { WORLDS } from '../lib/learning-worlds.js';
import { progress, type Figure } from '../lib/report.js';
import type { Section, SectionResult } from '../lib/section.js';
import { learningCurveSvg } from '../lib/svg.js';

const S = '7 learning';
const MODES: readonly Mode[] = ['learner off', 'learner on', 'oracle'];

/** Share of first-attempt successes over the last `window` incidents, per incident. */
export function rolling(xs: readonly boolean[], window: number): number[] {
  return xs.map((_, i) => {
    const part = xs.slice(Math.max(0, i - window + 1), i + 1);
    return part.filter(Boolean).length / part.length;
  });
}

export interface LearningPlan {
  readonly seeds: readonly number[];
  readonly sizes: readonly number[];
  /** Runs in flight at once. */
  readonly parallel: number;
  readonly model: boolean;
  /** False: the model alone (LEARNING_BENCH=model). */
  readonly service: boolean;
}

export function planOf(env: string | undefined, quick: boolean): LearningPlan {
  if (env === 'full') return { seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], sizes: [50, 200], parallel: 18, model: true, service: true };
  // The in-process model alone, seeds 1–10 × 200: seconds, for comparing learner settings (LEARNING_MODEL_OPTIONS).
  if (env === 'model') return { seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], sizes: [200], parallel: 1, model: true, service: false };
  // A part of the matrix: seeds 1–S at N incidents ("3x200"), for when the full one does not fit.
  const part = env === undefined ? null : /^([1-9]\d?)x([1-9]\d{1,3})$/.exec(env);
  if (part !== null) return { seeds: Array.from({ length: Number(part[1]) }, (_, i) => i + 1), sizes: [Number(part[2])], parallel: 18, model: false, service: true };
  if (env !== undefined && env !== '') throw new Error(`LEARNING_BENCH: expected "full", "model", SEEDSxINCIDENTS (e.g. "3x200") or nothing, got "${env}"`);
  return quick ? { seeds: [1], sizes: [12], parallel: 18, model: false, service: true } : { seeds: [1], sizes: [60], parallel: 18, model: false, service: true };
}

/**
 * The worlds to run from LEARNING_WORLDS (comma-separated parts of world names, any case; empty:
 * all), to re-measure a few after a change. A part that names no world is an error that lists them.
 */
export function worldsOf<W extends { readonly name: string }>(env: string | undefined, all: readonly W[]): readonly W[] {
  const parts = (env ?? '').split(',').map((x) => x.trim().toLowerCase()).filter((x) => x !== '');
  if (parts.length === 0) return all;
  for (const p of parts) if (!all.some((w) => w.name.toLowerCase().includes(p))) throw new Error(`LEARNING_WORLDS: "${p}" is in no world's name (${all.map((w) => `"${w.name}"`).join(', ')})`);
  return all.filter((w) => parts.some((p) => w.name.toLowerCase().includes(p)));
}

/** Runs in flight at once from LEARNING_PARALLEL (1–64), else `fallback`. */
export function parallelOf(env: string | undefined, fallback: number): number {
  if (env === undefined || env.trim() === '') return fallback;
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`LEARNING_PARALLEL: expected a whole number of runs at once, 1–64, got "${env}"`);
  return n;
}

const slug = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
const f1 = (x: number): string => (Number.isNaN(x) ? '—' : x.toFixed(1));
const f0 = (x: number): string => (Number.isNaN(x) ? '—' : x.toFixed(0));

/** The per-world table (Markdown) of one size: a row per world and mode. */
export function worldTable(rows: readonly ServiceSummary[]): string {
  const head = '| world | mode | first-attempt success | mean TTR (s) | incidents until it prefers the best (median; never) | flips back /100 | escalations (unremediated, not escalated) | weight changes (notify) |';
  const sep = '|---|---|---|---|---|---|---|---|';
  const body = rows.map((r) => `| ${r.world} | ${r.mode} | ${f0(r.firstAttempt)} % | ${r.ttrS.toFixed(2)} | ${f0(r.untilPrefers)}; ${r.neverPrefers} of ${r.pairs} | ${f1(r.flipsPer100)} | ${r.escalations} (${r.unremediated}, ${r.unremediatedNotEscalated}) | ${r.weightChanges} (${r.notifyChanges}) |`);
  return [head, sep, ...body].join('\n');
}

function figuresOf(w: ServiceWorld, size: number, by: ReadonlyMap<Mode, ServiceSummary>): Figure[] {
  const off = by.get('learner off')!;
  const on = by.get('learner on')!;
  const oracle = by.get('oracle')!;
  const tag = `${w.name} [${size} incidents × ${on.seeds} seed${on.seeds > 1 ? 's' : ''}]`;
  const out: Figure[] = [
    { section: S, name: `${tag}: first-attempt success after ${on.after}, learner on`, value: on.firstAttempt, unit: '%', baseline: off.firstAttempt, target: `≥ oracle ${oracle.firstAttempt.toFixed(0)}% − 10`, met: on.firstAttempt >= oracle.firstAttempt - 10, note: 'baseline = learner off; from Charter\'s fault records' },
    { section: S, name: `${tag}: mean time to remediate after ${on.after}, learner on`, value: on.ttrS, unit: 's', baseline: off.ttrS, target: `≤ 1.15 × oracle ${oracle.ttrS.toFixed(2)} s`, met: on.ttrS <= 1.15 * oracle.ttrS, note: 'Charter: clearedAt − injectedAt; compressed time scale' },
    { section: S, name: `${tag}: incidents (of a kind) until it prefers the best${w.changeAt ? ' after the swap' : ''}, median, learner on`, value: on.untilPrefers, unit: '', ...(w.changeAt ? { target: '≤ 5', met: on.untilPrefers <= 5 } : {}), note: `never in ${on.neverPrefers} of ${on.pairs} (seed, kind); off: never in ${off.neverPrefers}` },
    { section: S, name: `${tag}: flips back to a worse action per 100 incidents of a kind, learner on`, value: on.flipsPer100, unit: '' },
    { section: S, name: `${tag}: escalations, learner on`, value: on.escalations, unit: '', baseline: off.escalations, note: `unremediated ${on.unremediated}, not escalated ${on.unremediatedNotEscalated}; escalated records in the store ${on.storeEscalations}; oracle ${oracle.escalations}` },
  ];
  if (w.name.startsWith('every action')) {
    const notEscalated = MODES.reduce((n, m) => n + (by.get(m)?.unremediatedNotEscalated ?? 0), 0);
    out.push({ section: S, name: `${tag}: unremediated incidents not escalated (all modes)`, value: notEscalated, unit: '', target: '0', met: notEscalated === 0 });
  }
  return out;
}

async function curveOf(w: ServiceWorld, size: number, runs: ReadonlyMap<Mode, readonly ServiceRun[]>): Promise<string> {
  const window = 10;
  const curve = (m: Mode): number[] => {
    const per = (runs.get(m) ?? []).map((r) => rolling(r.incidents.map((x) => x.firstSuccess), window));
    return per[0]?.map((_, i) => mean(per.map((p) => p[i] ?? 0))) ?? [];
  };
  const n = runs.get('learner on')?.length ?? 0;
  const svg = learningCurveSvg({
    title: `${w.name}: first-attempt success (real service, rolling ${window}, ${n} seed${n > 1 ? 's' : ''})`,
    xLabel: 'incident',
    yLabel: 'first-attempt success',
    series: [
      { name: 'learner off', color: '#6c757d', values: curve('learner off') },
      { name: 'learner on', color: '#e76f51', values: curve('learner on') },
      { name: 'oracle', color: '#2a9d8f', dash: '6 4', values: curve('oracle') },
    ],
  });
  const file = path.join('docs', 'learning', `${slug(w.name)}${size === 60 ? '' : `-${size}`}.svg`);
  await writeFile(file, svg);
  return file;
}

/** Learner options for the model from LEARNING_MODEL_OPTIONS (JSON object), to compare settings. */
export function modelOptionsOf(env: string | undefined, name = 'LEARNING_MODEL_OPTIONS'): Partial<LearnerOptions> {
  if (env === undefined || env.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(env);
  } catch (err) {
    throw new Error(`${name}: not JSON (${(err as Error).message})`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`${name}: expected a JSON object of learner options, e.g. {"forgetting":0.95}`);
  for (const [k, x] of Object.entries(v)) if (!(k in DEFAULT_LEARNER_OPTIONS) || typeof x !== 'number') throw new Error(`${name}: "${k}" is not a numeric learner option (${Object.keys(DEFAULT_LEARNER_OPTIONS).join(', ')})`);
  // Ranges as the service checks them (its config's `learner:`), before any run starts.
  try {
    resolveLearnerOptions(v as Record<string, number>);
  } catch (err) {
    throw new Error(`${name}: ${(err as Error).message}`);
  }
  return v as Partial<LearnerOptions>;
}

/** The in-process MODEL (full matrix, or LEARNING_BENCH=model): a fast cross-check, not what the targets are judged on. */
async function modelCrossCheck(seeds: readonly number[], learner: Partial<LearnerOptions>): Promise<Figure[]> {
  const figures: Figure[] = [];
  const o = { ...DEFAULT_LOOP, learner };
  for (const w of WORLDS) {
    const by: Partial<Record<Mode, WorldRun[]>> = {};
    for (const mode of MODES) {
      const runs: WorldRun[] = [];
      for (const seed of seeds) runs.push(await runWorld(w, seed, mode, 200, o));
      by[mode] = runs;
    }
    const late = (m: Mode): IncidentRun[] => (by[m] ?? []).flatMap((r) => r.incidents.slice(50));
    const fa = (m: Mode): number => 100 * mean(late(m).map((x) => (x.firstSuccess ? 1 : 0)));
    const ttr = (m: Mode): number => mean(late(m).filter((x) => x.remediated).map((x) => x.ttrMs));
    const bestFirst = 100 * mean(late('learner on').map((x) => (x.firstBest ? 1 : 0)));
    const adapt = w.changeAt === undefined ? [] : (by['learner on'] ?? []).map((r) => incidentsUntilPrefers(r.incidents.map((x) => x.firstBest), w.changeAt! - 1));
    const tag = `MODEL ${w.name} [200 × ${seeds.length} seeds]`;
    figures.push({ section: S, name: `${tag}: first-attempt success after 50, learner on`, value: fa('learner on'), unit: '%', baseline: fa('learner off'), note: `MODEL (in-process executor loop, modelled time); oracle ${f0(fa('oracle'))}%; best action first ${f0(bestFirst)}%` });
    figures.push({ section: S, name: `${tag}: time to remediate after 50, learner on ÷ oracle`, value: ttr('learner on') / ttr('oracle'), unit: '×', note: `MODEL: ${o.fixMs} ms a fix + ${o.retryMs} ms per further attempt (measured on the real service)${adapt.length ? `; incidents until it prefers the best after the change, median ${f0(medianOf(adapt))} (${adapt.join(', ')})` : ''}` });
  }
  return figures;
}

export const learningSection: Section = {
  name: 'learning',
  title: 'Learning on the real service (mapek run child + reference Charter, faults over the test API): six worlds, learner on / off / oracle',
  async run(ctx): Promise<SectionResult> {
    const planned = planOf(process.env['LEARNING_BENCH'], ctx.quick);
    const plan: LearningPlan = { ...planned, parallel: parallelOf(process.env['LEARNING_PARALLEL'], planned.parallel) };
    const t = BENCH_TIMESCALE;
    // read before the service runs, so a bad value fails at once and not hours into the full matrix
    const modelOptions = plan.model ? modelOptionsOf(process.env['LEARNING_MODEL_OPTIONS']) : {};
    // The real service's learner settings (its config's `learner:`), to compare settings side by side.
    const serviceOptions = modelOptionsOf(process.env['LEARNING_LEARNER_OPTIONS'], 'LEARNING_LEARNER_OPTIONS');
    if (plan.service && Object.keys(serviceOptions).length > 0) progress(`${S}: the service's learner settings: ${JSON.stringify(serviceOptions)}`);
    const chosen = worldsOf(process.env['LEARNING_WORLDS'], SERVICE_WORLDS);
    if (chosen.length < SERVICE_WORLDS.length) progress(`${S}: LEARNING_WORLDS: ${chosen.map((w) => w.name).join('; ')}`);
    if (!plan.service) progress(`${S}: the in-process MODEL only (LEARNING_BENCH=model), seeds ${plan.seeds.join(',')} × 200 incidents; learner options ${JSON.stringify(modelOptions)}`);
    else progress(`${S}: REAL SERVICE — per (world, mode, seed, size) one reference Charter (tick ${t.tickMs} ms) and one mapek run child (cycle ${t.intervalS * 1000} ms, Charter window ${t.windowS * 1000} ms, verify.after ${t.verifyAfter}, no cooldown); seeds ${plan.seeds.join(',')}; incidents ${plan.sizes.join(' and ')}; ${plan.parallel} runs at once`);
    const figures: Figure[] = [];
    const summaries: ServiceSummary[] = [];
    const curves: Record<string, string> = {};
    const tables: Record<string, string> = {};
    for (const size of plan.service ? plan.sizes : []) {
      const worlds = chosen.map((w) => forRun(w, size));
      const jobs = worlds.flatMap((w) => MODES.flatMap((mode) => plan.seeds.map((seed) => async () => {
        const r = await runServiceWorld(w, mode, seed, size, t, serviceOptions);
        progress(`${S}: ${w.name} / ${mode} / seed ${seed}: ${size} incidents in ${(r.wallMs / 1000).toFixed(0)} s; outcomes per situation: ${Object.entries(r.situations).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`);
        for (const i of r.incidents) if (i.leftActive) progress(`${S}: ${w.name} / ${mode} / seed ${seed}: incident ${i.n} (${i.kind}) left other faults active, cleared by the bench: ${i.leftActive.join('; ')}`);
        for (const i of r.incidents.filter(wentQuiet)) progress(`${S}: ${w.name} / ${mode} / seed ${seed}: incident ${i.n} (${i.kind}, ${i.attempts} attempt${i.attempts === 1 ? '' : 's'}) neither cleared nor escalated in ${t.incidentTimeoutMs / 1000} s; the service's records then: ${(i.quiet ?? []).join('; ') || 'none'}`);
        return r;
      })));
      const runs = await pool(jobs, plan.parallel);
      const rows: ServiceSummary[] = [];
      for (const w of worlds) {
        const byMode = new Map<Mode, ServiceRun[]>(MODES.map((m) => [m, runs.filter((r) => r.world === w.name && r.mode === m)]));
        const by = new Map<Mode, ServiceSummary>(MODES.map((m) => [m, summariseService(w, m, byMode.get(m) ?? [])]));
        rows.push(...by.values());
        figures.push(...figuresOf(w, size, by));
        const on = by.get('learner on')!;
        const off = by.get('learner off')!;
        const oracle = by.get('oracle')!;
        progress(`${S}: ${w.name} [${size}]: first-attempt after ${on.after} on ${f0(on.firstAttempt)}% / off ${f0(off.firstAttempt)}% / oracle ${f0(oracle.firstAttempt)}%; TTR on ${on.ttrS.toFixed(2)} s / off ${off.ttrS.toFixed(2)} s / oracle ${oracle.ttrS.toFixed(2)} s`);
        if (!ctx.quick) curves[`${w.name} [${size}]`] = await curveOf(w, size, byMode);
      }
      summaries.push(...rows);
      tables[String(size)] = worldTable(rows);
      progress(`${S}: per-world table, ${size} incidents × seeds ${plan.seeds.join(',')}:\n${tables[String(size)]}`);
    }
    const notify = summaries.reduce((n, s) => n + s.notifyChanges, 0);
    if (plan.service) figures.push({ section: S, name: 'weight changes credited to notify actions (all worlds and modes, the service\'s store)', value: notify, unit: '', target: '0', met: notify === 0 });
    if (plan.model) figures.push(...(await modelCrossCheck(plan.seeds, modelOptions)));
    return { figures, extra: { measured: 'real service: mapek run child + reference Charter, faults over the test API', timescale: t, plan, summaries, tables, curves } };
  },
};

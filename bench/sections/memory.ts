/**
 * 12. Memory over time: `mapek run` (child process, the embedded journal store, a cycle every
 * 5 s, dry run: plan and record, never write) under the footprint section's load — 1,000
 * active alerts in a real Alertmanager, 10,000 series in a real Prometheus — held for
 * BENCH_MEMORY_MINUTES (default 10; 1 with --quick). RSS from /proc every second (the V8 heap from /metrics every 5 s); the curve is
 * drawn to docs/performance/memory.svg. Targets (issue 15): RSS < 150 MiB throughout, and no
 * growth after the first minute (the last third's mean within 5 % of the second minute's).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os, { loadavg } from 'node:os';
import path from 'node:path';
import { rssMiB, startMapekRun } from '../lib/child.js';
import { startLoadedWorld } from '../lib/loaded-world.js';
import { progress, type Figure } from '../lib/report.js';
import type { Section, SectionResult } from '../lib/section.js';
import { sleep } from '../lib/section.js';
import { timeSeriesSvg } from '../lib/svg.js';
import { get, metricValue } from '../lib/webhook.js';

const S = '12 memory';
const LIMIT_MIB = 150;
const SAMPLE_MS = 1_000;
/** The service's /metrics (V8 heap figures) is read every this many samples: a scrape costs the service work of its own. */
const SCRAPE_EVERY = 5;

export function minutes(quick: boolean, env: string | undefined = process.env['BENCH_MEMORY_MINUTES']): number {
  const n = Number(env ?? '');
  if (env !== undefined && env !== '' && !(Number.isFinite(n) && n > 0)) throw new Error(`BENCH_MEMORY_MINUTES: expected a positive number of minutes, got "${env}"`);
  return env !== undefined && env !== '' ? n : quick ? 1 : 10;
}

/** BENCH_MEMORY_NODE_OPTIONS: NODE_OPTIONS for the service only (to compare V8 settings). */
function childNodeOptions(): Record<string, string> {
  const o = process.env['BENCH_MEMORY_NODE_OPTIONS'];
  return o === undefined || o === '' ? {} : { NODE_OPTIONS: o };
}

/** One sample of the service: seconds since start, RSS, V8 heap used/total and external memory (MiB). */
interface Sample {
  readonly s: number;
  readonly rssMiB: number;
  readonly usedMiB: number;
  readonly totalMiB: number;
  readonly externalMiB: number;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** Growth after the first minute: the last third's mean ÷ the second minute's mean (samples as [s, MiB]). */
export function growthAfterFirstMinute(points: readonly (readonly [number, number])[]): number {
  const end = points[points.length - 1]?.[0] ?? 0;
  const second = points.filter(([t]) => t >= 60 && t < 120).map(([, v]) => v);
  const last = points.filter(([t]) => t >= (end * 2) / 3).map(([, v]) => v);
  return second.length === 0 || last.length === 0 ? NaN : mean(last) / mean(second);
}

export const memorySection: Section = {
  name: 'memory',
  title: 'Memory over time: RSS of mapek run under 1,000 active alerts and 10,000 series',
  async run(ctx): Promise<SectionResult> {
    const mins = minutes(ctx.quick);
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'mapek-bench-mem-'));
    const world = await startLoadedWorld(tmp, 1000, 10_000);
    let svc: Awaited<ReturnType<typeof startMapekRun>> | undefined;
    try {
      svc = await startMapekRun(world.serviceArgs(path.join(tmp, 'knowledge')), childNodeOptions());
      const pid = svc.child.pid ?? 0;
      const t0 = performance.now();
      const samples: Sample[] = [];
      let text = '';
      while (performance.now() - t0 < mins * 60_000) {
        await sleep(SAMPLE_MS);
        const s = (performance.now() - t0) / 1000;
        const rss = await rssMiB(pid);
        const last = samples[samples.length - 1];
        let h: Sample;
        if (last === undefined || samples.length % SCRAPE_EVERY === 0) {
          text = (await get(`${svc.url}/metrics`)).body;
          const mib = (name: string): number => metricValue(text, name) / 2 ** 20;
          h = { s, rssMiB: rss, usedMiB: mib('nodejs_heap_size_used_bytes'), totalMiB: mib('nodejs_heap_size_total_bytes'), externalMiB: mib('nodejs_external_memory_bytes') };
        } else h = { ...last, s, rssMiB: rss };
        samples.push(h);
        if (samples.length % 60 === 0) progress(`${S}: ${(s / 60).toFixed(1)} of ${mins} min, RSS ${rss.toFixed(0)} MiB (max ${Math.max(...samples.map((x) => x.rssMiB)).toFixed(0)}), heap used ${h.usedMiB.toFixed(0)} of ${h.totalMiB.toFixed(0)} MiB, external ${h.externalMiB.toFixed(0)} MiB`);
      }
      // The counters at the end of the run.
      text = (await get(`${svc.url}/metrics`)).body;
      const cycles = metricValue(text, 'mapek_cycle_duration_seconds_count');
      const decisions = metricValue(text, 'mapek_decisions_total');
      // Of those, not stored: each repeated its incident's last recorded one unchanged, with nothing to run.
      const unrecorded = metricValue(text, 'mapek_decisions_unrecorded_total');
      const points = samples.map((x) => [x.s, x.rssMiB] as const);
      const max = Math.max(...points.map((p) => p[1]));
      const load = (loadavg()[0] ?? NaN).toFixed(2);
      const growth = growthAfterFirstMinute(points);
      const svg = timeSeriesSvg({
        title: `mapek run RSS: ${world.held} active alerts, ${world.series.toLocaleString('en')} series, a cycle every 5 s`,
        xLabel: 'minutes since start',
        yLabel: 'RSS (MiB)',
        points: points.map(([s, v]) => [s / 60, v] as const),
        yMax: Math.max(200, Math.ceil(max / 50) * 50),
        limit: { value: LIMIT_MIB, label: `target < ${LIMIT_MIB} MiB` },
      });
      await mkdir(path.join('docs', 'performance'), { recursive: true });
      const file = path.join('docs', 'performance', ctx.quick ? 'memory-quick.svg' : 'memory.svg');
      await writeFile(file, svg);
      progress(`${S}: RSS max ${max.toFixed(0)} MiB over ${mins} min, last third ÷ second minute ${growth.toFixed(3)}; ${cycles} cycles, ${decisions} decisions (${unrecorded} not stored: unchanged); ${file}`);
      const figures: Figure[] = [
        { section: S, name: `RSS max over ${mins} min (${world.held} alerts, ${world.series} series)`, value: max, unit: 'MiB', target: `< ${LIMIT_MIB} MiB`, met: max < LIMIT_MIB, note: `${points.length} samples, RSS every second; picture ${file}; load ${load} at the end` },
        { section: S, name: 'RSS growth after the first minute (mean of the last third ÷ mean of minute 2)', value: growth, unit: '×', target: '≤ 1.05×', met: growth <= 1.05, note: `${cycles} cycles, ${decisions} decisions planned, ${decisions - unrecorded} stored (${unrecorded} unchanged, not stored again)` },
      ];
      const used = samples.map((x) => x.usedMiB);
      figures.push({ section: S, name: 'V8 heap used (read every 5 s): max / mean', value: Math.max(...used), unit: 'MiB', note: `mean ${mean(used).toFixed(0)} MiB; heap total max ${Math.max(...samples.map((x) => x.totalMiB)).toFixed(0)} MiB, external max ${Math.max(...samples.map((x) => x.externalMiB)).toFixed(0)} MiB` });
      return { figures, extra: { minutes: mins, samples, cycles, decisions, unrecorded, held: world.held, series: world.series } };
    } finally {
      await svc?.stop();
      await world.stop();
      await rm(tmp, { recursive: true, force: true });
    }
  },
};

/**
 * 5. Footprint of `mapek run` as a child process (RSS and CPU from /proc):
 *  - idle: the reference Charter only, no alerts, the default 30 s interval;
 *  - loaded: a real Prometheus scraping 10,000 synthetic Charter series (bench/lib/exporter.ts;
 *    no alert rules, so the alert count stays exact) and a real Alertmanager holding 1,000
 *    active alerts posted through its API; a cycle every 5 s in dry-run (plan and record,
 *    never write: 1,000 subjects do not exist in the reference Charter);
 *  - the knowledge store after one million recorded executions with retention on: what
 *    retention leaves on disk, written in bulk into the nedb files (size, open time); and a
 *    backlog of un-pruned records (retention turned on late): the first open that prunes it.
 */
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startCharter } from '../../src/charter/index.js';
import { DEFAULT_RETENTION, NedbKnowledgeStore } from '../../src/knowledge/index.js';
import { writeBulkStore } from '../lib/bulk-store.js';
import { footprint, startMapekRun } from '../lib/child.js';
import { startLoadedWorld } from '../lib/loaded-world.js';
import { progress, type Figure } from '../lib/report.js';
import type { Section, SectionResult } from '../lib/section.js';
import { sleep } from '../lib/section.js';
import { get, metricValue } from '../lib/webhook.js';

const S = '5 footprint';

async function dirSize(dir: string): Promise<number> {
  let total = 0;
  for (const f of await readdir(dir)) total += (await stat(path.join(dir, f))).size;
  return total;
}

async function idle(quick: boolean, tmp: string): Promise<Figure[]> {
  const charter = await startCharter({ port: 0 });
  const svc = await startMapekRun(['--charter-url', charter.url, '--knowledge-dir', path.join(tmp, 'idle'), '--log-level', 'warn']);
  try {
    await sleep(2_000);
    const f = await footprint(svc.child.pid ?? 0, quick ? 5_000 : 15_000);
    progress(`${S}: idle: CPU ${f.cpuPercent.toFixed(2)}%, RSS ${f.rssMiB.toFixed(0)} MiB`);
    return [
      { section: S, name: 'mapek run idle: RSS', value: f.rssMiB, unit: 'MiB' },
      { section: S, name: 'mapek run idle: CPU', value: f.cpuPercent, unit: '% of a core' },
    ];
  } finally {
    await svc.stop();
    await charter.close();
  }
}

async function loaded(quick: boolean, tmp: string): Promise<{ figures: Figure[]; extra: Record<string, unknown> }> {
  const series = 10_000;
  const world = await startLoadedWorld(tmp, 1000, series);
  const { held } = world;
  let svc: Awaited<ReturnType<typeof startMapekRun>> | undefined;
  try {
    svc = await startMapekRun(world.serviceArgs(path.join(tmp, 'loaded')));
    await sleep(6_000);
    const f = await footprint(svc.child.pid ?? 0, quick ? 10_000 : 30_000);
    const m = (await get(`${svc.url}/metrics`)).body;
    const cycles = metricValue(m, 'mapek_cycle_duration_seconds_count');
    const cycleSeconds = metricValue(m, 'mapek_cycle_duration_seconds_sum');
    const planSeconds = metricValue(m, 'mapek_phase_duration_seconds_sum', { phase: 'plan' });
    const monitorSeconds = metricValue(m, 'mapek_phase_duration_seconds_sum', { phase: 'monitor' });
    const decisions = metricValue(m, 'mapek_decisions_total');
    progress(`${S}: ${held} alerts, ${series} series: CPU ${f.cpuPercent.toFixed(1)}%, RSS ${f.rssMaxMiB.toFixed(0)} MiB, ${cycles} cycles of ${((cycleSeconds / cycles) * 1000).toFixed(0)} ms`);
    return {
      figures: [
        { section: S, name: `mapek run, ${held} active alerts, ${series} series: RSS (max)`, value: f.rssMaxMiB, unit: 'MiB' },
        { section: S, name: `mapek run, ${held} active alerts, ${series} series: CPU`, value: f.cpuPercent, unit: '% of a core', note: 'a cycle every 5 s, dry run' },
        { section: S, name: 'cycle at that load (mean): whole / monitor / plan', value: (cycleSeconds / cycles) * 1000, unit: 'ms', note: `monitor ${((monitorSeconds / cycles) * 1000).toFixed(0)} ms, plan ${((planSeconds / cycles) * 1000).toFixed(0)} ms, ${(decisions / cycles).toFixed(0)} decisions per cycle` },
      ],
      extra: { alerts: held, series, ...f, cycles, cycleSeconds, planSeconds, monitorSeconds },
    };
  } finally {
    await svc?.stop();
    await world.stop();
  }
}

async function openTimed(dir: string): Promise<{ ms: number; kept: number }> {
  const t0 = performance.now();
  const st = await NedbKnowledgeStore.open(dir);
  const ms = performance.now() - t0;
  const kept = (await st.findExecutions({})).length;
  await st.close();
  return { ms, kept };
}

async function store(quick: boolean, tmp: string): Promise<{ figures: Figure[]; extra: Record<string, unknown> }> {
  const n = 1_000_000;
  // What retention on leaves after n recorded executions: the newest maxExecutions, plus up to
  // retainEvery written since the last retention pass (written in bulk, then opened).
  const onDisk = DEFAULT_RETENTION.maxExecutions + DEFAULT_RETENTION.retainEvery;
  const steady = path.join(tmp, 'store-steady');
  await writeBulkStore(steady, n, n - onDisk + 1);
  const first = await openTimed(steady);
  const size = await dirSize(steady);
  const reopen = await openTimed(steady);
  progress(`${S}: after ${n} executions with retention: ${(size / 2 ** 20).toFixed(1)} MiB, ${reopen.kept} executions kept, open ${reopen.ms.toFixed(0)} ms (first ${first.ms.toFixed(0)} ms)`);
  // A backlog of un-pruned records (retention was off, then turned on): the first open prunes it.
  // BENCH_STORE_BACKLOG sets its size (docs/PERFORMANCE.md has 1,000,000: about 3 minutes, 5 GB).
  const override = Number(process.env['BENCH_STORE_BACKLOG'] ?? '');
  const b = Number.isInteger(override) && override > 0 ? override : quick ? 30_000 : 200_000;
  const backlog = path.join(tmp, 'store-backlog');
  await writeBulkStore(backlog, b);
  const before = await dirSize(backlog);
  const prune = await openTimed(backlog);
  const after = await dirSize(backlog);
  progress(`${S}: backlog of ${b} un-pruned executions (${(before / 2 ** 20).toFixed(0)} MiB): first open ${(prune.ms / 1000).toFixed(1)} s → ${(after / 2 ** 20).toFixed(1)} MiB`);
  return {
    figures: [
      { section: S, name: 'knowledge store after 1M executions, retention on: size on disk', value: size / 2 ** 20, unit: 'MiB', note: `${reopen.kept} executions and as many outcomes kept (maxExecutions ${DEFAULT_RETENTION.maxExecutions})` },
      { section: S, name: 'knowledge store after 1M executions, retention on: open time', value: reopen.ms, unit: 'ms', note: `first open (retention + compaction of the ${DEFAULT_RETENTION.retainEvery} extra) ${first.ms.toFixed(0)} ms` },
      { section: S, name: `knowledge store: first open of a ${b.toLocaleString('en')}-execution backlog (prune + compact)`, value: prune.ms, unit: 'ms', note: `${(before / 2 ** 20).toFixed(0)} MiB → ${(after / 2 ** 20).toFixed(1)} MiB` },
    ],
    extra: { executions: n, onDisk, sizeBytes: size, firstOpenMs: first.ms, openMs: reopen.ms, kept: reopen.kept, backlog: b, backlogBytes: before, backlogAfterBytes: after, backlogOpenMs: prune.ms },
  };
}

export const footprintSection: Section = {
  name: 'footprint',
  title: 'Footprint: RSS and CPU of mapek run idle and loaded; knowledge store after 1M executions',
  async run(ctx): Promise<SectionResult> {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'mapek-bench-fp-'));
    try {
      const figures: Figure[] = [...(await idle(ctx.quick, tmp))];
      const l = await loaded(ctx.quick, tmp);
      figures.push(...l.figures);
      const s = await store(ctx.quick, tmp);
      figures.push(...s.figures);
      return { figures, extra: { loaded: l.extra, store: s.extra } };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  },
};

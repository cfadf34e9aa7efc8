/**
 * 5. Footprint of `mapek run` as a child process (RSS and CPU from /proc):
 *  - idle: the reference Charter only, no alerts, the default 30 s interval;
 *  - loaded: a real Prometheus scraping 10,000 synthetic Charter series (bench/lib/exporter.ts;
 *    no alert rules, so the alert count stays exact) and a real Alertmanager holding 1,000
 *    active alerts posted through its API; a cycle every 5 s in dry-run (plan and record,
 *    never write: 1,000 subjects do not exist in the reference Charter);
 *  - the knowledge store after one million recorded executions (and outcomes) written in
 *    bulk into the nedb files: the first open (load, retention, compaction) and the steady
 *    state after it (size on disk, open time).
 */
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startCharter } from '../../src/charter/index.js';
import { AlertmanagerClient } from '../../src/integration/alertmanager.js';
import { NedbKnowledgeStore } from '../../src/knowledge/index.js';
import { startAlertmanager, startPrometheus } from '../../test/support/stack.js';
import { startWebhookListener } from '../../test/support/webhook-listener.js';
import { writeBulkStore } from '../lib/bulk-store.js';
import { footprint, startMapekRun } from '../lib/child.js';
import { startExporter } from '../lib/exporter.js';
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
  const alerts = 1000;
  const series = 10_000;
  const charter = await startCharter({ port: 0 });
  const exporter = await startExporter(series);
  const sink = await startWebhookListener();
  const rules = path.join(tmp, 'no-rules.yml');
  await writeFile(rules, 'groups: []\n');
  const am = await startAlertmanager({ webhookUrl: sink.url });
  const prom = await startPrometheus({ charterUrl: exporter.url, alertmanagerUrl: am.url, rulesFile: rules });
  let svc: Awaited<ReturnType<typeof startMapekRun>> | undefined;
  try {
    const api = new AlertmanagerClient({ baseUrl: am.url, timeoutMs: 10_000, retries: 0 });
    const startsAt = new Date().toISOString();
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    const batch = Array.from({ length: alerts }, (_, i) => ({ labels: { alertname: 'CriticalViolationDetected', severity: 'critical', team: 'policy', policy_id: `p-${i}` }, startsAt, endsAt }));
    await api.postAlerts(batch);
    // Wait until Prometheus holds every series.
    for (let i = 0; i < 100; i++) {
      const r = await get(`${prom.url}/api/v1/query?query=${encodeURIComponent('count({__name__=~"westworld_charter_.*"})')}`);
      const v = Number((JSON.parse(r.body) as { data?: { result?: { value?: [number, string] }[] } }).data?.result?.[0]?.value?.[1] ?? 0);
      if (v >= series) break;
      await sleep(500);
    }
    const held = (await api.alerts({ active: true })).length;
    svc = await startMapekRun([
      '--charter-url', charter.url, '--prometheus-url', prom.url, '--alertmanager-url', am.url,
      '--knowledge-dir', path.join(tmp, 'loaded'), '--interval', '5', '--dry-run', '--log-level', 'warn',
    ]);
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
    await prom.stop();
    await am.stop();
    await sink.close();
    await exporter.close();
    await charter.close();
  }
}

async function store(quick: boolean, tmp: string): Promise<{ figures: Figure[]; extra: Record<string, unknown> }> {
  // BENCH_STORE_RECORDS overrides the count (e.g. to measure a slow store at a smaller size).
  const override = Number(process.env['BENCH_STORE_RECORDS'] ?? '');
  const n = Number.isInteger(override) && override > 0 ? override : quick ? 50_000 : 1_000_000;
  const dir = path.join(tmp, 'store');
  const t0 = performance.now();
  await writeBulkStore(dir, n);
  const before = await dirSize(dir);
  progress(`${S}: wrote ${n} executions + ${n} outcomes in bulk (${(before / 2 ** 20).toFixed(0)} MiB) in ${((performance.now() - t0) / 1000).toFixed(1)} s; opening`);
  const t1 = performance.now();
  const s1 = await NedbKnowledgeStore.open(dir);
  const firstOpen = performance.now() - t1;
  await s1.close();
  const after = await dirSize(dir);
  const t2 = performance.now();
  const s2 = await NedbKnowledgeStore.open(dir);
  const steadyOpen = performance.now() - t2;
  const kept = (await s2.findExecutions({})).length;
  await s2.close();
  progress(`${S}: first open ${(firstOpen / 1000).toFixed(1)} s → ${(after / 2 ** 20).toFixed(1)} MiB, ${kept} executions kept; reopen ${steadyOpen.toFixed(0)} ms`);
  const label = n === 1_000_000 ? '1M' : `${n / 1000}k`;
  return {
    figures: [
      { section: S, name: `knowledge store after ${label} executions: size on disk (compacted)`, value: after / 2 ** 20, unit: 'MiB', baseline: before / 2 ** 20, note: `${kept} executions kept (retention); baseline = the files before retention` },
      { section: S, name: `knowledge store after ${label} executions: open time (steady state)`, value: steadyOpen, unit: 'ms' },
      { section: S, name: `knowledge store: first open of ${label} un-pruned records (load + retention + compaction)`, value: firstOpen, unit: 'ms' },
    ],
    extra: { records: n, bytesBefore: before, bytesAfter: after, firstOpenMs: firstOpen, steadyOpenMs: steadyOpen, kept },
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

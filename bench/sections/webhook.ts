/**
 * 2. Webhook to action: the `mapek run` composition in process against the reference
 * Charter and a real Alertmanager on loopback. Per incident: the alert is put into
 * Alertmanager (as Prometheus would), then its v4 webhook is posted to the service; the
 * time runs from just before the post until the service's Charter client has Charter's
 * answer to the remediation write (so Charter has received it: an upper bound). The cycle
 * in between is the real one: observe (Alertmanager, Charter violations and /metrics) →
 * plan → execute (read, write) → record in the knowledge store. Run twice: with the journal
 * fdatasync'ed (as in production: "durable when the promise resolves"), then with the
 * store's fsync off, so that the cost of durability is a figure of its own; then with the
 * PostgreSQL store (a real server in a temporary directory, default fsync and
 * synchronous_commit) and the service a replica elected leader, its writes fenced by the lease,
 * as `mapek run --store-url` runs it.
 */
import { SEED_COMMITTEES, startCharter } from '../../src/charter/index.js';
import { AlertmanagerClient } from '../../src/integration/alertmanager.js';
import { DEFAULT_RETENTION } from '../../src/knowledge/index.js';
import type { CycleReport } from '../../src/loop/cycle.js';
import { startAlertmanager } from '../../test/support/stack.js';
import { startPostgres } from '../../test/support/postgres.js';
import { startWebhookListener } from '../../test/support/webhook-listener.js';
import { median, percentile, progress, type Figure } from '../lib/report.js';
import type { Section, SectionResult } from '../lib/section.js';
import { sleep } from '../lib/section.js';
import { startBenchService } from '../lib/service-harness.js';
import { post, webhookBody } from '../lib/webhook.js';
import { longestGapWithin, overlapsAny, watchLoopGaps } from '../lib/loop-gaps.js';

const S = '2 webhook→action';

interface Run {
  readonly latencies: number[];
  readonly logLatencies: number[];
  readonly phases: Record<string, number>[];
  readonly retains: { start: number; end: number }[];
  readonly windows: { start: number; end: number }[];
  readonly timeouts: number;
  /** Event-loop gaps over 5 ms while the series ran ([start, end], performance.now()). */
  readonly gaps: readonly (readonly [number, number])[];
}

type Charter = Awaited<ReturnType<typeof startCharter>>;

/** One series of incidents against a fresh service and store; `first` numbers the incidents (labels differ per run). */
async function measure(charter: Charter, amUrl: string, incidents: number, first: number, o: { fsync: boolean; prefill?: number; storeUrl?: string }): Promise<Run> {
  const warmup = 5;
  const { fsync } = o;
  const label = o.storeUrl !== undefined ? 'PostgreSQL, fenced' : o.prefill !== undefined ? `store holding ${o.prefill} executions` : fsync ? 'journal fsynced' : 'journal NOT fsynced';
  let waiter: ((at: number) => void) | undefined;
  const phases: Record<string, number>[] = [];
  let lastCycle: CycleReport | undefined;
  const retains: { start: number; end: number }[] = [];
  const windows: { start: number; end: number }[] = [];
  const svc = await startBenchService({
    charterUrl: charter.url,
    alertmanagerUrl: amUrl,
    fsync,
    onWrite: (method, at) => {
      if (method === 'putCommittee') waiter?.(at);
    },
    onCycle: (r) => (lastCycle = r),
    onRetain: (start, end) => retains.push({ start, end }),
    ...(o.prefill !== undefined ? { prefill: o.prefill } : {}),
    ...(o.storeUrl !== undefined ? { storeUrl: o.storeUrl } : {}),
  });
  // The service's startup cycle must be over before the first alert exists: otherwise it
  // may see that alert and act before the incident's clock (and its waiter) starts.
  await svc.service.controller.idle();
  const loop = watchLoopGaps();
  const amApi = new AlertmanagerClient({ baseUrl: amUrl, timeoutMs: 5_000, retries: 0 });
  const latencies: number[] = [];
  const logLatencies: number[] = [];
  let timeouts = 0;
  try {
    for (let k = 0; k < incidents + warmup; k++) {
      const i = first + k;
      const committee = SEED_COMMITTEES[i % SEED_COMMITTEES.length]?.id ?? 'committee-safety';
      const startsAt = new Date(Date.now() - 1000).toISOString();
      const labels = { alertname: 'CommitteeOverloaded', severity: 'warning', team: 'platform', committee_id: committee, incident: String(i) };
      // scale_committee never raises capacity above 64: start each incident from the seed's capacity.
      charter.world.setCommittee(committee, { capacity: SEED_COMMITTEES[i % SEED_COMMITTEES.length]?.capacity ?? 4 });
      await amApi.postAlerts([{ labels, startsAt }]);
      const body = webhookBody([{ labels, startsAt, fingerprint: `c${i.toString(16).padStart(15, '0')}` }]);
      await svc.service.controller.idle();
      const written = new Promise<number>((resolve, reject) => {
        // The first write of a fresh service (cold JIT, Charter's first answers) can take seconds.
        const t = setTimeout(() => reject(new Error('timeout')), 10_000);
        waiter = (at) => {
          clearTimeout(t);
          resolve(at);
        };
      });
      const wallBefore = Date.now();
      const t0 = performance.now();
      const r = await post(svc.webhookUrl, body, svc.token);
      if (r.status !== 202) throw new Error(`webhook answered ${r.status}: ${r.body}`);
      try {
        const at = await written;
        if (k >= warmup) {
          latencies.push(at - t0);
          windows.push({ start: t0, end: at });
          const w = charter.writes.list().filter((x) => x.method === 'PUT' && x.path.includes(committee)).pop();
          if (w) logLatencies.push(Date.parse(w.at) - wallBefore);
        }
      } catch {
        if (k >= warmup) timeouts++;
        await svc.service.controller.idle();
        const r = lastCycle;
        progress(`${S} (${label}): ${k < warmup ? 'warm-up ' : ''}incident ${i}: no write within 10 s; last cycle ${r?.cycleId} [${r?.triggers.join(',')}] alerts=${r?.snapshot?.alerts.map((a) => `${a.name}:${a.labels['committee_id'] ?? ''}:${a.state}`).join(' ')} chosen=${r?.decisions.flatMap((d) => d.chosen.map((c) => c.ruleId)).join(',')} exec=${r?.executions.map((x) => `${x.status}${x.guard ? `/${x.guard}` : ''}${x.error ? `/${x.error}` : ''}`).join(',')}`);
      }
      waiter = undefined;
      await svc.service.controller.idle();
      if (k >= warmup && lastCycle) phases.push({ ...lastCycle.durationsMs } as Record<string, number>);
      await amApi.postAlerts([{ labels, startsAt, endsAt: new Date().toISOString() }]);
      if ((k + 1) % 50 === 0) progress(`${S} (${label}): ${k + 1}/${incidents + warmup} incidents, p50 so far ${median(latencies).toFixed(1)} ms`);
      await sleep(5);
    }
  } finally {
    loop.stop();
    await svc.stop();
  }
  return { latencies, logLatencies, phases, retains, windows, timeouts, gaps: loop.gaps };
}

/** The median of one cycle phase's duration over a series' incidents. */
function phaseMedian(phases: readonly Record<string, number>[], k: string): number {
  return median(phases.map((p) => p[k] ?? NaN).filter((x) => Number.isFinite(x)));
}

export const webhookSection: Section = {
  name: 'webhook',
  title: 'Webhook to action: webhook arriving → Charter receiving the remediation write (journal fsynced, and not, for the cost; PostgreSQL)',
  async run(ctx): Promise<SectionResult> {
    const incidents = ctx.quick ? 40 : 220;
    const charter = await startCharter({ port: 0 });
    const sink = await startWebhookListener(); // Alertmanager's own notifications go here, not to the service
    const am = await startAlertmanager({ webhookUrl: sink.url });
    let synced: Run;
    let unsynced: Run;
    let full: Run;
    let postgres: Run;
    const pg = await startPostgres();
    try {
      synced = await measure(charter, am.url, incidents, 0, { fsync: true });
      // The same path with the store's fdatasync off: only to show what durability costs.
      unsynced = await measure(charter, am.url, incidents, 100_000, { fsync: false });
      // A store at its retention limit: every 500 writes a pass is due after a cycle and runs
      // while the next incidents arrive (the loop waits for the cycle, never for retention).
      full = await measure(charter, am.url, ctx.quick ? 300 : 1500, 200_000, { fsync: true, prefill: DEFAULT_RETENTION.maxExecutions });
      // The shared store: every intent and transition a fenced statement on PostgreSQL.
      postgres = await measure(charter, am.url, incidents, 300_000, { fsync: true, storeUrl: await pg.createDatabase('bench_webhook') });
    } finally {
      await pg.stop();
      await am.stop();
      await sink.close();
      await charter.close();
    }
    const { latencies, logLatencies, phases, retains, windows, timeouts } = synced;
    // Which incidents had a knowledge-store retention pass inside their measured window.
    const withRetain = windows.map((w) => overlapsAny(w.start, w.end, retains));
    const clean = latencies.filter((_, k) => !withRetain[k]).sort((a, b) => a - b);
    const retainMs = retains.map((r) => r.end - r.start);
    const sorted = [...latencies].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    const off = [...unsynced.latencies].sort((a, b) => a - b);
    const offP50 = percentile(off, 50);
    const offP99 = percentile(off, 99);
    const phase = (k: string, ps: readonly Record<string, number>[] = phases): number => phaseMedian(ps, k);
    progress(`${S}: journal fsynced: ${latencies.length} incidents, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${timeouts} timeouts; phases monitor ${phase('monitor').toFixed(1)} plan ${phase('plan').toFixed(2)} execute ${phase('execute').toFixed(1)} record ${phase('record').toFixed(1)} ms`);
    progress(`${S}: journal NOT fsynced: ${off.length} incidents, p50 ${offP50.toFixed(1)} ms, p99 ${offP99.toFixed(1)} ms, ${unsynced.timeouts} timeouts; execute ${phase('execute', unsynced.phases).toFixed(1)} record ${phase('record', unsynced.phases).toFixed(1)} ms`);
    const figures: Figure[] = [
      { section: S, name: `p50 over ${latencies.length} incidents (journal fsynced)`, value: p50, unit: 'ms', note: `Charter write log (ms clock) p50 ${median(logLatencies).toFixed(0)} ms` },
      { section: S, name: `p99 over ${latencies.length} incidents (journal fsynced)`, value: p99, unit: 'ms', target: '< 50 ms', met: p99 < 50 && timeouts === 0, note: `max ${sorted[sorted.length - 1]?.toFixed(1)} ms; ${timeouts} without a write` },
      { section: S, name: `p50 over ${off.length} incidents, journal NOT fsynced (comparison only)`, value: offP50, unit: 'ms', note: `fsync adds ${(p50 - offP50).toFixed(1)} ms at p50` },
      { section: S, name: `p99 over ${off.length} incidents, journal NOT fsynced (comparison only)`, value: offP99, unit: 'ms', note: `fsync adds ${(p99 - offP99).toFixed(1)} ms at p99; max ${off[off.length - 1]?.toFixed(1)} ms; ${unsynced.timeouts} without a write` },
      { section: S, name: `p99 without the ${withRetain.filter(Boolean).length} incidents that ran a store retention pass`, value: percentile(clean, 99), unit: 'ms', note: `${retains.length} retention passes (every ${DEFAULT_RETENTION.retainEvery} store writes, after a cycle): ${retainMs.map((x) => x.toFixed(0)).join(', ')} ms` },
      { section: S, name: 'cycle phases (median): monitor / plan / execute', value: phase('monitor'), unit: 'ms', note: `monitor ${phase('monitor').toFixed(1)} ms, plan ${phase('plan').toFixed(2)} ms, execute ${phase('execute').toFixed(1)} ms (incl. record of decision/intent), record ${phase('record').toFixed(1)} ms; not fsynced: execute ${phase('execute', unsynced.phases).toFixed(1)} ms, record ${phase('record', unsynced.phases).toFixed(1)} ms` },
    ];
    const retention = retentionFigures(full, p50);
    figures.push(...retention.figures, ...postgresFigures(postgres, p50, p99));
    return {
      figures,
      extra: { postgres: { latenciesMs: postgres.latencies, phases: postgres.phases, timeouts: postgres.timeouts }, full: { retains: full.retains, latenciesMs: full.latencies, windows: full.windows, longestGapMs: retention.longestGapMs }, retainMs, withRetain, latenciesMs: latencies, writeLogLatenciesMs: logLatencies, phases, timeouts, unsynced: { latenciesMs: unsynced.latencies, phases: unsynced.phases, timeouts: unsynced.timeouts } },
    };
  },
};

/** The series with a full store: what retention costs the incidents that arrive during a pass. */
function retentionFigures(full: Run, cleanP50: number): { figures: Figure[]; longestGapMs: number } {
  const during = full.windows.flatMap((w, k) => (overlapsAny(w.start, w.end, full.retains) ? [full.latencies[k] ?? NaN] : [])).sort((a, b) => a - b);
  const passMs = full.retains.map((r) => r.end - r.start);
  const gap = longestGapWithin(full.gaps, full.retains);
  const outside = longestGapWithin(full.gaps, full.retains, true);
  progress(`${S}: store at ${DEFAULT_RETENTION.maxExecutions} executions: ${full.retains.length} retention passes (${passMs.map((x) => x.toFixed(0)).join(', ')} ms), ${during.length} incidents arrived during one (p50 ${median(during).toFixed(1)} ms, max ${(during[during.length - 1] ?? NaN).toFixed(1)} ms); longest event-loop hold during a pass ${gap.toFixed(1)} ms; ${full.timeouts} timeouts`);
  const figures: Figure[] = [
    { section: S, name: `longest event-loop hold during a retention pass (store at ${DEFAULT_RETENTION.maxExecutions} executions, ${full.retains.length} passes)`, value: gap, unit: 'ms', baseline: outside, target: '≤ 50 ms', met: full.retains.length > 0 && gap <= 50, note: `baseline: the longest hold outside passes (cycles, the bench's own work); gap between 1 ms timer ticks in the service's process overlapping a pass (an upper bound: cycle work in the same stretch counts too); passes took ${passMs.map((x) => x.toFixed(0)).join(', ')} ms in all, in slices of ${DEFAULT_RETENTION.sliceDocs}` },
    { section: S, name: `webhook→write of the ${during.length} incidents that arrived during a retention pass: p50 / max`, value: median(during), unit: 'ms', baseline: cleanP50, note: `max ${(during[during.length - 1] ?? NaN).toFixed(1)} ms; baseline: p50 of the fsynced series with an empty store; ${full.latencies.length} incidents in the series, ${full.timeouts} without a write` },
  ];
  return { figures, longestGapMs: gap };
}

/** The series on the PostgreSQL store, next to the journal's (same incidents, same run). */
function postgresFigures(run: Run, journalP50: number, journalP99: number): Figure[] {
  const sorted = [...run.latencies].sort((a, b) => a - b);
  const p50 = percentile(sorted, 50);
  const p99 = percentile(sorted, 99);
  const phase = (k: string): number => phaseMedian(run.phases, k);
  progress(`${S}: PostgreSQL, fenced: ${sorted.length} incidents, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${run.timeouts} timeouts; execute ${phase('execute').toFixed(1)} record ${phase('record').toFixed(1)} ms`);
  return [
    { section: S, name: `p50 over ${sorted.length} incidents (PostgreSQL store, fenced by the lease)`, value: p50, unit: 'ms', baseline: journalP50, note: `baseline: the journal's p50 in this run; execute ${phase('execute').toFixed(1)} ms, record ${phase('record').toFixed(1)} ms (median); a local server, default fsync and synchronous_commit` },
    { section: S, name: `p99 over ${sorted.length} incidents (PostgreSQL store, fenced by the lease)`, value: p99, unit: 'ms', baseline: journalP99, target: '< 50 ms', met: p99 < 50 && run.timeouts === 0, note: `baseline: the journal's p99 in this run; max ${sorted[sorted.length - 1]?.toFixed(1)} ms; ${run.timeouts} without a write` },
  ];
}

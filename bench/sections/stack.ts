/**
 * 3. Detection to remediation on the real stack: the reference Charter, Prometheus (1 s
 * scrape and evaluation) and Alertmanager (group_wait 0s) from test/support/stack.ts, the
 * `mapek run` composition in process as the webhook receiver. Per incident a
 * committee_overload fault is injected; three times are taken on the same incident:
 * the fault injected, the webhook accepted by the service (the floor: what the stack
 * itself needs — Charter's gauge → scrape → rule evaluation → Alertmanager → webhook), and
 * the remediation write answered by Charter. The planning note's design (poll every 30 s,
 * no webhook) is computed from the same incidents: the alert is first visible to a poll at
 * the floor, and a 30 s poll finds it after a further uniform 0–30 s wait.
 */
import { SEED_COMMITTEES, startCharter } from '../../src/charter/index.js';
import { AlertmanagerClient } from '../../src/integration/alertmanager.js';
import type { IncomingMessage, Server } from 'node:http';
import type { CycleReport } from '../../src/loop/cycle.js';
import { startStack } from '../../test/support/stack.js';
import { median, percentile, progress, type Figure } from '../lib/report.js';
import type { Section, SectionResult } from '../lib/section.js';
import { sleep } from '../lib/section.js';
import { startBenchService } from '../lib/service-harness.js';

const S = '3 detection→remediation';

interface Sample {
  readonly floorMs: number;
  readonly remediateMs: number;
  readonly afterWebhookMs: number;
}

async function waitFor(pred: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await pred()) return true;
    await sleep(50);
  }
  return false;
}

export const stackSection: Section = {
  name: 'stack',
  title: 'Detection to remediation on the real Prometheus + Alertmanager, next to the stack floor',
  async run(ctx): Promise<SectionResult> {
    const incidents = ctx.quick ? 5 : 24;
    const charter = await startCharter({ port: 0, tickMs: 250 });
    let onWrite: ((at: number) => void) | undefined;
    let onWebhook: ((at: number, committee: string) => void) | undefined;
    let lastCycle: CycleReport | undefined;
    const misses: string[] = [];
    // The service must listen before Alertmanager starts; the stack URLs are only known after.
    const boot = await startBenchService({ charterUrl: charter.url, onWrite: () => undefined });
    const hookUrl = boot.webhookUrl;
    await boot.stop();
    const port = Number(new URL(hookUrl).port);
    const stack = await startStack({ charterUrl: charter.url, webhookUrl: hookUrl, webhookToken: `bench-${process.pid}` });
    const svc = await startBenchService({
      charterUrl: charter.url,
      alertmanagerUrl: stack.alertmanagerUrl,
      prometheusUrl: stack.prometheusUrl,
      listenPort: port,
      onWrite: (method, at) => {
        if (method === 'putCommittee') onWrite?.(at);
      },
      onCycle: (r: CycleReport) => {
        lastCycle = r;
        if (process.env['BENCH_DEBUG']) debugCycle(r);
      },
    });
    const debugCycle = (r: CycleReport): void => progress(`cycle ${r.cycleId} [${r.triggers.join(',')}] ${r.status} alerts=${r.snapshot?.alerts.filter((a) => a.state === 'firing').map((a) => `${a.name}:${a.labels['committee_id'] ?? ''}`).join(' ')} chosen=${r.decisions.flatMap((d) => d.chosen.map((c) => c.ruleId)).join(',')} exec=${r.executions.map((x) => `${x.status}${x.guard ? `/${x.guard}` : ''}`).join(',')} ${JSON.stringify(r.durationsMs)}`);
    const ctl = svc.service.controller;
    // Instrument at the loopback boundary: the time the whole body of a webhook carrying a
    // firing CommitteeOverloaded alert has arrived (what a bare listener would record).
    const server = (svc.service as unknown as { server?: Server }).server;
    if (server === undefined) throw new Error('service has no HTTP server');
    server.prependListener('request', (req: IncomingMessage) => {
      if (req.method !== 'POST') return;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = performance.now();
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alerts?: { status?: string; labels?: Record<string, string> }[] };
          for (const a of body.alerts ?? []) {
            if (a.status === 'firing' && a.labels?.['alertname'] === 'CommitteeOverloaded') onWebhook?.(at, a.labels['committee_id'] ?? '');
          }
        } catch {
          // not ours to judge; the service answers it
        }
      });
    });
    const am = new AlertmanagerClient({ baseUrl: stack.alertmanagerUrl, timeoutMs: 5_000, retries: 0 });
    const overloaded = async (committee: string): Promise<boolean> =>
      (await am.alerts({ filter: ['alertname="CommitteeOverloaded"', `committee_id="${committee}"`] })).some((a) => a.state === 'firing');
    const samples: Sample[] = [];
    let missed = 0;
    try {
      // Let Prometheus have a few scrapes before the first fault.
      await sleep(3_000);
      for (let i = 0; i < incidents; i++) {
        const committee = SEED_COMMITTEES[i % SEED_COMMITTEES.length]?.id ?? 'committee-safety';
        if (!(await waitFor(async () => !(await overloaded(committee)), 30_000))) throw new Error(`CommitteeOverloaded for ${committee} did not resolve within 30 s`);
        let webhookAt: number | undefined;
        let writeAt: number | undefined;
        onWebhook = (at, c) => {
          if (c === committee) webhookAt ??= at;
        };
        onWrite = (at) => (writeAt ??= at);
        await ctl.idle();
        webhookAt = undefined;
        writeAt = undefined;
        // Every incident starts from the seeded capacity: scale_committee raises it, and a
        // larger capacity takes longer to overflow (a drifting floor).
        charter.world.setCommittee(committee, { capacity: SEED_COMMITTEES[i % SEED_COMMITTEES.length]?.capacity ?? 4 });
        const t0 = performance.now();
        const fault = charter.faults.inject('committee_overload', committee);
        const done = await waitFor(() => writeAt !== undefined, 20_000);
        onWebhook = undefined;
        onWrite = undefined;
        if (done && webhookAt !== undefined && writeAt !== undefined) {
          samples.push({ floorMs: webhookAt - t0, remediateMs: writeAt - t0, afterWebhookMs: writeAt - webhookAt });
          progress(`${S}: incident ${i + 1}/${incidents}: webhook ${(webhookAt - t0).toFixed(0)} ms, remediation ${(writeAt - t0).toFixed(0)} ms after the fault`);
        } else {
          missed++;
          const r = lastCycle;
          const why = `webhook ${webhookAt === undefined ? 'not received' : `after ${(webhookAt - t0).toFixed(0)} ms`}; last cycle [${r?.triggers.join(',')}] alerts=${r?.snapshot?.alerts.filter((a) => a.name === 'CommitteeOverloaded').map((a) => `${a.labels['committee_id'] ?? ''}@${a.startsAt}`).join(' ')} exec=${r?.executions.map((x) => `${x.status}${x.guard ? `/${x.guard}` : ''} ${x.key}`).join(',')}`;
          misses.push(why);
          progress(`${S}: incident ${i + 1}/${incidents}: no remediation within 20 s: ${why}`);
        }
        if (charter.faults.get(fault.id)?.state === 'active') charter.faults.clear(fault.id);
      }
    } finally {
      await svc.stop();
      await stack.stop();
      await charter.close();
    }
    const sorted = (k: keyof Sample): number[] => samples.map((s) => s[k]).sort((a, b) => a - b);
    const floorMed = median(sorted('floorMs'));
    const remMed = median(sorted('remediateMs'));
    const floorP95 = percentile(sorted('floorMs'), 95);
    const remP95 = percentile(sorted('remediateMs'), 95);
    const within = remMed <= floorMed * 1.1;
    const figures: Figure[] = [
      { section: S, name: `fault → remediation applied, median (${samples.length} incidents)`, value: remMed, unit: 'ms', baseline: floorMed, target: '≤ floor + 10%', met: within && missed === 0, note: `${((remMed / floorMed - 1) * 100).toFixed(1)}% above the floor; ${missed} of ${incidents} incidents without a remediation write in 20 s${misses[0] ? ` (${misses[0]})` : ''}` },
      { section: S, name: 'fault → remediation applied, p95', value: remP95, unit: 'ms', baseline: floorP95, target: '≤ floor + 10%', met: remP95 <= floorP95 * 1.1 },
      { section: S, name: 'floor: fault → webhook delivered (same incidents), median', value: floorMed, unit: 'ms', note: `p95 ${floorP95.toFixed(0)} ms` },
      { section: S, name: 'controller share: webhook → write, median', value: median(sorted('afterWebhookMs')), unit: 'ms', note: `p95 ${percentile(sorted('afterWebhookMs'), 95).toFixed(1)} ms` },
      { section: S, name: 'planning-note design (30 s poll, no webhook), median', value: floorMed + 15_000, unit: 'ms', baseline: floorMed, note: 'computed: floor + U(0, 30 s) poll wait (+ the same cycle time)' },
      { section: S, name: 'planning-note design (30 s poll, no webhook), p95', value: floorP95 + 28_500, unit: 'ms', baseline: floorP95, note: 'computed: floor p95 + 95th percentile of U(0, 30 s)' },
    ];
    return { figures, extra: { samples, missed, misses } };
  },
};

/**
 * 6. Webhook ingestion: `mapek run` (child process) against the reference Charter; 32
 * keep-alive connections post Alertmanager v4 webhooks for a bounded time (20 s, 5 s with
 * --quick). One new alert per post; every tenth post re-sends a recent one, as
 * Alertmanager's at-least-once delivery does. Afterwards the 202 bodies and the service's
 * mapek_webhooks_total counters must account for every alert exactly once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startCharter } from '../../src/charter/index.js';
import { footprint, startMapekRun } from '../lib/child.js';
import { progress, type Figure } from '../lib/report.js';
import type { Section, SectionResult } from '../lib/section.js';
import { get, metricValue, post, webhookBody } from '../lib/webhook.js';

const S = '6 webhook ingestion';

export const ingestSection: Section = {
  name: 'ingest',
  title: 'Webhook ingestion: sustained posts per second, nothing lost or counted twice',
  async run(ctx): Promise<SectionResult> {
    const seconds = ctx.quick ? 5 : 20;
    const concurrency = 32;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-bench-ingest-'));
    const charter = await startCharter({ port: 0 });
    const svc = await startMapekRun(['--charter-url', charter.url, '--knowledge-dir', path.join(dir, 'knowledge'), '--interval', '3600', '--log-level', 'warn']);
    try {
      const hook = `${svc.url}/api/v1/alerts/webhook`;
      const start = Date.now();
      const sent: string[] = [];
      let fresh = 0;
      let dups = 0;
      let accepted = 0;
      let duplicates = 0;
      let bad = 0;
      let n = 0;
      const end = performance.now() + seconds * 1000;
      const cpu = footprint(svc.child.pid ?? 0, seconds * 1000);
      const worker = async (): Promise<void> => {
        while (performance.now() < end) {
          const i = n++;
          let body: string;
          let dup = false;
          if (i % 10 === 9 && sent.length > 0) {
            body = sent[sent.length - 1 - (i % Math.min(50, sent.length))] ?? '';
            dup = true;
          } else {
            const startsAt = new Date(start + i).toISOString();
            body = webhookBody([{ labels: { alertname: 'CriticalViolationDetected', severity: 'critical', policy_id: `p-${i % 500}`, seq: String(i) }, startsAt, fingerprint: `b${i.toString(16).padStart(15, '0')}` }]);
            sent.push(body);
          }
          const r = await post(hook, body, svc.token);
          if (r.status !== 202) {
            bad++;
            continue;
          }
          const b = JSON.parse(r.body) as { accepted: number; duplicates: number };
          accepted += b.accepted;
          duplicates += b.duplicates;
          if (dup) dups++;
          else fresh++;
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      const elapsed = seconds;
      const load = await cpu;
      const metrics = (await get(`${svc.url}/metrics`)).body;
      const mAccepted = metricValue(metrics, 'mapek_webhooks_total', { result: 'accepted' });
      const mDuplicate = metricValue(metrics, 'mapek_webhooks_total', { result: 'duplicate' });
      const cycles = metricValue(metrics, 'mapek_cycles_total');
      const exact = bad === 0 && accepted === fresh && duplicates === dups && mAccepted === fresh && mDuplicate === dups;
      const rate = (fresh + dups) / elapsed;
      progress(`${S}: ${fresh + dups} posts in ${elapsed} s (${rate.toFixed(0)}/s); fresh ${fresh} → accepted ${accepted} (metric ${mAccepted}); resent ${dups} → duplicates ${duplicates} (metric ${mDuplicate}); non-202 ${bad}; ${cycles} cycles`);
      const figures: Figure[] = [
        { section: S, name: `sustained posts per second (${concurrency} connections, ${elapsed} s)`, value: rate, unit: '/s', note: `service CPU ${load.cpuPercent.toFixed(0)}% of a core, RSS ${load.rssMaxMiB.toFixed(0)} MiB; ${cycles} cycles (triggers coalesced)` },
        { section: S, name: 'alerts lost or counted twice', value: exact ? 0 : Math.abs(accepted - fresh) + Math.abs(duplicates - dups) + bad + Math.abs(mAccepted - fresh) + Math.abs(mDuplicate - dups), unit: '', target: '0', met: exact, note: `${fresh} new, ${dups} re-sent` },
      ];
      return { figures, extra: { seconds: elapsed, concurrency, fresh, dups, accepted, duplicates, bad, metricAccepted: mAccepted, metricDuplicate: mDuplicate, cycles, cpuPercent: load.cpuPercent, rssMaxMiB: load.rssMaxMiB } };
    } finally {
      await svc.stop();
      await charter.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

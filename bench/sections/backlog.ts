/**
 * 13. A store holding a million executions (issue #13): the journal files next to PostgreSQL.
 * The same backlog in each — n executions, n outcomes, n decisions, as a service leaves them
 * when retention was off (bench/lib/bulk-store.ts, bulk-postgres.ts) — then `mapek run` as a
 * child process on it (the reference Charter, no alerts, a cycle a second):
 *  - open: spawn → /readyz 200, and the largest RSS while it starts (sampled every 100 ms);
 *  - memory: RSS 10 s after it is ready;
 *  - recentDecisions(100): GET /api/v1/decisions?limit=100 on the running service (the
 *    console's and the API's read), p50/p99 over 50 requests; for PostgreSQL also the store
 *    call itself in this process.
 * The journal store loads every record into memory and its first open prunes the backlog to
 * the retention limits; the PostgreSQL store reads rows on demand and prunes in a background
 * pass. BENCH_BACKLOG sets n (default 1,000,000; --quick 30,000).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startCharter } from '../../src/charter/index.js';
import { DEFAULT_RETENTION, PostgresKnowledgeStore } from '../../src/knowledge/index.js';
import { startPostgres } from '../../test/support/postgres.js';
import { fillPostgresStore } from '../lib/bulk-postgres.js';
import { writeBulkStore } from '../lib/bulk-store.js';
import { rssMiB, startMapekRun } from '../lib/child.js';
import { percentile, progress, type Figure } from '../lib/report.js';
import type { Section, SectionResult } from '../lib/section.js';
import { sleep } from '../lib/section.js';
import { get } from '../lib/webhook.js';

const S = '13 backlog';

interface ServiceFigures {
  readonly readyMs: number;
  readonly startRssMaxMiB: number;
  readonly rssMiB: number;
  /** ms per GET /api/v1/decisions?limit=100, sorted. */
  readonly decisionsMs: readonly number[];
  /** How many decisions the answers held (100 when the store has them). */
  readonly decisionsReturned: number;
}

/** `mapek run` on a store: time to ready, its memory, and the decisions API's latency. */
async function serviceOn(store: readonly string[], charterUrl: string, n: number): Promise<ServiceFigures> {
  let peak = 0;
  let sampling = true;
  const t0 = performance.now();
  const sampler = (pid: number): void => {
    const tick = async (): Promise<void> => {
      while (sampling) {
        peak = Math.max(peak, await rssMiB(pid).catch(() => 0));
        await sleep(100);
      }
    };
    void tick();
  };
  // The journal store's first open of a backlog takes minutes at a million records.
  const svc = await startMapekRun(['--charter-url', charterUrl, '--interval', '1', '--log-level', 'warn', ...store], {}, { readyTimeoutMs: Math.max(60_000, n / 2), onSpawn: (c) => sampler(c.pid ?? 0) });
  const readyMs = performance.now() - t0;
  try {
    await sleep(10_000);
    sampling = false;
    const rss = await rssMiB(svc.child.pid ?? 0);
    const decisionsMs: number[] = [];
    let returned = 0;
    for (let k = 0; k < 50; k++) {
      const t = performance.now();
      const r = await get(`${svc.url}/api/v1/decisions?limit=100`);
      decisionsMs.push(performance.now() - t);
      if (r.status !== 200) throw new Error(`GET /api/v1/decisions answered ${r.status}: ${r.body.slice(0, 300)}`);
      returned = (JSON.parse(r.body) as { decisions: unknown[] }).decisions.length;
    }
    return { readyMs, startRssMaxMiB: peak, rssMiB: rss, decisionsMs: decisionsMs.sort((a, b) => a - b), decisionsReturned: returned };
  } finally {
    sampling = false;
    await svc.stop();
  }
}

/** The store's own recentDecisions(100) and open time, in this process (PostgreSQL only: nothing is loaded). */
async function postgresInProcess(url: string): Promise<{ openMs: number; callMs: readonly number[] }> {
  const t0 = performance.now();
  const store = await PostgresKnowledgeStore.open(url);
  const openMs = performance.now() - t0;
  const callMs: number[] = [];
  try {
    for (let k = 0; k < 50; k++) {
      const t = performance.now();
      const ds = await store.recentDecisions(100);
      callMs.push(performance.now() - t);
      if (ds.length !== 100) throw new Error(`recentDecisions(100) returned ${ds.length}`);
    }
  } finally {
    await store.close();
  }
  return { openMs, callMs: callMs.sort((a, b) => a - b) };
}

function backlogSize(quick: boolean): number {
  const raw = process.env['BENCH_BACKLOG'];
  if (raw === undefined || raw === '') return quick ? 30_000 : 1_000_000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 100) throw new Error(`BENCH_BACKLOG: must be an integer ≥ 100, got ${JSON.stringify(raw)}`);
  return n;
}

export const backlogSection: Section = {
  name: 'backlog',
  title: 'a store holding 1M executions: mapek run open time, memory and recentDecisions(100), journal files vs PostgreSQL',
  async run({ quick }): Promise<SectionResult> {
    const n = backlogSize(quick);
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'mapek-bench-backlog-'));
    const charter = await startCharter({ port: 0 });
    const server = await startPostgres();
    try {
      const url = await server.createDatabase('bench_backlog');
      let t = performance.now();
      await fillPostgresStore(url, n, (table, ms) => progress(`${S}: PostgreSQL: ${n.toLocaleString('en')} rows into ${table} in ${(ms / 1000).toFixed(1)} s`));
      const pgFill = performance.now() - t;
      const inProcess = await postgresInProcess(url);
      progress(`${S}: PostgreSQL in process: open ${inProcess.openMs.toFixed(0)} ms, recentDecisions(100) p50 ${percentile(inProcess.callMs, 50).toFixed(2)} ms`);
      const onPg = await serviceOn(['--store-url', url], charter.url, n);
      progress(`${S}: mapek run on PostgreSQL: ready in ${(onPg.readyMs / 1000).toFixed(1)} s, RSS ${onPg.rssMiB.toFixed(0)} MiB (max ${onPg.startRssMaxMiB.toFixed(0)} while starting), GET decisions p50 ${percentile(onPg.decisionsMs, 50).toFixed(1)} ms`);

      const dir = path.join(tmp, 'knowledge');
      t = performance.now();
      await writeBulkStore(dir, n, 1, { decisions: true });
      const journalFill = performance.now() - t;
      progress(`${S}: journal files: ${n.toLocaleString('en')} executions, outcomes and decisions written in ${(journalFill / 1000).toFixed(1)} s; mapek run opening them (a million takes minutes)…`);
      const onJournal = await serviceOn(['--knowledge-dir', dir], charter.url, n);
      progress(`${S}: mapek run on the journal files: ready in ${(onJournal.readyMs / 1000).toFixed(1)} s, RSS ${onJournal.rssMiB.toFixed(0)} MiB (max ${onJournal.startRssMaxMiB.toFixed(0)} while starting), GET decisions p50 ${percentile(onJournal.decisionsMs, 50).toFixed(1)} ms`);

      const per = `${n.toLocaleString('en')} executions, outcomes and decisions`;
      const figures: Figure[] = [
        { section: S, name: `mapek run on PostgreSQL holding ${per}: spawn → ready`, value: onPg.readyMs, unit: 'ms', baseline: onJournal.readyMs, note: `baseline: the same backlog in the journal files (loaded into memory, pruned to ${DEFAULT_RETENTION.maxExecutions.toLocaleString('en')} executions at open); the store's own open in this process ${inProcess.openMs.toFixed(0)} ms` },
        { section: S, name: `mapek run on PostgreSQL: RSS 10 s after ready (max while starting)`, value: onPg.rssMiB, unit: 'MiB', baseline: onJournal.rssMiB, note: `max while starting ${onPg.startRssMaxMiB.toFixed(0)} MiB; journal files: ${onJournal.rssMiB.toFixed(0)} MiB after, ${onJournal.startRssMaxMiB.toFixed(0)} MiB max while starting` },
        { section: S, name: 'GET /api/v1/decisions?limit=100 on PostgreSQL: p50', value: percentile(onPg.decisionsMs, 50), unit: 'ms', baseline: percentile(onJournal.decisionsMs, 50), note: `p99 ${percentile(onPg.decisionsMs, 99).toFixed(1)} ms (journal ${percentile(onJournal.decisionsMs, 99).toFixed(1)} ms); ${onPg.decisionsReturned} decisions per answer (journal ${onJournal.decisionsReturned}, of the ${DEFAULT_RETENTION.maxDecisions.toLocaleString('en')} it keeps); 50 requests` },
        { section: S, name: 'PostgreSQL recentDecisions(100), the store call in process: p50', value: percentile(inProcess.callMs, 50), unit: 'ms', note: `p99 ${percentile(inProcess.callMs, 99).toFixed(2)} ms over 50 calls; ${n.toLocaleString('en')} decision rows` },
      ];
      return { figures, extra: { n, pgFillMs: pgFill, journalFillMs: journalFill, postgres: { ...onPg, inProcess }, journal: onJournal } };
    } finally {
      await server.stop();
      await charter.close();
      await rm(tmp, { recursive: true, force: true });
    }
  },
};

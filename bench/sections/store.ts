/**
 * 10. The knowledge store's two writes on the path to a Charter write (issue #13): the intent
 * insert and the transition (pending → applied), p50/p99 in ms, journal files (fdatasync) and
 * PostgreSQL (a real server in a temp dir, loopback, unfenced and fenced by a lease row) in the
 * same run, one write at a time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openKnowledgeStore, PostgresKnowledgeStore } from '../../src/knowledge/index.js';
import type { ExtendedKnowledgeStore } from '../../src/types/knowledge.js';
import type { ExecutionRecord } from '../../src/types/execution.js';
import { candidate } from '../../test/support/execute-fakes.js';
import { startPostgres } from '../../test/support/postgres.js';
import { percentile, progress, type Figure } from '../lib/report.js';
import type { Section, SectionResult } from '../lib/section.js';

const S = '10 store';

const rec = (key: string): ExecutionRecord => ({
  key, id: `id-${key}`, decisionId: 'd1', cycleId: 'c1', ruleId: 'r1', incidentId: 'committee:c1', incidentKind: 'CommitteeOverloaded',
  action: candidate().action, status: 'pending', createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(),
});

async function measure(store: ExtendedKnowledgeStore, n: number): Promise<{ intent: number[]; transition: number[] }> {
  const intent: number[] = [];
  const transition: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const key = `bench-${i}`;
    let t0 = performance.now();
    await store.recordIntent(rec(key));
    intent.push(performance.now() - t0);
    t0 = performance.now();
    await store.transition(key, ['pending'], { status: 'applied', appliedAt: new Date().toISOString() });
    transition.push(performance.now() - t0);
  }
  return { intent: intent.sort((a, b) => a - b), transition: transition.sort((a, b) => a - b) };
}

export const storeSection: Section = {
  name: 'store',
  title: 'knowledge store: intent insert and transition latency, journal vs PostgreSQL',
  async run({ quick }): Promise<SectionResult> {
    const n = quick ? 50 : 500;
    const dir = await mkdtemp(join(tmpdir(), 'mapek-bench-store-'));
    const pg = await startPostgres();
    try {
      const journal = await openKnowledgeStore(dir);
      const j = await measure(journal, n);
      await journal.close();
      const plainUrl = await pg.createDatabase('bench_plain');
      const plain = await PostgresKnowledgeStore.open(plainUrl);
      const p = await measure(plain, n);
      await plain.close();
      const fencedUrl = await pg.createDatabase('bench_fenced');
      const fenced = await PostgresKnowledgeStore.open(fencedUrl, { fence: { token: () => ({ holder: 'bench', epoch: 1 }) } });
      await fenced.conn.query("INSERT INTO mapek_lease VALUES ('leader', 'bench', 1, now(), now(), now() + interval '1 hour')");
      const f = await measure(fenced, n);
      await fenced.close();
      const row = (what: string, xs: readonly number[], note: string): Figure[] => [
        { section: S, name: `${what} p50`, value: percentile(xs, 50), unit: 'ms', note },
        { section: S, name: `${what} p99`, value: percentile(xs, 99), unit: 'ms', note: `${n} writes, one at a time` },
      ];
      const figures = [
        ...row('journal: intent insert', j.intent, 'fdatasync per append'),
        ...row('journal: transition', j.transition, 'fdatasync per append'),
        ...row('postgres: intent insert', p.intent, 'loopback, one autocommitted statement'),
        ...row('postgres: transition', p.transition, 'read + conditional UPDATE'),
        ...row('postgres fenced: intent insert', f.intent, 'lease checked FOR SHARE in the same statement'),
        ...row('postgres fenced: transition', f.transition, 'lease checked FOR SHARE in the same statement'),
      ];
      progress(`${S}: intent p50 journal ${percentile(j.intent, 50).toFixed(2)} ms, postgres ${percentile(p.intent, 50).toFixed(2)} ms, fenced ${percentile(f.intent, 50).toFixed(2)} ms`);
      return { figures, extra: { n, journal: j, postgres: p, fenced: f } };
    } finally {
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

/**
 * Knowledge store files as a long-running service leaves them: `n` execution records and
 * `n` outcomes (and, when asked, `n` decisions) written in bulk straight into the nedb files,
 * in exactly the shape the store writes (one record of each is written through the store
 * first and used as the template). bulk-postgres.ts fills the PostgreSQL tables the same way.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NedbKnowledgeStore } from '../../src/knowledge/index.js';
import type { Decision } from '../../src/types/decision.js';
import type { ExecutionRecord } from '../../src/types/execution.js';
import type { Outcome } from '../../src/types/knowledge.js';
import { candidate, decision } from '../../test/support/execute-fakes.js';

/** Record i of a bulk store was made at T0 + i seconds. */
export const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** The template execution record (key TEMPLATEKEY, id TEMPLATEID, times T0). */
export function record(i: number): ExecutionRecord {
  const at = new Date(T0 + i * 1000).toISOString();
  return {
    key: `TEMPLATEKEY`,
    id: `TEMPLATEID`,
    decisionId: `c-bench:policy:p-${i % 997}`,
    cycleId: 'c-bench',
    ruleId: 'rollback-bad-rollout',
    incidentId: `policy:p-${i % 997}`,
    incidentKind: 'CriticalViolationDetected',
    action: {
      type: 'rollback_policy',
      target: `p-${i % 997}`,
      params: {},
      cost: 2,
      benefit: 9,
      risk: 'medium',
      verify: { afterMs: 60_000, conditions: { all: [{ fact: 'alertnames', operator: 'doesNotContain', value: 'CriticalViolationDetected' }] } },
      cooldownMs: 600_000,
    },
    status: 'succeeded',
    verify: 'succeeded',
    prior: { spec: { name: 'Access control', revision: '2026-01-01.1', enforcementMode: 'enforce', rules: ['require-mfa', 'deny-shared-accounts'] } },
    createdAt: at,
    updatedAt: at,
    appliedAt: at,
    verifiedAt: at,
  };
}

export const TEMPLATE_OUTCOME: Outcome = { key: 'TEMPLATEKEY', ruleId: 'rollback-bad-rollout', incidentKind: 'CriticalViolationDetected', actionType: 'rollback_policy', result: 'succeeded', at: new Date(T0).toISOString() };

/** The template decision (id TEMPLATEDEC): a chosen rollback and a rejected notify, as one incident's plan. */
export function templateDecision(): Decision {
  const chosen = candidate({ ruleId: 'rollback-bad-rollout', type: 'rollback_policy', target: 'p-0' });
  const other = { ...candidate({ ruleId: 'notify-oncall', type: 'notify', target: 'oncall', params: { message: 'policy p-0 is failing' }, priority: 10 }), rejected: 'lower effective priority than rollback-bad-rollout' };
  return { ...decision('policy:p-0', ['CriticalViolationDetected'], [chosen], [other], 'c-bench'), id: 'TEMPLATEDEC', at: new Date(T0).toISOString() };
}

async function templates(dir: string): Promise<{ execution: string; outcome: string; decision: string }> {
  const store = await NedbKnowledgeStore.open(dir);
  await store.recordIntent(record(0));
  await store.recordOutcome(TEMPLATE_OUTCOME);
  await store.saveDecision(templateDecision());
  await store.close();
  // Each template is taken out of its file: it is not part of the backlog (n records means n).
  const take = async (file: string, marker: string): Promise<string> => {
    const lines = (await readFile(path.join(dir, file), 'utf8')).split('\n').filter((l) => l !== '');
    const template = lines.filter((l) => l.includes(marker)).pop();
    if (template === undefined) throw new Error(`${file}: template record not found`);
    await writeFile(path.join(dir, file), lines.filter((l) => !l.includes(marker)).map((l) => `${l}\n`).join(''));
    return template;
  };
  return { execution: await take('executions.db', 'TEMPLATEKEY'), outcome: await take('outcomes.db', 'TEMPLATEKEY'), decision: await take('decisions.db', 'TEMPLATEDEC') };
}

async function writeLines(file: string, n: number, number: (j: number) => number, make: (i: number) => string): Promise<void> {
  const out = createWriteStream(file, { flags: 'a' });
  for (let j = 1; j <= n; j++) {
    if (!out.write(`${make(number(j))}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/**
 * Appends executions and outcomes number `from`..`n` to the store files in `dir` (created):
 * from = 1 is a backlog of n un-pruned records; from = n − (kept + retainEvery) + 1 is what
 * retention leaves on disk after n recorded executions.
 */
export async function writeBulkStore(dir: string, n: number, from = 1, o: { decisions?: boolean } = {}): Promise<void> {
  const t = await templates(dir);
  const iso = (i: number): string => new Date(T0 + i * 1000).toISOString();
  const at0 = iso(0);
  await writeLines(path.join(dir, 'executions.db'), n - from + 1, (j) => j + from - 1, (i) =>
    t.execution.replaceAll('TEMPLATEKEY', `k-${i}`).replaceAll('TEMPLATEID', `e-${i}`).replaceAll(at0, iso(i)),
  );
  await writeLines(path.join(dir, 'outcomes.db'), n - from + 1, (j) => j + from - 1, (i) => t.outcome.replaceAll('TEMPLATEKEY', `k-${i}`).replaceAll(at0, iso(i)));
  if (o.decisions === true) await writeLines(path.join(dir, 'decisions.db'), n - from + 1, (j) => j + from - 1, (i) => t.decision.replaceAll('TEMPLATEDEC', `d-${i}`).replaceAll(at0, iso(i)));
}

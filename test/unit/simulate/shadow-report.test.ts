import test from 'ava';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';
import { openKnowledgeStore } from '../../../src/knowledge/index.js';
import { shadowReport } from '../../../src/simulate/shadow-report.js';
import type { ExecutionRecord } from '../../../src/types/execution.js';
import { candidate, decision } from '../../support/execute-fakes.js';
import { captureIo } from '../../support/io.js';

const audit = candidate({ ruleId: 'audit-unusual', type: 'set_enforcement_mode', target: 'p-1', params: { mode: 'audit' } });
const rollback = candidate({ ruleId: 'rollback', type: 'rollback_policy', target: 'p-1' });

test('shadowReport: how often a shadow rule would act, where live disagreed, and the live outcomes there', (t) => {
  const agree = { ...decision('policy:p-1', ['X'], [audit]), shadow: { candidates: [audit], chosen: [audit] } };
  const differ = { ...decision('policy:p-1', ['X'], [rollback]), shadow: { candidates: [audit], chosen: [audit] } };
  const none = { ...decision('policy:p-1', ['X'], []), shadow: { candidates: [audit], chosen: [audit] } };
  const plain = decision('policy:p-2', ['X'], [rollback]);
  const exec = { decisionId: differ.id, status: 'succeeded', verify: 'succeeded' } as unknown as ExecutionRecord;
  t.deepEqual(shadowReport([agree, differ, none, plain], [exec]), [{
    ruleId: 'audit-unusual',
    wouldAct: 3,
    disagreed: 2,
    liveOutcomes: { succeeded: 1 },
    examples: [
      { decisionId: differ.id, shadow: 'set_enforcement_mode p-1', live: 'rollback_policy p-1 (rollback)' },
      { decisionId: none.id, shadow: 'set_enforcement_mode p-1', live: 'nothing' },
    ],
  }]);
});

test('mapek knowledge shadow: the table from the stored decisions; nothing to say on a store without shadow plans', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'mapek-shadow-'));
  const store = await openKnowledgeStore(dir);
  await store.saveDecision({ ...decision('policy:p-1', ['X'], [rollback]), shadow: { candidates: [audit], chosen: [audit] } });
  await store.close();
  const io = captureIo();
  t.is(await main(['knowledge', 'shadow', '--dir', dir], io), 0);
  t.regex(io.stdout(), /^RULE\s+WOULD ACT\s+DISAGREED\s+LIVE OUTCOMES THERE\naudit-unusual\s+1\s+1\s+-\n {2}audit-unusual in d-\d+: would set_enforcement_mode p-1; live: rollback_policy p-1 \(rollback\)\n$/);
  const empty = await mkdtemp(join(tmpdir(), 'mapek-shadow-'));
  await (await openKnowledgeStore(empty)).close();
  const io2 = captureIo();
  t.is(await main(['knowledge', 'shadow', '--dir', empty], io2), 0);
  t.is(io2.stdout(), 'no shadow rule would have acted in the last 0 decisions\n');
});

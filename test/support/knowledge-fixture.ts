/** A journal store with a real history: one action applied and verified, one waiting for approval, weights learned. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExecutor } from '../../src/execute/index.js';
import { openKnowledgeStore, relearn } from '../../src/knowledge/index.js';
import { FakeCharter, FakeMonitor, alert, candidate, decision, ids, manualTime, snapshot } from './execute-fakes.js';

export async function knowledgeFixture() {
  const dir = await mkdtemp(join(tmpdir(), 'mapek-cli-'));
  const store = await openKnowledgeStore(dir);
  const time = manualTime();
  const s = snapshot([alert('CommitteeOverloaded', { committee_id: 'c1' }), alert('TargetViolatingManyPolicies', { node_or_service: 'node-1' })]);
  const ex = createExecutor({ charter: new FakeCharter(), store, monitor: new FakeMonitor(s), verify: () => ({ result: 'succeeded' }), clock: time.now, sleep: time.sleep, ids: ids(), options: { hysteresis: { minCycles: 1 }, cooldownMs: 0 } });
  const d1 = { ...decision('committee:c1', ['CommitteeOverloaded'], [candidate()], [candidate({ ruleId: 'notify-oncall', type: 'notify', target: 'oncall', params: { message: 'x' }, priority: 10 })]), id: 'dec-scale' };
  const d2 = { ...decision('target:node-1', ['TargetViolatingManyPolicies'], [candidate({ ruleId: 'quarantine', type: 'quarantine_target', target: 'node-1', risk: 'high' })]), id: 'dec-q' };
  const [scaled, waiting] = await ex.execute([d1, d2], s, 'cycle-1');
  await ex.drain();
  await relearn(store, ['scale-committee', 'quarantine'], '2026-03-01T12:10:00.000Z');
  await store.close();
  return { dir, scaled: scaled!, waiting: waiting!, store };
}

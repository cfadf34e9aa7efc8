import test from 'ava';
import { main } from '../../../src/cli/main.js';
import { MemoryKnowledgeStore, openKnowledgeStore } from '../../../src/knowledge/index.js';
import { rankWhy, weightRows } from '../../../src/cli/knowledge.js';
import { captureIo } from '../../support/io.js';
import { knowledgeFixture } from '../../support/knowledge-fixture.js';

const fixture = knowledgeFixture;

test('knowledge weights: per rule and situation the weight, estimate and evidence; --explain says why it ranks there; --json', async (t) => {
  const { dir } = await fixture();
  const io = captureIo();
  t.is(await main(['knowledge', 'weights', '--dir', dir], io), 0);
  t.regex(io.stdout(), /^RULE\s+SITUATION\s+WEIGHT\s+ESTIMATE\s+EVIDENCE\s+WHY\nscale-committee\s+CommitteeOverloaded\s+\d\.\d+\s+67% ± 24%\s+1\.0\s+1\/1 succeeded in CommitteeOverloaded; prior 50%, posterior 67% ± 24% on evidence 1\.0; thompson draw \d+%, expected utility [\d.]+, priority counts \^0\.50 on situation evidence 1\.0: weight 1\.00 → /);
  const ex = captureIo();
  await main(['knowledge', 'weights', '--explain', '--dir', dir], ex);
  t.regex(ex.stdout(), /\nscale-committee in CommitteeOverloaded: weight \d\.\d+\n  estimated 67% ± 24% to clear it \(prior 50%\) on evidence 1\.0 from 1 outcomes; the last draw was \d+%; an attempt takes [\d.]+s against [\d.]+s for the situation's attempts \(not counted in the weight: learner\.timeWeight is 0\); the only rule learned in this situation; the planner ranks by priority × weight \(\d\.\d+\)\n  last change: /);
  const js = captureIo();
  await main(['knowledge', 'weights', '--json', '--explain', '--dir', dir], js);
  const [row] = JSON.parse(js.stdout());
  t.like(row, { key: 'scale-committee|CommitteeOverloaded', ruleId: 'scale-committee', situation: 'CommitteeOverloaded', samples: 1, rank: 1, of: 1, estimate: { evidence: 1, outcomes: 1, prior: 0.5 } });
  t.regex(row.why, /^estimated 67% ± 24% to clear it/);
});

test('knowledge weights --explain ranks the rules of one situation and says which are ahead and behind', async (t) => {
  const store = new MemoryKnowledgeStore();
  const change = (rule: string, to: number, mean: number) => ({ ruleId: `${rule}|K`, rule, situation: 'K', from: 1, to, samples: 3, successRate: mean, reason: 'r', at: '2026-01-01T00:00:00.000Z', estimate: { mean, sd: 0.1, evidence: 2.5, outcomes: 3, prior: 0.5, draw: mean } });
  await store.saveWeightChange(change('good', 4, 0.8));
  await store.saveWeightChange(change('bad', 0.5, 0.3));
  await store.saveWeightChange({ ruleId: 'old', from: 1, to: 1.25, samples: 1, successRate: 1, reason: 'legacy', at: '2026-01-01T00:00:00.000Z' });
  const rows = await weightRows(store);
  t.deepEqual(rows.map((r) => [r.ruleId, r.situation, r.rank, r.of]), [['old', '-', 1, 1], ['good', 'K', 1, 2], ['bad', 'K', 2, 2]]);
  t.is(rankWhy(rows[2]!, rows), 'estimated 30% ± 10% to clear it (prior 50%) on evidence 2.5 from 3 outcomes; the last draw was 30%; rank 2 of 2 by weight, behind good 4.00; the planner ranks by priority × weight (0.500)');
  t.is(rankWhy(rows[1]!, rows), 'estimated 80% ± 10% to clear it (prior 50%) on evidence 2.5 from 3 outcomes; the last draw was 80%; rank 1 of 2 by weight, ahead of bad 0.500; the planner ranks by priority × weight (4.00)');
  t.is(rankWhy(rows[0]!, rows), 'learned before estimates were recorded; the only rule learned in this situation; the planner ranks by priority × weight (1.25)');
  const timed = { ...change('good', 4, 0.8), estimate: { mean: 0.8, sd: 0.1, evidence: 2.5, outcomes: 3, prior: 0.5, draw: 0.8, seconds: 12.5, situationSeconds: 20, timeFactor: 1.6 } };
  const withTime = rows.map((r) => (r === rows[1] ? { ...r, estimate: timed.estimate } : r));
  t.is(rankWhy(withTime[1]!, withTime), 'estimated 80% ± 10% to clear it (prior 50%) on evidence 2.5 from 3 outcomes; the last draw was 80%; an attempt takes 13s against 20s for the situation\'s attempts (the weight scaled by ×1.60 for it); rank 1 of 2 by weight, ahead of bad 0.500; the planner ranks by priority × weight (4.00)');
});

test('knowledge history lists recent executions, newest first; --limit; --json', async (t) => {
  const { dir, waiting } = await fixture();
  const io = captureIo();
  t.is(await main(['knowledge', 'history', '--limit', '5', '--dir', dir], io), 0);
  t.regex(io.stdout(), /^TIME\s+ID\s+STATUS\s+ACTION\s+RULE\s+WHY\n/);
  t.regex(io.stdout(), new RegExp(`${waiting.id}\\s+awaiting_approval\\s+quarantine_target node-1\\s+quarantine\\s+approval_required: high-risk quarantine_target on "node-1" waits for mapek approve`));
  t.regex(io.stdout(), /succeeded\s+scale_committee c1\s+scale-committee\s+verify succeeded/);
  const js = captureIo();
  await main(['knowledge', 'history', '--json', '--limit', '1', '--dir', dir], js);
  t.is(JSON.parse(js.stdout()).length, 1);
});

test('knowledge: usage errors and a missing store', async (t) => {
  const io = captureIo();
  t.is(await main(['knowledge', 'frob'], io), 2);
  t.is(io.stderr(), 'mapek knowledge: unknown subcommand "frob" (expected weights, history, shadow or audit)\n');
  const lim = captureIo();
  t.is(await main(['knowledge', 'history', '--limit', '0'], lim), 2);
  t.is(lim.stderr(), 'mapek knowledge: --limit: expected a positive integer, got "0"\n');
  const none = captureIo();
  t.is(await main(['knowledge', 'weights', '--dir', '/nonexistent/mapek'], none), 3);
  t.is(none.stderr(), 'mapek knowledge: no knowledge store at "/nonexistent/mapek"\n');
  const h = captureIo();
  t.is(await main(['knowledge', '--help'], h), 0);
  t.regex(h.stdout(), /^usage: mapek knowledge weights/);
});

test('explain prints a decision in full: facts, candidates, the guard that stopped it, the outcome', async (t) => {
  const { dir, scaled, waiting } = await fixture();
  const io = captureIo();
  t.is(await main(['explain', 'dec-scale', '--dir', dir], io), 0);
  const text = io.stdout();
  t.regex(text, /^decision dec-scale {2}cycle cycle-1 {2}at 2026-03-01T12:00:00.000Z\nincident committee:c1 {2}alerts: CommitteeOverloaded/);
  t.regex(text, /derived facts:\n {2}cause = "test"/);
  t.regex(text, /chosen scale-committee@1: scale_committee "c1" priority 50 × weight 1\.00 = 50\.00/);
  t.regex(text, /lost {3}notify-oncall@1: notify "oncall"/);
  t.regex(text, new RegExp(`${scaled.id} {2}scale_committee "c1" {2}rule scale-committee {2}→ succeeded\\n {4}applied at .*\\n {4}verification succeeded at `));
  const q = captureIo();
  t.is(await main(['explain', waiting.id, '--dir', dir], q), 0); // by execution id
  t.regex(q.stdout(), /stopped by approval_required: high-risk quarantine_target on "node-1" waits for mapek approve/);
  const js = captureIo();
  await main(['explain', 'dec-q', '--json', '--dir', dir], js);
  t.is(JSON.parse(js.stdout()).executions[0].status, 'awaiting_approval');
  const missing = captureIo();
  t.is(await main(['explain', 'nope', '--dir', dir], missing), 1);
  t.is(missing.stderr(), 'mapek explain: no decision or execution "nope"\n  (a decision identical to its incident\'s last recorded one, with nothing to run or its actions refused again as recorded, is not stored again; its "planned" log line names the recorded one as notRecordedSameAs)\n');
  const usage = captureIo();
  t.is(await main(['explain'], usage), 2);
});

test('approve / reject leave a verdict the service takes in on its next cycle', async (t) => {
  const { dir, waiting } = await fixture();
  const io = captureIo();
  t.is(await main(['reject', waiting.id, '--dir', dir, '--by', 'dana', '--reason', 'not now'], io), 0);
  t.is(io.stdout(), `rejected ${waiting.id}: quarantine_target "node-1" (rule quarantine); the service takes it in on its next cycle\n`);
  const store = await openKnowledgeStore(dir);
  const [a] = await store.syncApprovals();
  t.like(a, { id: waiting.id, state: 'rejected', resolvedBy: 'dana', reason: 'not now' });
  await store.close();
  const again = captureIo();
  t.is(await main(['approve', waiting.id, '--dir', dir], again), 1);
  t.is(again.stderr(), `mapek approve: no action awaiting approval with id "${waiting.id}" (it was rejected)\n`);
  const unknown = captureIo();
  t.is(await main(['approve', 'zzz', '--dir', dir, '--json'], unknown), 1);
  t.is(unknown.stderr(), 'mapek approve: no action awaiting approval with id "zzz"\n');
  const usage = captureIo();
  t.is(await main(['approve'], usage), 2);
  t.is(usage.stderr(), 'mapek approve: expected the ID of an action awaiting approval\n');
});

test('approve --json prints the verdict', async (t) => {
  const { dir, waiting } = await fixture();
  const io = captureIo();
  t.is(await main(['approve', waiting.id, '--dir', dir, '--by', 'erin', '--json'], io), 0);
  t.like(JSON.parse(io.stdout()), { id: waiting.id, state: 'approved', by: 'erin' });
});

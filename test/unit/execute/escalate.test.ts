import test from 'ava';
import { alert, candidate, decision, snapshot } from '../../support/execute-fakes.js';
import { harness } from './harness.js';
import { claimsWritten } from '../../../src/execute/audit-model.js';
import { resolveExecutorOptions } from '../../../src/execute/options.js';

const snap = snapshot([alert('CommitteeOverloaded', { committee_id: 'c1' })]);
const failing = { all: [{ fact: 'metrics.committeeQueueDepth', operator: 'lessThan', value: 1 }] };
const scale = (ruleId: string, priority: number) => candidate({ ruleId, priority, conditions: failing, afterMs: 0 });

test('attempts used up: after maxFallbacks failed fallbacks the incident is escalated once: a record escalated, a MapekEscalation alert with the history, a warning', async (t) => {
  const h = harness({ maxFallbacks: 1 }, { verify: { [JSON.stringify(failing)]: ['failed', 'failed', 'failed'] }, alertmanager: true });
  h.monitor.snap = snap;
  const d = decision('committee:c1', ['CommitteeOverloaded'], [scale('scale-a', 80)], [scale('scale-b', 50), scale('scale-c', 40)]);
  await h.executor.execute([d], snap, 'cycle-1');
  const out = await h.executor.drain();
  t.deepEqual(out.map((r) => [r.ruleId, r.status]), [['scale-a', 'rolled_back'], ['scale-b', 'applied'], ['scale-b', 'rolled_back'], ['scale-b', 'escalated']]);
  const esc = out.at(-1)!;
  t.is(esc.key, `${d.id}#escalated`);
  t.like(esc.action, { type: 'notify', target: 'human' });
  t.is(esc.action.params['message'], 'incident committee:c1 (CommitteeOverloaded) is not remediated: 2 attempts used up (maxFallbacks 1); a human is needed');
  const posted = h.am.posted.filter((a) => a.labels['alertname'] === 'MapekEscalation');
  t.is(posted.length, 1);
  t.like(posted[0]!.labels, { severity: 'critical', incident: 'committee:c1', kind: 'CommitteeOverloaded' });
  const lines = posted[0]!.annotations?.['description']?.split('\n') ?? [];
  t.deepEqual(lines.map((l) => l.replace(/^\S+ /, '')), ['scale-a: scale_committee "c1" rolled_back (verify failed)', 'scale-b: scale_committee "c1" rolled_back (verify failed)']);
  t.true(h.logs.includes('warn escalated to a human'));
  t.false(claimsWritten('escalated'));
  t.deepEqual((await h.store.outcomes()).map((o) => o.ruleId).sort(), ['scale-a', 'scale-b'], 'nothing learned from the escalation');
  // once per decision
  t.deepEqual(await h.executor.drain(), []);
  t.is(h.am.posted.filter((a) => a.labels['alertname'] === 'MapekEscalation').length, 1);
});

test('every remaining candidate below the expected-success threshold (the learner\'s estimate): not tried, escalated with the estimates', async (t) => {
  const h = harness({}, { verify: { [JSON.stringify(failing)]: ['failed'] }, alertmanager: true });
  await h.store.saveWeightChange({ ruleId: 'scale-b|CommitteeOverloaded', rule: 'scale-b', situation: 'CommitteeOverloaded', from: 1, to: 0.01, samples: 9, successRate: 0.08, reason: 'r', at: '2026-03-01T11:00:00.000Z', estimate: { mean: 0.08, sd: 0.05, evidence: 8, outcomes: 9, prior: 0.5, draw: 0.07 } });
  h.monitor.snap = snap;
  await h.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [scale('scale-a', 80)], [scale('scale-b', 50)])], snap, 'cycle-1');
  const out = await h.executor.drain();
  t.deepEqual(out.map((r) => [r.ruleId, r.status]), [['scale-a', 'rolled_back'], ['scale-a', 'escalated']]);
  t.is(out[1]!.action.params['message'], 'incident committee:c1 (CommitteeOverloaded) is not remediated: every remaining candidate\'s expected success is below 0.15 (scale-b 8%); a human is needed');
  t.deepEqual(h.charter.writes.map((w) => w.opts?.idempotencyKey?.split('|')[0]), ['scale-a', 'scale-a'], 'scale-b never written');
});

test('no candidate left: escalated; with escalation off the executor stays quiet as before', async (t) => {
  const on = harness({}, { verify: { [JSON.stringify(failing)]: ['failed'] } });
  on.monitor.snap = snap;
  await on.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [scale('scale-a', 80)])], snap, 'cycle-1');
  const out = await on.executor.drain();
  t.deepEqual(out.map((r) => r.status), ['rolled_back', 'escalated']);
  t.regex(String(out[1]!.action.params['message']), /: no candidate left to try; a human is needed$/);
  const off = harness({ escalation: { enabled: false } }, { verify: { [JSON.stringify(failing)]: ['failed'] } });
  off.monitor.snap = snap;
  await off.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [scale('scale-a', 80)])], snap, 'cycle-1');
  t.deepEqual((await off.executor.drain()).map((r) => r.status), ['rolled_back']);
  // no fallbacks at all: the one attempt is all there is
  const single = harness({ tryNextBest: false }, { verify: { [JSON.stringify(failing)]: ['failed'] } });
  single.monitor.snap = snap;
  await single.executor.execute([decision('committee:c1', ['CommitteeOverloaded'], [scale('scale-a', 80)], [scale('scale-b', 50)])], snap, 'cycle-1');
  const one = await single.executor.drain();
  t.deepEqual(one.map((r) => [r.ruleId, r.status]), [['scale-a', 'rolled_back'], ['scale-a', 'escalated']]);
  t.regex(String(one[1]!.action.params['message']), /: no fallback is tried \(tryNextBest off\); a human is needed$/);
});

test('escalation options: defaults, and bad values name the field', (t) => {
  t.deepEqual(resolveExecutorOptions().escalation, { enabled: true, minExpectedSuccess: 0.15 });
  t.throws(() => resolveExecutorOptions({ escalation: { minExpectedSuccess: 2 } }), { message: 'executor option escalation.minExpectedSuccess: expected a probability in [0, 1], got 2' });
  t.throws(() => resolveExecutorOptions({ escalation: { enabled: 'yes' as never } }), { message: 'executor option escalation.enabled: expected true or false, got yes' });
});

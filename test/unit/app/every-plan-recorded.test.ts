/**
 * The first incident after start (the benchmark's "warm-up" case): the alert is already in
 * Alertmanager when the service starts, so the start-up cycle acts on it; the webhook for the
 * same alert then triggers a cycle that plans the same action again. That second decision
 * must say why nothing was done (the intent exists: which execution holds it), never be a
 * decision with a chosen action and no record.
 */
import test from 'ava';
import { render } from '../../../src/cli/explain.js';
import { firingAlert, settableAlertmanager, uncooledRules, unexplained } from '../../support/loop-fix.js';
import { serviceWorld } from '../../support/service-harness.js';

test('start-up cycle acts on an alert already firing; the webhook-triggered cycle records why it did not act again', async (t) => {
  const am = settableAlertmanager();
  const startsAt = new Date(Date.now() - 1_000).toISOString();
  am.current = [firingAlert('CommitteeOverloaded', { committee_id: 'committee-safety', severity: 'warning' }, 'c000000000000001', startsAt)];
  const w = await serviceWorld(t, { start: false, parts: { alertmanager: am, loadRules: uncooledRules(), executorOptions: { hysteresis: { minCycles: 1 }, cooldownMs: 0 } } });
  await w.service.start();
  await w.service.controller.idle();
  t.true(w.service.controller.trigger('webhook'));
  await w.service.controller.idle();

  const decisions = [...(await w.store.recentDecisions(100))].reverse();
  t.is(decisions.length, 2, 'one decision per cycle');
  t.deepEqual(await unexplained(w.store, decisions), []);
  const [first, second] = decisions;
  const executions = await w.store.findExecutions({});
  t.deepEqual(executions.map((e) => [e.decisionId, e.status]), [[first?.id, 'applied']]);
  t.is(w.charter.writes.list().filter((x) => x.applied && x.path.includes('committee-safety')).length, 1);
  t.deepEqual(second?.duplicates?.map((x) => [x.executionId, x.status, x.cycleId]), [[executions[0]?.id, 'applied', first?.cycleId]]);
  t.regex(render(second, []), /not run again: scale_committee "committee-safety" rule scale-overloaded-committee — intent exists: execution \S+ \(applied, cycle c-/);
});

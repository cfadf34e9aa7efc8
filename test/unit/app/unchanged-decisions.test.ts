/**
 * The service over the shipped rules and the reference Charter: an incident that stays the
 * same, cycle after cycle, with its action already taken, is stored when it acts, when it
 * first repeats (the duplicates note), and not again while nothing changes; every chosen
 * action of every cycle stays accounted for.
 */
import test from 'ava';
import type { CycleReport } from '../../../src/loop/cycle.js';
import { firingAlert, settableAlertmanager, uncooledRules, unexplained } from '../../support/loop-fix.js';
import { metricValue, serviceWorld } from '../../support/service-harness.js';

test('a steady incident: two decisions stored, the next cycles not; counted, and each accounted for by the one it repeats', async (t) => {
  const am = settableAlertmanager();
  am.current = [firingAlert('CommitteeOverloaded', { committee_id: 'committee-safety', severity: 'warning' }, 'c000000000000001', new Date(Date.now() - 1_000).toISOString())];
  const reports: CycleReport[] = [];
  const w = await serviceWorld(t, { start: false, parts: { alertmanager: am, loadRules: uncooledRules(), executorOptions: { hysteresis: { minCycles: 1 }, cooldownMs: 0 }, onCycle: (r) => reports.push(r) } });
  await w.service.start();
  await w.service.controller.idle();
  for (let i = 0; i < 4; i++) {
    t.true(w.service.controller.trigger('webhook'));
    await w.service.controller.idle();
  }
  const planned = reports.flatMap((r) => r.decisions);
  const sameAs = new Map(reports.flatMap((r) => [...(r.unrecorded ?? [])]));
  t.log(reports.map((r) => `${r.cycleId}: ${r.decisions.length} decisions, ${r.unrecorded?.size ?? 0} not stored`).join('\n'));
  const stored = [...(await w.store.recentDecisions(100))].reverse();
  t.is(planned.length, 5);
  t.deepEqual(stored.map((d) => d.id), planned.slice(0, 2).map((d) => d.id));
  t.deepEqual([...sameAs.values()], [stored[1]?.id, stored[1]?.id, stored[1]?.id]);
  t.deepEqual(await unexplained(w.store, planned, sameAs), []);
  t.is(await metricValue(w.url(), 'mapek_decisions_total'), 5);
  t.is(await metricValue(w.url(), 'mapek_decisions_unrecorded_total'), 3);
  t.like(w.service.health()['lastCycle'], { decisionsNotRecorded: 1 });
  t.like(w.log.lines.filter((l) => l['msg'] === 'planned').at(-1), { decisionId: planned.at(-1)?.id, notRecordedSameAs: stored[1]?.id });
});

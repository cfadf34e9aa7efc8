import test from 'ava';
import { median, percentile, table } from '../../../bench/lib/report.js';
import { floorDisagreements, growth } from '../../../bench/sections/analyze.js';
import { createFloor } from '../../../bench/lib/floor.js';
import { rolling } from '../../../bench/sections/learning.js';
import { flipsBack, incidentsUntilPrefers, runWorld } from '../../../bench/lib/learning-loop.js';
import { WORLDS } from '../../../bench/lib/learning-worlds.js';
import { tapCounts } from '../../../bench/lib/tap.js';
import { exposition } from '../../../bench/lib/exporter.js';
import { metricValue, webhookBody } from '../../../bench/lib/webhook.js';
import { learningCurveSvg } from '../../../bench/lib/svg.js';
import { alertKinds, syntheticRuleSet, syntheticSnapshot } from '../../../bench/lib/synthetic.js';
import { shippedSnapshot } from '../../../bench/lib/shipped-snapshot.js';
import { dayFixture } from '../../../bench/sections/simulate.js';
import { parseWebhook } from '../../../src/integration/webhook.js';
import { parseFixture } from '../../../src/monitor/fixture.js';
import { loadRuleSet } from '../../../src/rules/load.js';
import { createPlanner } from '../../../src/analyze/index.js';
import { createBaseline } from '../../../bench/lib/baseline.js';
import { CHARTER_ALERTS } from '../../../src/types/alert.js';

test('percentile is nearest-rank on sorted input; median of an unsorted list', (t) => {
  const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  t.is(percentile(xs, 50), 5);
  t.is(percentile(xs, 99), 10);
  t.is(percentile(xs, 0), 1);
  t.true(Number.isNaN(percentile([], 50)));
  t.is(median([9, 1, 5]), 5);
});

test('growth is the exponent of a power law through two points', (t) => {
  t.is(growth(10, 1, 100, 10), 1);
  t.is(growth(10, 1, 100, 100), 2);
  t.is(growth(50, 3, 1000, 3), 0);
});

test('rolling share over a window', (t) => {
  t.deepEqual(rolling([true, false, true, true], 2), [1, 0.5, 0.5, 1]);
});

test('table marks met and missed targets and aligns columns', (t) => {
  const out = table([
    { section: 's', name: 'fast', value: 1.5, unit: 'ms', baseline: 150, target: '< 5 ms', met: true },
    { section: 's', name: 'slow', value: 1234, unit: 'ms', target: '< 5 ms', met: false },
  ]);
  const lines = out.split('\n');
  t.is(lines.length, 4);
  t.regex(lines[2] ?? '', /fast\s+1\.50 ms\s+150 ms\s+< 5 ms\s+met$/);
  t.regex(lines[3] ?? '', /slow\s+1234 ms\s+< 5 ms\s+MISSED$/);
});

test('tapCounts reads the TAP summary', (t) => {
  t.deepEqual(tapCounts('TAP version 13\nok 1 - a\n# tests 3\n# pass 2\n# fail 1\n'), { pass: 2, fail: 1, skip: 0, todo: 0 });
});

test('exposition has exactly the requested number of series', (t) => {
  const text = exposition(10_000, 3);
  t.is(text.trim().split('\n').length, 10_000);
  t.true(text.includes('westworld_charter_policy_violations_total{policy_id="p-0",severity="critical",node_or_service="node-0"} 0'));
});

test('metricValue sums matching counter lines', (t) => {
  const text = 'mapek_webhooks_total{result="accepted"} 5\nmapek_webhooks_total{result="duplicate"} 2\nmapek_webhooks_total_x 9\n';
  t.is(metricValue(text, 'mapek_webhooks_total', { result: 'accepted' }), 5);
  t.is(metricValue(text, 'mapek_webhooks_total'), 7);
});

test('webhookBody is a valid Alertmanager v4 payload for the service parser', (t) => {
  const body = JSON.parse(webhookBody([{ labels: { alertname: 'CommitteeOverloaded', committee_id: 'c' }, startsAt: '2026-11-26T12:00:00.000Z', fingerprint: 'abc' }]));
  const r = parseWebhook(body);
  t.true(r.ok);
  if (r.ok) t.is(r.alerts[0]?.name, 'CommitteeOverloaded');
});

test('the learning-curve SVG has one polyline per series and a legend', (t) => {
  const svg = learningCurveSvg({ title: 'T', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', color: '#000', values: [0, 0.5, 1] }, { name: 'b<', color: '#f00', values: [1, 1, 1] }] });
  t.is(svg.match(/<polyline/g)?.length, 2);
  t.true(svg.includes('b&lt;'));
  t.true(svg.includes('points="70.0,365.0 320.0,202.5 570.0,40.0"'));
});

test('synthetic sets: kinds grow with rules; the planner and the baseline plan the same actions', async (t) => {
  t.is(alertKinds(50), 11);
  t.is(alertKinds(1000), 100);
  const rs = syntheticRuleSet(50);
  const snap = syntheticSnapshot(50, 22);
  const keys: string[] = [];
  for (const d of createPlanner(rs).plan(snap, {}, 'c')) for (const c of d.candidates) keys.push(`${d.subject.id}|${c.ruleId}`);
  const baseline = await createBaseline(rs).run(snap);
  t.true(keys.length > 0);
  t.deepEqual(keys.sort(), [...baseline].sort());
});

test('json-rules-engine with one engine per alert name plans what one engine plans', async (t) => {
  const rs = syntheticRuleSet(200);
  const snap = syntheticSnapshot(200, 40);
  const one = await createBaseline(rs, 'one engine').run(snap);
  const perName = await createBaseline(rs, 'one engine per alert name').run(snap);
  t.true(one.length > 40);
  t.deepEqual([...perName].sort(), [...one].sort());
});

test('the hand-written floor chooses what the planner chooses; a changed choice is reported', (t) => {
  for (const [rules, alerts] of [[50, 100], [200, 30]] as const) {
    const decisions = createPlanner(syntheticRuleSet(rules)).plan(syntheticSnapshot(rules, alerts), {}, 'c');
    const floor = createFloor(rules).plan(syntheticSnapshot(rules, alerts));
    t.is(floor.size, alerts);
    t.true([...floor.values()].every((v) => v.startsWith('r')));
    t.deepEqual(floorDisagreements(decisions, floor), []);
    const changed = new Map(floor);
    changed.set('pol-3', 'r1 rollback_policy pol-3');
    changed.set('pol-x', '');
    t.deepEqual(floorDisagreements(decisions, changed), [`pol-3: planner "${floor.get('pol-3') ?? ''}" ≠ floor "r1 rollback_policy pol-3"`, 'pol-x: no planner decision, floor ""']);
  }
});

test('the shipped-rules snapshot covers the eleven alert names and makes rules choose actions', async (t) => {
  const snap = shippedSnapshot(100);
  t.deepEqual(new Set(snap.alerts.map((a) => a.name)), new Set(CHARTER_ALERTS));
  t.is(snap.alerts.filter((a) => a.name === 'CharterDown').length, 1);
  const rules = await loadRuleSet(['rules']);
  if (!rules.ok) return t.fail('rules/ invalid');
  const planner = createPlanner(rules.ruleSet);
  // With CharterDown firing every remediation is held back; without it they are chosen.
  const down = planner.plan(snap, {}, 'c').flatMap((d) => d.chosen);
  t.false(down.some((c) => c.action.type === 'scale_committee'));
  const up = planner.plan(shippedSnapshot(100, { charterDown: false }), {}, 'c').flatMap((d) => d.chosen);
  t.true(up.some((c) => c.action.type === 'scale_committee'));
  t.true(up.some((c) => c.action.type === 'rollback_policy'));
});

test('the generated day fixture is valid in the fixture format', async (t) => {
  const rules = await loadRuleSet(['rules']);
  if (!rules.ok) return t.fail('rules/ invalid');
  const r = parseFixture(dayFixture(8), 'day.yaml', rules.ruleSet);
  if (!r.ok) return t.fail(JSON.stringify(r.issues.slice(0, 3)));
  t.is(r.fixture.steps.length, 8);
  t.is(r.fixture.steps[7]?.snapshot.alerts.length, 20);
});

test('learning bench: incidents until it prefers the best (4 of 5 in a row), flips back after that', (t) => {
  const best = [false, false, true, true, false, true, true, true, false, true];
  t.is(incidentsUntilPrefers(best), 3);
  t.is(incidentsUntilPrefers(best, 5), 1);
  t.true(Number.isNaN(incidentsUntilPrefers([true, false, true, false, true])));
  t.is(flipsBack(best), 2);
  t.true(Number.isNaN(flipsBack([false, false])));
});

test('learning bench: the loop is deterministic per seed, and a notify beside a fix is never credited', async (t) => {
  const w = WORLDS[0]!;
  const a = await runWorld(w, 3, 'learner on', 12);
  t.deepEqual(a, await runWorld(w, 3, 'learner on', 12));
  t.is(a.notifyChanges, 0);
  t.true(a.incidents.every((x) => x.remediated || x.escalated), 'every unremediated incident escalated');
});

test('each variant of the synthetic snapshot is a new scrape: other metric values, the same plan, the floor agrees', (t) => {
  const planner = createPlanner(syntheticRuleSet(200));
  const floor = createFloor(200);
  const values = (v: number): number[] => (syntheticSnapshot(200, 30, undefined, v).metrics['violationRate'] ?? []).map((x) => x.value);
  const a = values(1);
  const b = values(2);
  t.is(new Set([...a, ...b]).size, 60, 'no value repeats between policies or between variants');
  t.true(a.some((x) => x > 5) && a.some((x) => x <= 5), 'both sides of the plan rules\' threshold');
  const chosen = (v: number): string[] => planner.plan(syntheticSnapshot(200, 30, undefined, v), {}, `c${v}`).map((d) => d.chosen.map((c) => c.ruleId).join(','));
  t.deepEqual(chosen(1), chosen(2));
  for (const v of [1, 2]) t.deepEqual(floorDisagreements(planner.plan(syntheticSnapshot(200, 30, undefined, v), {}, 'f'), floor.plan(syntheticSnapshot(200, 30, undefined, v))), []);
});

import test from 'ava';
import { readFile } from 'node:fs/promises';
import { writeFixture } from '../../../src/app/record/fixture-writer.js';
import { createPlanner } from '../../../src/analyze/index.js';
import { parseFixture } from '../../../src/monitor/fixture.js';
import { loadRuleSet } from '../../../src/rules/load.js';
import { loadFixtures } from '../../../src/simulate/fixtures.js';
import { simulate } from '../../../src/simulate/simulate.js';
import { formatIssue } from '../../../src/types/errors.js';
import type { RuleSet } from '../../../src/types/rules.js';
import type { Snapshot } from '../../../src/types/snapshot.js';

const DIR = 'test/data/facts';

async function rules(): Promise<RuleSet> {
  const r = await loadRuleSet([`${DIR}/rules`]);
  if (!r.ok) throw new Error(r.issues.map(formatIssue).join('\n'));
  return r.ruleSet;
}

test('declared range facts replay from a fixture: slope plans audit mode, anomaly notifies, both through the planner', async (t) => {
  const rs = await rules();
  const loaded = await loadFixtures([`${DIR}/fixtures`], rs);
  t.deepEqual(loaded.issues.map(formatIssue), []);
  const result = await simulate(loaded.fixtures, rs);
  const failures = result.fixtures.flatMap((f) => f.report.steps.flatMap((s) => s.failures));
  t.deepEqual(failures, []);
  t.true(result.ok);
  const first = result.fixtures[0]?.runs[0]?.decisions ?? [];
  const p1 = first.find((d) => d.incidentId === 'policy:p-1');
  const leaf = p1?.rules.find((r) => r.rule === 'audit-rising@1')?.conditions[0];
  t.true(leaf !== undefined && Math.abs((leaf.factValue as number) - 0.1 / 30) < 1e-12, 'slope per second: 0.1 per 30 s');
  const p2 = first.find((d) => d.incidentId === 'policy:p-2');
  const anomaly = p2?.rules.find((r) => r.rule === 'notify-unusual@1')?.conditions[0]?.factValue as number;
  t.true(Math.abs(anomaly - (4.0 - 0.5) / (1.4826 * 0.1)) < 1e-9, 'median 0.5, MAD 0.1');
});

test('fixture metric and range names are checked against the rule set, reported with the schema issues', async (t) => {
  const rs = await rules();
  const r = parseFixture(`apiVersion: mapek/v1
kind: Fixture
name: t
start: "2026-11-26T12:00:00Z"
steps:
  - at: "+0s"
    bogus: 1
    metrics: { violationSlope: 1, nope: 2 }
    ranges:
      targetsTotal: [ { values: [1] } ]
      violationSlope: [ { every: 30s, values: [1], points: [[0, 1]] }, { points: [[30, 1]] } ]
`, 'f.yaml', rs);
  t.deepEqual(r.ok ? [] : r.issues.map(formatIssue), [
    'f.yaml:7:5: steps[0].bogus: unknown key "bogus" (allowed: at, name, alerts, metrics, ranges, violations, sources, expect)',
    'f.yaml:8:16: steps[0].metrics.violationSlope: metric fact "violationSlope" is a range fact: give its points under "ranges"',
    'f.yaml:8:35: steps[0].metrics.nope: unknown metric query "nope" (known: criticalViolationRate, violationRate, policyVersion, policyLoadFailed, violatedPolicies, enforcementFailureRate, committeeQueueDepth, committeeCapacity, committeeP99, validationLatencyP99, validationErrorRatio, complianceRatio, quarantinedShare, apiErrorRatio, up, targetsTotal)',
    'f.yaml:10:7: steps[0].ranges.targetsTotal: metric fact "targetsTotal" is an instant fact: give its samples under "metrics"',
    'f.yaml:10:23: steps[0].ranges.targetsTotal[0]: a series needs either "points" or both "every" and "values"',
    'f.yaml:11:25: steps[0].ranges.violationSlope[0]: a series needs either "points" or both "every" and "values"',
    'f.yaml:11:82: steps[0].ranges.violationSlope[1].points: point times are seconds relative to the step and must be <= 0',
  ]);
});

test('mapek record writes range points relative to the step; the fixture replays the same numbers', async (t) => {
  const rs = await rules();
  const at = '2026-11-26T12:00:00.000Z';
  const s0 = Date.parse(at) / 1000;
  const snapshot: Snapshot = {
    at,
    alerts: [{ fingerprint: 'f', name: 'ViolationRateHigh', severity: 'warning', state: 'firing', labels: { alertname: 'ViolationRateHigh', severity: 'warning', policy_id: 'p-1' }, annotations: {}, startsAt: at, silenced: false, inhibited: false, source: 'prometheus' }],
    metrics: { targetsTotal: [{ labels: {}, value: 12 }] },
    ranges: { violationSlope: [{ labels: { policy_id: 'p-1' }, points: [[s0 - 60, 0.25], [s0 - 30, 0.5], [s0, 1.5]] }] },
    violations: [],
    sources: { prometheus: { ok: true } },
  };
  const planner = createPlanner(rs);
  const live = planner.plan(snapshot, {}, 'c');
  const text = writeFixture('rec', 'recorded', [{ snapshot, decisions: live }]);
  t.regex(text, /points: \[\[-60, 0\.25\], \[-30, 0\.5\], \[0, 1\.5\]\]/);
  const r = parseFixture(text, 'rec.yaml', rs);
  if (!r.ok) return t.fail(r.issues.map(formatIssue).join('\n'));
  const replayed = r.fixture.steps[0]?.snapshot;
  t.deepEqual(replayed?.ranges, snapshot.ranges);
  const again = planner.plan(replayed as Snapshot, {}, 'c');
  t.deepEqual(again.map((d) => d.rules), live.map((d) => d.rules));
  t.deepEqual(again.flatMap((d) => d.chosen.map((c) => c.ruleId)), ['audit-rising']);
  return undefined;
});

test('a declared fact without data is null: nothing fires, the explanation shows null', async (t) => {
  const rs = await rules();
  const text = await readFile(`${DIR}/fixtures/rising.yaml`, 'utf8');
  const r = parseFixture(text.replace(/    ranges:[\s\S]*?    metrics:/, '    metrics:').replace(/expect:\n      actions[\s\S]*?\n  - at/, 'expect: { noActionsAtAll: true }\n  - at'), 'f.yaml', rs);
  if (!r.ok) return t.fail(r.issues.map(formatIssue).join('\n'));
  const d = createPlanner(rs).plan(r.fixture.steps[0]!.snapshot, {}, 'c');
  t.deepEqual(d.flatMap((x) => x.chosen), []);
  t.is(d.find((x) => x.incidentId === 'policy:p-1')?.rules.find((x) => x.rule === 'audit-rising@1')?.conditions[0]?.factValue, null);
  return undefined;
});

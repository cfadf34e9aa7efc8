import test from 'ava';
import { createPlanner } from '../../../src/analyze/index.js';
import { blocks } from '../../../src/analyze/veto.js';
import { compileRuleFiles } from '../../../src/rules/compile.js';
import { loadRuleSet } from '../../../src/rules/load.js';
import { loadFixtures } from '../../../src/simulate/fixtures.js';
import { simulate } from '../../../src/simulate/simulate.js';
import { renderTimeline } from '../../../src/simulate/timeline.js';
import { checkExpect } from '../../../src/simulate/expect.js';
import type { Candidate } from '../../../src/types/decision.js';
import { formatIssue } from '../../../src/types/errors.js';

const DIR = 'test/data/veto';

test('a veto holding blocks the matching candidates before competition; the notification still goes', async (t) => {
  const rs = await loadRuleSet([`${DIR}/rules`]);
  if (!rs.ok) return t.fail(rs.issues.map(formatIssue).join('\n'));
  const fx = await loadFixtures([`${DIR}/fixtures`], rs.ruleSet);
  t.deepEqual(fx.issues.map(formatIssue), []);
  t.deepEqual(fx.warnings.map(formatIssue), [], 'the veto names CharterManualEscalation, so the alert is known');
  const result = await simulate(fx.fixtures, rs.ruleSet);
  t.deepEqual(result.fixtures.flatMap((f) => f.report.steps.flatMap((s) => s.failures)), []);
  const step2 = result.fixtures[0]?.runs[1]?.decisions[0];
  const rollback = step2?.candidates.find((c) => c.ruleId === 'rollback');
  t.is(rollback?.vetoedBy, 'hands-off@2');
  t.is(rollback?.rejected, 'vetoed by hands-off@2 (alertnames contains "CharterManualEscalation" (was ["CharterManualEscalation","CriticalViolationDetected"]))');
  t.deepEqual(step2?.chosen.map((c) => c.ruleId), ['tell-team']);
  t.like(step2?.rules.find((r) => r.stage === 'veto'), { rule: 'hands-off@2', fired: true, pass: 0 });
  const text = renderTimeline(result.fixtures[0]!.report, result.fixtures[0]!.runs, '');
  t.true(text.includes('      veto: hands-off@2 holds, blocking 1 candidate\n'));
  t.true(text.includes('      vetoed: rollback_policy p-1 by rollback@1: vetoed by hands-off@2 ('));
  // The first step (no escalation): the veto is evaluated only where its alert fires.
  t.deepEqual(result.fixtures[0]?.runs[0]?.decisions[0]?.rules.filter((r) => r.stage === 'veto'), []);
  return undefined;
});

test('an expected veto that did not block says whether it held', async (t) => {
  const rs = await loadRuleSet([`${DIR}/rules`]);
  if (!rs.ok) return t.fail('rules');
  const fx = await loadFixtures([`${DIR}/fixtures`], rs.ruleSet);
  const snap = fx.fixtures[0]!.steps[0]!.snapshot;
  const d = createPlanner(rs.ruleSet).plan(snap, {}, 'c');
  t.deepEqual(checkExpect({ vetoed: ['hands-off'] }, d), ['expected veto "hands-off" to block a candidate; it did not hold']);
  return undefined;
});

const cand = (type: Candidate['action']['type'], risk: Candidate['action']['risk'], ruleId = 'r'): Candidate => ({
  rule: `${ruleId}@1`, ruleId, priority: 1, weight: 1, effectivePriority: 1, utility: 1,
  action: { type, target: 'p', params: {}, cost: 0, benefit: 1, risk, verify: { afterMs: 0, conditions: { all: [] } }, cooldownMs: 0 },
});

test('blocks: all, action types, risk at or above, rule ids (any match)', (t) => {
  t.true(blocks({ all: true }, cand('notify', 'low')));
  t.true(blocks({ actions: ['rollback_policy'] }, cand('rollback_policy', 'high')));
  t.false(blocks({ actions: ['rollback_policy'] }, cand('notify', 'low')));
  t.true(blocks({ risk: 'medium' }, cand('set_enforcement_mode', 'high')));
  t.true(blocks({ risk: 'medium' }, cand('set_enforcement_mode', 'medium')));
  t.false(blocks({ risk: 'medium' }, cand('notify', 'low')));
  t.true(blocks({ rules: ['x'], risk: 'high' }, cand('notify', 'low', 'x')));
});

const HEAD = 'apiVersion: mapek/v1\nname: t\nversion: 1.0.0\nrules:\n';
const VETO = (extra: string): string => `${HEAD}  - id: v
    version: 1
    description: d
    stage: veto
    priority: 10
    conditions: { all: [ { fact: severity, operator: equal, value: critical } ] }
${extra}`;

test('veto rule messages: blocks required, unknown and non-plan rules, stage-specific keys, bad blocks', (t) => {
  const issues = (text: string): string[] => {
    const r = compileRuleFiles([{ file: 'f.yaml', text }]);
    return r.ok ? [] : r.issues.map(formatIssue);
  };
  t.deepEqual(issues(VETO('')), ['f.yaml:5:5: rules[0]: veto rule "v" needs "blocks": the candidates it keeps from being chosen']);
  t.deepEqual(issues(VETO('    blocks: everything\n')), ['f.yaml:11:13: rules[0].blocks: must be "all", got "everything"']);
  t.deepEqual(issues(VETO('    blocks: { rules: [nope, v] }\n')), [
    'f.yaml:11:23: rules[0].blocks.rules[0]: unknown rule "nope" (no loaded rule has that id)',
    'f.yaml:11:29: rules[0].blocks.rules[1]: rule "v" is a veto rule; a veto blocks plan rules',
  ]);
  t.deepEqual(issues(VETO('    blocks: { risk: severe }\n    derive: { x: 1 }\n')), [
    'f.yaml:11:21: rules[0].blocks.risk: "severe" is not one of: low, medium, high',
    'f.yaml:12:5: rules[0].derive: "derive" is only allowed on analyze rules; rule "v" has stage "veto"',
  ]);
  t.deepEqual(issues(VETO('    blocks: all\n').replace('stage: veto', 'stage: analyze').replace('    blocks: all\n', '    derive: { x: 1 }\n    blocks: all\n')), [
    'f.yaml:12:5: rules[0].blocks: "blocks" is only allowed on veto rules; rule "v" has stage "analyze"',
  ]);
  const ok = compileRuleFiles([{ file: 'f.yaml', text: VETO('    blocks: all\n') }]);
  t.true(ok.ok);
  if (ok.ok) t.like(ok.ruleSet.rules[0], { stage: 'veto', blocks: { all: true } });
});

import test from 'ava';
import { createPlanner } from '../../../src/analyze/index.js';
import { compete, competitionKey, fmt, lossReason } from '../../../src/analyze/compete.js';
import type { Candidate } from '../../../src/types/decision.js';
import { alert, planRule, ruleSet, snapshot } from '../../support/engine-builders.js';

const firing = { all: [{ fact: 'alertnames', operator: 'contains', value: 'CriticalViolationDetected' }] };
const snap = snapshot([alert('CriticalViolationDetected', { policy_id: 'p-7' })]);

const rules = () => [
  planRule('rollback-bad-rollout', firing, { type: 'rollback_policy', target: '{{subject.id}}', cost: 2, benefit: 8, successProbability: 0.8 }, { priority: 70 }),
  planRule('audit-mode', firing, { type: 'set_enforcement_mode', target: '{{subject.id}}', params: { mode: 'audit' }, cost: 1, benefit: 4 }, { priority: 70 }),
  planRule('notify-owner', firing, { type: 'notify', target: '{{subject.id}}', params: { message: 'p' } }, { priority: 10 }),
];

test('proposals for the same target compete: priority, then utility; notify does not compete with remediation', (t) => {
  const [d] = createPlanner(ruleSet(rules())).plan(snap, {}, 'c');
  t.deepEqual(d?.chosen.map((c) => c.ruleId), ['notify-owner', 'rollback-bad-rollout']);
  const loser = d?.candidates.find((c) => c.ruleId === 'audit-mode');
  t.is(loser?.rejected, 'equal effective priority 70, lower utility 1.5 < 4.8 (rollback-bad-rollout)');
});

test('a learned weight changes the winner, and the reason says so', (t) => {
  const [d] = createPlanner(ruleSet(rules())).plan(snap, { 'rollback-bad-rollout': 0.8 }, 'c');
  t.deepEqual(d?.chosen.map((c) => c.ruleId), ['notify-owner', 'audit-mode']);
  const loser = d?.candidates.find((c) => c.ruleId === 'rollback-bad-rollout');
  t.is(loser?.rejected, 'lower effective priority 56 < 70 (audit-mode)');
  t.is(loser?.weight, 0.8);
});

test('a situated weight (rule|incident kind) is used in its situation before the rule\'s own; other situations keep the rule\'s', (t) => {
  const weights = { 'rollback-bad-rollout|CriticalViolationDetected': 0.5, 'rollback-bad-rollout': 2, 'audit-mode|OtherAlert': 0.1 };
  const [d] = createPlanner(ruleSet(rules())).plan(snap, weights, 'c');
  t.deepEqual(d?.candidates.map((c) => [c.ruleId, c.weight]).sort(), [['audit-mode', 1], ['notify-owner', 1], ['rollback-bad-rollout', 0.5]]);
  t.deepEqual(d?.chosen.map((c) => c.ruleId), ['notify-owner', 'audit-mode']);
});

test('invalid weights fall back to 1', (t) => {
  const [d] = createPlanner(ruleSet(rules())).plan(snap, { 'rollback-bad-rollout': Number.NaN, 'audit-mode': -1 }, 'c');
  t.true(d?.candidates.every((c) => c.weight === 1));
});

const cand = (ruleId: string, effectivePriority: number, utility: number, target = 'p'): Candidate => ({
  rule: `${ruleId}@1`, ruleId, priority: effectivePriority, weight: 1, effectivePriority, utility,
  action: { type: 'rollback_policy', target, params: {}, cost: 0, benefit: 0, risk: 'medium', verify: { afterMs: 0, conditions: { all: [] } }, cooldownMs: 0 },
});

test('a full tie breaks by rule id, deterministically and whatever the input order', (t) => {
  const a = cand('b-rule', 50, 2);
  const b = cand('a-rule', 50, 2);
  const r1 = compete([a, b]);
  const r2 = compete([b, a]);
  t.deepEqual(r1.chosen.map((c) => c.ruleId), ['a-rule']);
  t.deepEqual(r2.chosen.map((c) => c.ruleId), ['a-rule']);
  t.is(r1.candidates[0]?.rejected, 'tie on effective priority 50 and utility 2: a-rule wins by rule id order');
});

test('different targets do not compete; numbers in reasons are rounded', (t) => {
  const r = compete([cand('x', 10, 1, 'p-1'), cand('y', 20, 1, 'p-2')]);
  t.is(r.chosen.length, 2);
  t.is(fmt(56.00000001), '56');
  t.is(fmt(1.23456), '1.235');
  t.is(lossReason(cand('x', 1.5, 0), cand('y', 2.25, 0)), 'lower effective priority 1.5 < 2.25 (y)');
  t.is(competitionKey(cand('x', 1, 1, 'p-1').action), 'policy:p-1');
});

test('an incident whose alerts are resolved or silenced gets no action, with the reason', (t) => {
  const any = { all: [] };
  const rs = ruleSet([planRule('always', any, { type: 'notify', target: 'charter', params: { message: 'm' } })]);
  const s = snapshot([
    alert('CharterAPIErrors', {}, { state: 'resolved', severity: 'warning' }),
    alert('CharterDown', {}, { silenced: true }),
  ]);
  const [d] = createPlanner(rs).plan(s, {}, 'c');
  t.deepEqual(d?.alerts, []);
  t.deepEqual(d?.chosen, []);
  t.is(d?.candidates[0]?.rejected, 'no firing, unsilenced alert in the incident (resolved: CharterAPIErrors; silenced: CharterDown)');
});

test('a target template that renders empty is rejected', (t) => {
  const rs = ruleSet([planRule('bad-target', firing, { type: 'quarantine_target', target: '{{labels.node_or_service}}' })]);
  const [d] = createPlanner(rs).plan(snap, {}, 'c');
  t.deepEqual(d?.chosen, []);
  t.is(d?.candidates[0]?.rejected, 'target "{{labels.node_or_service}}" rendered empty');
});

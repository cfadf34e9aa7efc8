/**
 * Shared leaves (src/analyze/shared-leaves.ts): a leaf several rules hold is read once per
 * incident in the plan and veto stages, the rules' traces hold one object, conditions of one
 * shape share a fresh outcome — and nothing a decision says changes: a veto's reason names
 * its own rule, and a rule's own `firingFor` is its own.
 */
import test from 'ava';
import { compileCondition } from '../../../src/analyze/compile.js';
import { compileRuleSet } from '../../../src/analyze/compiled-rules.js';
import { evaluateLeaf, LeafTable, newTraceBudget } from '../../../src/analyze/shared-leaves.js';
import { createPlanner } from '../../../src/analyze/index.js';
import { evaluateTraced } from '../../../src/analyze/traced.js';
import type { Condition, VetoRule } from '../../../src/types/rules.js';
import { alert, planRule, ruleSet, snapshot } from '../../support/engine-builders.js';

const rate: Condition = { fact: 'metrics', path: '$.criticalViolationRate', operator: 'greaterThan', value: 0.1 };
const named: Condition = { fact: 'alertnames', operator: 'contains', value: 'A' };

function counting(values: Record<string, unknown>): { lookup: (name: string) => unknown; reads: string[] } {
  const reads: string[] = [];
  return { reads, lookup: (name) => (reads.push(name), values[name]) };
}

test('with the incident scratch, a leaf two rules hold is read once and traced by one object', (t) => {
  const cr = compileRuleSet(ruleSet([
    planRule('one', { all: [rate, named] }, { type: 'notify', target: 'x' }),
    planRule('two', { any: [named, { fact: 'severity', operator: 'equal', value: 'critical' }] }, { type: 'notify', target: 'y' }),
  ]));
  const [one, two] = cr.plan.all;
  if (one === undefined || two === undefined) throw new Error('two plan rules expected');
  t.is(one.shared[1], two.shared[0], 'the alertnames leaf is one shared leaf');
  const facts = counting({ metrics: { criticalViolationRate: 0.5 }, alertnames: ['A'], severity: 'critical' });
  cr.scratch.next();
  const a = evaluateTraced(one, facts.lookup, cr.scratch);
  const b = evaluateTraced(two, facts.lookup, cr.scratch);
  t.deepEqual(facts.reads, ['metrics', 'alertnames', 'severity']);
  t.is(a.raw[1], b.raw[0]);
  t.true(a.fired && b.fired);
  // Another incident: read again.
  cr.scratch.next();
  evaluateTraced(two, facts.lookup, cr.scratch);
  t.deepEqual(facts.reads.slice(3), ['alertnames', 'severity']);
  // Without the scratch (analysis: facts change within a pass), every rule reads its own.
  const loose = counting({ metrics: { criticalViolationRate: 0.5 }, alertnames: ['A'], severity: 'critical' });
  evaluateTraced(one, loose.lookup);
  evaluateTraced(two, loose.lookup);
  t.deepEqual(loose.reads, ['metrics', 'alertnames', 'alertnames', 'severity']);
});

test('conditions of one shape share the outcome of an incident; other values, other outcomes', (t) => {
  const cr = compileRuleSet(ruleSet([
    planRule('one', { all: [rate, named] }, { type: 'notify', target: 'x' }, { priority: 60 }),
    planRule('two', { all: [rate, named] }, { type: 'notify', target: 'y' }, { priority: 50 }),
    planRule('three', { any: [rate, named] }, { type: 'notify', target: 'z' }, { priority: 40 }),
  ]));
  const [one, two, three] = cr.plan.all;
  if (one === undefined || two === undefined || three === undefined) throw new Error('three plan rules expected');
  t.is(one.shape, two.shape);
  t.not(one.shape, three.shape, 'any is not all');
  const at = (v: number) => counting({ metrics: { criticalViolationRate: v }, alertnames: ['B'] }).lookup;
  cr.scratch.next();
  const lookup = at(0.5);
  const a = evaluateTraced(one, lookup, cr.scratch);
  t.is(evaluateTraced(two, lookup, cr.scratch), a);
  t.false(a.fired);
  t.true(evaluateTraced(three, lookup, cr.scratch).fired);
  cr.scratch.next();
  const b = evaluateTraced(two, at(0.05), cr.scratch);
  t.not(b, a);
  t.is(b.raw[0]?.factValue, 0.05);
});

const veto = (id: string, blocks: VetoRule['blocks']): VetoRule => ({
  id, version: 1, description: id, stage: 'veto', priority: 50, alerts: [], subjects: [], conditions: { all: [rate] }, blocks,
  location: { file: 'test.yaml', line: 1, column: 1 }, ruleSet: 'test@1',
});

test('two vetoes with one condition shape: each candidate is vetoed in the words of its own veto', (t) => {
  const p = createPlanner(ruleSet([
    planRule('restart', { all: [named] }, { type: 'notify', target: 'a' }),
    planRule('rollback', { all: [named] }, { type: 'rollback_policy', target: 'p-1' }),
    veto('no-notify', { actions: ['notify'] }),
    veto('no-rollback', { actions: ['rollback_policy'] }),
  ]));
  const snap = snapshot([alert('A', { policy_id: 'p-1' })], { criticalViolationRate: [{ labels: { policy_id: 'p-1' }, value: 0.25 }] });
  for (const cycle of ['c1', 'c2']) {
    const [d] = p.plan(snap, {}, cycle);
    const by = (id: string) => d?.candidates.find((c) => c.ruleId === id);
    t.is(by('restart')?.vetoedBy, 'no-notify@1');
    t.is(by('restart')?.rejected, 'vetoed by no-notify@1 (metrics.criticalViolationRate greaterThan 0.1 (was 0.25))');
    t.is(by('rollback')?.vetoedBy, 'no-rollback@1');
    t.is(by('rollback')?.rejected, 'vetoed by no-rollback@1 (metrics.criticalViolationRate greaterThan 0.1 (was 0.25))');
  }
});

test('leaves reading a rule\'s own firingFor are not shared with another rule naming other alerts', (t) => {
  const longer: Condition = { fact: 'firingFor', operator: 'greaterThan', value: 100 };
  const p = createPlanner(ruleSet([
    planRule('old', { all: [longer] }, { type: 'notify', target: 'old' }, { alerts: ['Old'] }),
    planRule('young', { all: [longer] }, { type: 'notify', target: 'young' }, { alerts: ['Young'] }),
  ]));
  const s = snapshot([
    alert('Old', { policy_id: 'p-1' }, { startsAt: '2026-11-26T11:50:00.000Z' }),
    alert('Young', { policy_id: 'p-1' }, { startsAt: '2026-11-26T11:59:30.000Z' }),
  ]);
  const [d] = p.plan(s, {}, 'c');
  const seen = (ref: string) => d?.rules.find((r) => r.rule === ref)?.conditions[0]?.factValue;
  t.is(seen('old@1'), 600);
  t.is(seen('young@1'), 30);
  t.deepEqual(d?.chosen.map((c) => c.ruleId), ['old']);
});

test('past the budget every kept trace is dropped at once, and the leaf keeps anew', (t) => {
  const table = new LeafTable();
  const [leaf] = table.add(compileCondition({ fact: 'n', operator: 'greaterThan', value: 5 }, {}).leaves, undefined);
  if (leaf === undefined) throw new Error('one shared leaf expected');
  const budget = newTraceBudget();
  const at = (n: number) => evaluateLeaf(leaf, (name) => (name === 'n' ? n : undefined), budget);
  const first = at(0);
  t.true(first.kept);
  t.is(at(0), first, 'a repeating value finds its kept trace');
  // Each value seen twice (so the leaf never rests) until the budget's 20,000 entries are spent.
  let unkept = 0;
  for (let n = 1; n < 20_000; n++) if (at(n) !== at(n)) unkept++;
  t.is(unkept, 0);
  t.is(budget.generation, 0);
  t.is(at(0), first);
  const last = at(20_000);
  t.is(budget.generation, 1, 'one entry past the budget starts a new generation');
  t.is(at(20_000), last, 'the entry that started it is kept in the new one');
  t.not(at(0), first, 'what the old generation kept is gone');
  t.deepEqual(at(0).raw, first.raw);
});

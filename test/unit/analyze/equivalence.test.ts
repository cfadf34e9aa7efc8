/**
 * The compiled evaluator against json-rules-engine (the reference), on every rule × every
 * incident of every shipped fixture: same result, same leaf traces — both `evaluate` and the
 * planner's own path (shared leaves, kept traces and outcomes, an incident's scratch). Plus
 * the index against a full scan.
 */
import test from 'ava';
import { compileRuleSet } from '../../../src/analyze/index.js';
import { evaluate } from '../../../src/analyze/compile.js';
import { evaluateTraced } from '../../../src/analyze/traced.js';
import { evaluateReference } from '../../../src/analyze/engine.js';
import { analyzeIncident } from '../../../src/analyze/planner.js';
import { globalFacts } from '../../../src/analyze/facts.js';
import { groupIncidents } from '../../../src/monitor/incidents.js';
import { loadRuleSet } from '../../../src/rules/load.js';
import { loadFixtures } from '../../../src/simulate/fixtures.js';
import type { ConditionTrace } from '../../../src/types/decision.js';
import type { RuleSet } from '../../../src/types/rules.js';

async function shipped(): Promise<{ rs: RuleSet; snapshots: import('../../../src/types/snapshot.js').Snapshot[] }> {
  const loaded = await loadRuleSet(['rules']);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
  const fx = await loadFixtures(['fixtures'], loaded.ruleSet);
  if (fx.issues.length > 0) throw new Error(JSON.stringify(fx.issues));
  return { rs: loaded.ruleSet, snapshots: fx.fixtures.flatMap((f) => f.steps.map((s) => s.snapshot)) };
}

test('compiled conditions agree with json-rules-engine on every rule and incident of the fixtures', async (t) => {
  const { rs, snapshots } = await shipped();
  const cr = compileRuleSet(rs);
  let compared = 0;
  // Twice over: the second time the planner's path finds kept leaf traces and outcomes.
  for (const round of [1, 2]) {
    for (const snap of snapshots) {
      const incidents = groupIncidents(snap);
      const global = globalFacts(snap, incidents);
      for (const incident of incidents) {
        const a = analyzeIncident(cr, incident, global);
        const facts = { ...a.observed, ...a.derived };
        const lookup = (n: string): unknown => facts[n];
        cr.scratch.next();
        for (const c of [...cr.analyze.all, ...cr.plan.all, ...cr.veto.all]) {
          const at = `${c.ref} on ${incident.id}, round ${round}`;
          const traces: ConditionTrace[] = [];
          const mine = evaluate(c.condition.root, lookup, traces);
          const ref = await evaluateReference(c.rule.conditions, facts, rs.namedConditions);
          t.is(mine, ref.fired, at);
          t.deepEqual(traces, ref.conditions, `${at}: traces`);
          // What the planner runs: shared leaves, kept traces, outcomes by shape (traced.ts).
          const settled = evaluateTraced(c, lookup, cr.scratch);
          t.is(settled.fired, ref.fired, `${at}: planner's path`);
          t.deepEqual(settled.raw, ref.conditions, `${at}: planner's path, traces`);
          const alone = evaluateTraced(c, lookup);
          t.is(alone.fired, ref.fired, `${at}: without the incident's leaves`);
          t.deepEqual(alone.raw, ref.conditions, `${at}: without the incident's leaves, traces`);
          compared++;
        }
      }
    }
  }
  t.true(compared > 2000);
});

test('the index returns exactly what a full scan with the alerts/subjects filter would, in order', async (t) => {
  const { rs, snapshots } = await shipped();
  const cr = compileRuleSet(rs);
  let indexed = 0;
  let full = 0;
  for (const snap of snapshots) {
    for (const incident of groupIncidents(snap)) {
      const alertnames = [...new Set(incident.alerts.filter((a) => a.state === 'firing' && !a.silenced && !a.inhibited).map((a) => a.name))].sort();
      for (const idx of [cr.analyze, cr.plan] as const) {
        const scan = idx.all.filter((c) =>
          (c.rule.alerts.length === 0 || c.rule.alerts.some((x) => alertnames.includes(x))) &&
          (c.rule.subjects.length === 0 || c.rule.subjects.includes(incident.subject.kind)));
        const got = idx.candidates(incident.subject.kind, alertnames);
        t.deepEqual(got.map((c) => c.ref), scan.map((c) => c.ref));
        indexed += got.length;
        full += idx.all.length;
      }
    }
  }
  t.true(indexed * 4 < full, `${indexed} candidate evaluations vs ${full} for all rules × all incidents`);
});

test('the reference handles bare leaves and unknown-fact comparisons like the compiled evaluator', async (t) => {
  const cond = { fact: 'x', operator: 'notEqual', value: { fact: 'y', path: '$.a' } };
  const ref = await evaluateReference(cond, { x: 1 }, {});
  t.false(ref.fired);
  t.deepEqual(ref.conditions, [{ fact: 'x', operator: 'notEqual', value: undefined, factValue: 1, result: false }]);
});

/**
 * The memory of the last decision recorded per incident, and the rule that says whether a
 * decision is stored again (src/execute/unchanged.ts), with the fingerprint it compares
 * (src/execute/plan-fingerprint.ts).
 */
import test from 'ava';
import { planFingerprint } from '../../../src/execute/plan-fingerprint.js';
import { recordVerdict, UnchangedDecisions, type LastRecorded } from '../../../src/execute/unchanged.js';
import type { Decision } from '../../../src/types/decision.js';
import { candidate, decision } from '../../support/execute-fakes.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const REFRESH = 300_000;

/** The same plan for incident committee:c1 in cycle `n`, `n × 30 s` after T0. */
function plan(n: number, over: Partial<Decision> = {}): Decision {
  return { ...decision('committee:c1', ['CommitteeOverloaded'], [candidate()], [], `cycle-${n}`), id: `cycle-${n}:committee:c1`, at: iso(T0 + n * 30_000), ...over };
}

/** Runs one decision through the memory as the executor does (stored ones always succeed). */
function cycle(m: UnchangedDecisions, d: Decision, acts = false): ReturnType<UnchangedDecisions['verdict']> {
  const fp = planFingerprint(d);
  const v = m.verdict(d, fp, acts);
  if (v.store) m.recorded(d, fp);
  else m.repeated(d);
  m.keepOnly(new Set([d.incidentId]));
  return v;
}

test('the fingerprint compares the text the store would write: keys in another order count as a change (stored: safe), undefined members do not', (t) => {
  const a = plan(1);
  t.is(planFingerprint({ ...a, shadow: undefined }), planFingerprint(a), 'JSON leaves an undefined member out, as the store does');
  const { derived, ...rest } = a;
  t.not(planFingerprint({ derived, ...rest } as Decision), planFingerprint(a));
  t.not(planFingerprint(plan(1, { derived: { cause: '+Inf' } })), planFingerprint(plan(1, { derived: { cause: 'NaN' } })));
});

test('the fingerprint ignores id, cycle id, time and unrecordedBefore, and changes with any other field', (t) => {
  const a = plan(1);
  const fp = planFingerprint(a);
  t.is(planFingerprint(plan(2)), fp);
  t.is(planFingerprint({ ...plan(3), unrecordedBefore: { decisionId: 'x', at: iso(T0), cycles: 2, lastAt: iso(T0), same: true } }), fp);
  const changed: Partial<Decision>[] = [
    { derived: { cause: 'other' } },
    { ruleSetHash: 'hash2' },
    { alerts: ['CommitteeOverloaded', 'PolicyDrift'] },
    { rules: [{ rule: 'r@1', stage: 'plan', fired: true, pass: 0, conditions: [{ fact: 'queue', operator: 'greaterThan', value: 10, factValue: 11, result: true }] }] },
    { candidates: [candidate({ priority: 6 })] },
    { candidates: [{ ...candidate(), rejected: 'lost to x' }] },
    { chosen: [] },
    { duplicates: [{ ruleId: 'scale-committee', target: 'c1', key: 'k', executionId: 'e1', status: 'applied', cycleId: 'cycle-1' }] },
    { shadow: { candidates: [candidate()], chosen: [] } },
  ];
  for (const over of changed) t.not(planFingerprint(plan(1, over)), fp, JSON.stringify(over));
  // One fact value in one trace, 11 → 12: a different decision.
  const trace = (v: number): Partial<Decision> => ({ rules: [{ rule: 'r@1', stage: 'plan', fired: true, pass: 0, conditions: [{ fact: 'queue', operator: 'greaterThan', value: 10, factValue: v, result: true }] }] });
  t.not(planFingerprint(plan(1, trace(11))), planFingerprint(plan(1, trace(12))));
  t.is(planFingerprint(plan(1, trace(11))), planFingerprint(plan(9, trace(11))));
});

test('recordVerdict: first, identical within the period, changed, acts, refresh, and a clock that went back', (t) => {
  const last: LastRecorded = { decisionId: 'd1', at: iso(T0), fingerprint: 'F', cycles: 0 };
  const seen = (fingerprint: string, atMs: number, acts = false) => ({ fingerprint, atMs, acts });
  t.deepEqual(recordVerdict(undefined, seen('F', T0), REFRESH), { store: true, reason: 'first' });
  t.deepEqual(recordVerdict(last, seen('F', T0 + 30_000), REFRESH), { store: false, repeats: last });
  t.deepEqual(recordVerdict(last, seen('G', T0 + 30_000), REFRESH), { store: true, reason: 'changed' });
  t.deepEqual(recordVerdict(last, seen('F', T0 + 30_000, true), REFRESH), { store: true, reason: 'acts' });
  t.deepEqual(recordVerdict(last, seen('F', T0 + REFRESH - 1), REFRESH), { store: false, repeats: last });
  t.deepEqual(recordVerdict(last, seen('F', T0 + REFRESH), REFRESH), { store: true, reason: 'refresh' });
  t.deepEqual(recordVerdict(last, seen('F', T0 - 1), REFRESH), { store: true, reason: 'refresh' });
  t.deepEqual(recordVerdict(last, seen('F', Number.NaN), REFRESH), { store: true, reason: 'refresh' });
  t.deepEqual(recordVerdict(last, seen('F', T0), 0), { store: true, reason: 'refresh' }, 'refresh period 0: every decision is stored');
  const repeated: LastRecorded = { ...last, cycles: 3, lastAt: iso(T0 + 90_000) };
  t.deepEqual(recordVerdict(repeated, seen('G', T0 + 120_000), REFRESH), { store: true, reason: 'changed', before: { decisionId: 'd1', at: iso(T0), cycles: 3, lastAt: iso(T0 + 90_000), same: false } });
  t.deepEqual(recordVerdict(repeated, seen('F', T0 + 120_000, true), REFRESH), { store: true, reason: 'acts', before: { decisionId: 'd1', at: iso(T0), cycles: 3, lastAt: iso(T0 + 90_000), same: true } });
});

test('identical decisions are skipped; the one after the refresh period is recorded with the count of those skipped', (t) => {
  const m = new UnchangedDecisions(REFRESH);
  t.deepEqual(cycle(m, plan(0)), { store: true, reason: 'first' });
  // Cycles 1..9 (30 s apart, up to 270 s): skipped.
  for (let n = 1; n <= 9; n++) t.false(cycle(m, plan(n)).store, `cycle ${n}`);
  t.deepEqual(m.get('committee:c1'), { decisionId: 'cycle-0:committee:c1', at: iso(T0), fingerprint: planFingerprint(plan(0)), cycles: 9, lastAt: iso(T0 + 270_000) });
  // Cycle 10 is 300 s after the recorded one: recorded again, saying what was not.
  t.deepEqual(cycle(m, plan(10)), { store: true, reason: 'refresh', before: { decisionId: 'cycle-0:committee:c1', at: iso(T0), cycles: 9, lastAt: iso(T0 + 270_000), same: true } });
  t.deepEqual(m.get('committee:c1'), { decisionId: 'cycle-10:committee:c1', at: iso(T0 + 300_000), fingerprint: planFingerprint(plan(10)), cycles: 0 });
  t.false(cycle(m, plan(11)).store);
});

test('a changed plan is recorded at once, carrying how many cycles the previous one repeated', (t) => {
  const m = new UnchangedDecisions(REFRESH);
  cycle(m, plan(0));
  cycle(m, plan(1));
  cycle(m, plan(2));
  t.deepEqual(cycle(m, plan(3, { derived: { cause: 'other' } })), { store: true, reason: 'changed', before: { decisionId: 'cycle-0:committee:c1', at: iso(T0), cycles: 2, lastAt: iso(T0 + 60_000), same: false } });
  // Back to the first plan: it differs from the last recorded one (cycle 3), so it is recorded.
  t.deepEqual(cycle(m, plan(4)), { store: true, reason: 'changed' });
});

test('a decision with something to run is recorded even when identical', (t) => {
  const m = new UnchangedDecisions(REFRESH);
  cycle(m, plan(0));
  t.false(cycle(m, plan(1)).store);
  t.deepEqual(cycle(m, plan(2), true), { store: true, reason: 'acts', before: { decisionId: 'cycle-0:committee:c1', at: iso(T0), cycles: 1, lastAt: iso(T0 + 30_000), same: true } });
  t.deepEqual(cycle(m, plan(3), true), { store: true, reason: 'acts' });
});

test('an incident without a decision in a cycle is forgotten: when it returns, its first decision is recorded', (t) => {
  const m = new UnchangedDecisions(REFRESH);
  cycle(m, plan(0));
  t.false(cycle(m, plan(1)).store);
  m.keepOnly(new Set(['policy:p1'])); // a cycle in which committee:c1 had no decision
  t.is(m.size, 0);
  t.deepEqual(cycle(m, plan(3)), { store: true, reason: 'first' });
});

test('a decision the store refused is forgotten: the next one is recorded whatever it is', (t) => {
  const m = new UnchangedDecisions(REFRESH);
  cycle(m, plan(0));
  cycle(m, plan(1));
  m.forget('committee:c1');
  t.deepEqual(cycle(m, plan(2)), { store: true, reason: 'first' });
});

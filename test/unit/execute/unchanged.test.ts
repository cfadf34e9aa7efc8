/**
 * The memory of the last decision recorded per incident, and the rule that says whether a
 * decision is stored again (src/execute/unchanged.ts), with the comparison it makes
 * (src/execute/plan-equal.ts), held to the JSON text the store would write.
 */
import test from 'ava';
import { samePlan } from '../../../src/execute/plan-equal.js';
import { recordVerdict, UnchangedDecisions, type LastRecorded } from '../../../src/execute/unchanged.js';
import type { Decision } from '../../../src/types/decision.js';
import { candidate, decision } from '../../support/execute-fakes.js';
import { planText } from '../../support/plan-text.js';

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const REFRESH = 300_000;

/** The same plan for incident committee:c1 in cycle `n`, `n × 30 s` after T0. */
function plan(n: number, over: Partial<Decision> = {}): Decision {
  return { ...decision('committee:c1', ['CommitteeOverloaded'], [candidate()], [], `cycle-${n}`), id: `cycle-${n}:committee:c1`, at: iso(T0 + n * 30_000), ...over };
}

/** Runs one decision through the memory as the executor does (stored ones always succeed). */
function cycle(m: UnchangedDecisions, d: Decision, acts = false): ReturnType<UnchangedDecisions['verdict']> {
  const v = m.verdict(d, m.sameAsLast(d) !== undefined, acts);
  if (v.store) m.recorded(d);
  else m.repeated(d);
  m.keepOnly(new Set([d.incidentId]));
  return v;
}

/** samePlan, checked against the text it stands for. */
function same(t: { is: (a: unknown, b: unknown, m?: string) => void }, a: Decision, b: Decision): boolean {
  const r = samePlan(a, b);
  t.is(r, planText(a) === planText(b), `samePlan disagrees with the JSON text: ${planText(a).slice(0, 200)} / ${planText(b).slice(0, 200)}`);
  return r;
}

test('samePlan compares the text the store would write: keys in another order count as a change (stored: safe), undefined members do not', (t) => {
  const a = plan(1);
  t.true(same(t, { ...a, shadow: undefined }, a), 'JSON leaves an undefined member out, as the store does');
  const { derived, ...rest } = a;
  t.false(same(t, { derived, ...rest } as Decision, a));
  t.false(same(t, plan(1, { derived: { cause: '+Inf' } }), plan(1, { derived: { cause: 'NaN' } })));
});

test('samePlan ignores id, cycle id, time and unrecordedBefore, and sees any other field change', (t) => {
  const a = plan(1);
  t.true(same(t, plan(2), a));
  t.true(same(t, { ...plan(3), unrecordedBefore: { decisionId: 'x', at: iso(T0), cycles: 2, lastAt: iso(T0), same: true } }, a));
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
  for (const over of changed) t.false(same(t, plan(1, over), a), JSON.stringify(over));
  // One fact value in one trace, 11 → 12: a different decision.
  const trace = (v: unknown): Partial<Decision> => ({ rules: [{ rule: 'r@1', stage: 'plan', fired: true, pass: 0, conditions: [{ fact: 'queue', operator: 'greaterThan', value: 10, factValue: v, result: true }] }] });
  t.false(same(t, plan(1, trace(11)), plan(1, trace(12))));
  t.true(same(t, plan(1, trace(11)), plan(9, trace(11))));
});

test('samePlan follows JSON where it is surprising: -0 is 0, a non-finite number and undefined in an array are null, toJSON is called', (t) => {
  const trace = (v: unknown): Partial<Decision> => ({ rules: [{ rule: 'r@1', stage: 'plan', fired: true, pass: 0, conditions: [{ fact: 'q', operator: 'in', value: [1], factValue: v, result: true }] }] });
  const pairs: [unknown, unknown][] = [
    [0, -0], [Number.NaN, null], [Number.POSITIVE_INFINITY, Number.NaN], [[undefined], [null]], [[() => 1], [null]], [[1, 2], [1, 2, 3]],
    [{ a: 1, b: undefined }, { a: 1 }], [{ a: 1, b: 2 }, { b: 2, a: 1 }], [{ a: 1 }, { b: 1 }], [{ a: 1, b: 1 }, { b: 1, a: 1 }], [new Date(T0), iso(T0)], [new Date(T0), new Date(T0 + 1)], ['1', 1], [true, 'true'],
    [{ a: { b: [1, { c: null }] } }, { a: { b: [1, { c: null }] } }], [{ a: { b: [1, { c: null }] } }, { a: { b: [1, { c: 0 }] } }], [[], {}], [null, {}],
  ];
  for (const [x, y] of pairs) same(t, plan(1, trace(x)), plan(1, trace(y)));
});

test('recordVerdict: first, identical within the period, changed, acts, refresh, and a clock that went back', (t) => {
  const last: LastRecorded = { decisionId: 'd1', at: iso(T0), plan: plan(0), cycles: 0 };
  const seen = (text: 'F' | 'G', atMs: number, acts = false) => ({ same: text === 'F', atMs, acts });
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
  t.deepEqual(m.get('committee:c1'), { decisionId: 'cycle-0:committee:c1', at: iso(T0), plan: plan(0), cycles: 9, lastAt: iso(T0 + 270_000) });
  // Cycle 10 is 300 s after the recorded one: recorded again, saying what was not.
  t.deepEqual(cycle(m, plan(10)), { store: true, reason: 'refresh', before: { decisionId: 'cycle-0:committee:c1', at: iso(T0), cycles: 9, lastAt: iso(T0 + 270_000), same: true } });
  t.deepEqual(m.get('committee:c1'), { decisionId: 'cycle-10:committee:c1', at: iso(T0 + 300_000), plan: plan(10), cycles: 0 });
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

test('samePlan agrees with the JSON text on 2,000 random pairs of fact values (copies, small edits, reorderings)', (t) => {
  let seed = 12345;
  // A linear congruential generator; its high bits (the low ones repeat with a short period).
  const rnd = (n: number): number => Math.floor(((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * n);
  const atoms: unknown[] = [0, -0, 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, null, undefined, '', 'a', '1', true, false];
  const value = (depth: number): unknown => {
    const k = rnd(depth > 2 ? 1 : 3);
    if (k === 0) return atoms[rnd(atoms.length)];
    if (k === 1) return Array.from({ length: rnd(3) }, () => value(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = 0, n = rnd(3); i < n; i++) o[['x', 'y', 'z'][rnd(3)] as string] = value(depth + 1);
    return o;
  };
  const edit = (v: unknown): unknown => {
    if (rnd(3) === 0) return atoms[rnd(atoms.length)];
    if (Array.isArray(v)) return rnd(2) === 0 ? [...v].reverse() : v.map((x) => (rnd(2) === 0 ? edit(x) : x));
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      return Object.fromEntries(rnd(2) === 0 ? entries.reverse() : entries.map(([k, x]) => [k, rnd(2) === 0 ? edit(x) : x]));
    }
    return v;
  };
  const trace = (v: unknown): Partial<Decision> => ({ derived: { v }, rules: [{ rule: 'r@1', stage: 'plan', fired: true, pass: 0, conditions: [{ fact: 'q', operator: 'in', value: [1], factValue: v, result: true }] }] });
  let equal = 0;
  for (let i = 0; i < 2000; i++) {
    const v = value(0);
    const w = rnd(2) === 0 ? structuredClone(v) : edit(v);
    if (same(t, plan(1, trace(v)), plan(2, trace(w)))) equal++;
  }
  t.true(equal > 200 && equal < 1800, `both outcomes exercised (${equal} equal of 2000)`);
  t.log(`${equal} of 2000 pairs equal`);
});

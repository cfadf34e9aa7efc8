/** Check one step's expectations against its decisions; each failure is one sentence. */
import type { Candidate, Decision } from '../types/decision.js';
import type { ActionPattern, FixtureExpect } from '../monitor/fixture-types.js';
import { deepEqual } from '../analyze/equal.js';

function matches(p: ActionPattern, c: Candidate): boolean {
  if (p.type !== undefined && p.type !== c.action.type) return false;
  if (p.target !== undefined && p.target !== c.action.target) return false;
  if (p.params !== undefined) {
    for (const [k, v] of Object.entries(p.params)) if (!deepEqual(c.action.params[k], v)) return false;
  }
  return true;
}

export function describePattern(p: ActionPattern): string {
  const parts = [p.type ?? 'any action', p.target ?? 'any target'];
  if (p.params !== undefined) parts.push(JSON.stringify(p.params));
  return parts.join(' ');
}

export function describeAction(c: Candidate): string {
  return `${c.action.type} ${c.action.target} (${c.ruleId})`;
}

function ruleId(ref: string): string {
  const at = ref.lastIndexOf('@');
  return at < 0 ? ref : ref.slice(0, at);
}

function isEmpty(expect: FixtureExpect): boolean {
  for (const k in expect) if (Object.prototype.hasOwnProperty.call(expect, k)) return false;
  return true;
}

export function checkExpect(expect: FixtureExpect, decisions: readonly Decision[]): string[] {
  const failures: string[] = [];
  // Most steps of a long recording expect nothing: build the lists only when asked.
  if (isEmpty(expect)) return failures;
  const chosen = decisions.flatMap((d) => d.chosen);
  const planned = (): string => (chosen.length === 0 ? 'none' : chosen.map(describeAction).join(', '));
  for (const p of expect.actions ?? []) {
    if (!chosen.some((c) => matches(p, c))) failures.push(`expected action ${describePattern(p)}; planned: ${planned()}`);
  }
  for (const p of expect.noActions ?? []) {
    for (const c of chosen.filter((x) => matches(p, x))) failures.push(`unexpected action ${describeAction(c)} (matches noActions ${describePattern(p)})`);
  }
  const shadow = decisions.flatMap((d) => d.shadow?.chosen ?? []);
  for (const p of expect.shadow ?? []) {
    if (!shadow.some((c) => matches(p, c))) failures.push(`expected shadow action ${describePattern(p)}; shadow plan: ${shadow.length === 0 ? 'none' : shadow.map(describeAction).join(', ')}`);
  }
  if (expect.noActionsAtAll === true && chosen.length > 0) failures.push(`expected no actions; planned: ${planned()}`);
  const traces = expect.rulesFired === undefined && expect.rulesNotFired === undefined ? [] : decisions.flatMap((d) => d.rules.map((r) => ({ d, r, id: ruleId(r.rule) })));
  for (const id of expect.rulesFired ?? []) {
    const mine = traces.filter((t) => t.id === id);
    if (mine.some((t) => t.r.fired)) continue;
    failures.push(mine.length === 0
      ? `expected rule "${id}" to fire; it was never evaluated (no incident matched its alerts and subjects)`
      : `expected rule "${id}" to fire; it evaluated false for ${mine.map((t) => t.d.incidentId).join(', ')}`);
  }
  for (const id of expect.rulesNotFired ?? []) {
    const fired = traces.filter((t) => t.id === id && t.r.fired);
    if (fired.length > 0) failures.push(`expected rule "${id}" not to fire; it fired for ${fired.map((t) => t.d.incidentId).join(', ')}`);
  }
  const candidates = decisions.flatMap((d) => d.candidates);
  for (const r of expect.rejected ?? []) {
    const mine = candidates.filter((c) => c.ruleId === r.rule);
    if (mine.length === 0) {
      failures.push(`expected rule "${r.rule}" to be rejected; it proposed nothing`);
    } else if (!mine.some((c) => c.rejected !== undefined)) {
      failures.push(`expected rule "${r.rule}" to be rejected; it was chosen`);
    } else if (r.reason !== undefined && !mine.some((c) => c.rejected?.includes(r.reason ?? '') === true)) {
      failures.push(`expected rule "${r.rule}" to be rejected with "${r.reason}"; reason: ${mine.map((c) => c.rejected ?? '(chosen)').join('; ')}`);
    }
  }
  for (const id of expect.vetoed ?? []) {
    const blocked = candidates.filter((c) => c.vetoedBy !== undefined && ruleId(c.vetoedBy) === id);
    if (blocked.length > 0) continue;
    const held = decisions.filter((d) => d.rules.some((r) => r.stage === 'veto' && r.fired && ruleId(r.rule) === id));
    failures.push(held.length > 0 ? `expected veto "${id}" to block a candidate; it held for ${held.map((d) => d.incidentId).join(', ')} but no candidate matched its blocks` : `expected veto "${id}" to block a candidate; it did not hold`);
  }
  for (const [incidentId, facts] of Object.entries(expect.derived ?? {})) {
    const d = decisions.find((x) => x.incidentId === incidentId);
    if (d === undefined) {
      failures.push(`expected incident "${incidentId}"; incidents: ${decisions.map((x) => x.incidentId).join(', ') || 'none'}`);
      continue;
    }
    for (const [fact, want] of Object.entries(facts)) {
      const got = d.derived[fact];
      if (!deepEqual(got, want)) failures.push(`expected derived fact ${fact} = ${JSON.stringify(want)} for ${incidentId}; got ${got === undefined ? 'nothing' : JSON.stringify(got)}`);
    }
  }
  return failures;
}

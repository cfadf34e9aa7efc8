/**
 * The readable timeline of `mapek simulate`: per step, per incident, the facts that mattered
 * (what the fired rules read), the rules fired, the actions planned and why, the losers and
 * why, then whether the expectations held.
 */
import type { Decision } from '../types/decision.js';
import type { Snapshot } from '../types/snapshot.js';
import { groupIncidents } from '../monitor/incidents.js';
import { fmt } from '../analyze/compete.js';
import type { StepRun } from './replay.js';
import type { FixtureReport, StepReport } from './report.js';

const MAX_FACTS = 8;

function show(v: unknown): string {
  const s = JSON.stringify(v);
  if (s === undefined) return 'undefined';
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Distinct `fact.path=value` read by the rules that fired (observed and derived alike). */
export function factsThatMattered(d: Decision): string[] {
  const out = new Map<string, string>();
  for (const r of d.rules) {
    if (!r.fired) continue;
    for (const c of r.conditions) {
      const name = c.path === undefined ? c.fact : `${c.fact}${c.path.slice(1)}`;
      if (!out.has(name)) out.set(name, `${name}=${show(c.factValue)}`);
    }
  }
  return [...out.values()];
}

/** "resolved: X; silenced: Y" for the incident's alerts that are not active. */
function inactiveAlerts(snapshot: Snapshot): Map<string, string> {
  const out = new Map<string, string>();
  for (const i of groupIncidents(snapshot)) {
    const parts: string[] = [];
    const names = (f: (a: Snapshot['alerts'][number]) => boolean): string => [...new Set(i.alerts.filter(f).map((a) => a.name))].sort().join(', ');
    const resolved = names((a) => a.state === 'resolved');
    const silenced = names((a) => a.state === 'firing' && a.silenced);
    const inhibited = names((a) => a.state === 'firing' && !a.silenced && a.inhibited);
    if (resolved) parts.push(`resolved: ${resolved}`);
    if (silenced) parts.push(`silenced: ${silenced}`);
    if (inhibited) parts.push(`inhibited: ${inhibited}`);
    if (parts.length > 0) out.set(i.id, parts.join('; '));
  }
  return out;
}

function incidentLines(d: Decision, inactive: ReadonlyMap<string, string>): string[] {
  const lines: string[] = [];
  const other = inactive.get(d.incidentId);
  const firing = d.alerts.length === 0 ? 'none firing' : d.alerts.join(', ');
  lines.push(`    ${d.incidentId}  alerts: ${firing}${other !== undefined ? ` (${other})` : ''}`);
  const facts = factsThatMattered(d);
  if (facts.length > 0) lines.push(`      facts: ${facts.slice(0, MAX_FACTS).join(', ')}${facts.length > MAX_FACTS ? `, … (${facts.length - MAX_FACTS} more)` : ''}`);
  const derived = Object.entries(d.derived);
  if (derived.length > 0) lines.push(`      derived: ${derived.map(([k, v]) => `${k}=${show(v)}`).join(', ')}`);
  const fired = d.rules.filter((r) => r.fired).map((r) => r.rule);
  lines.push(`      fired: ${fired.length > 0 ? fired.join(', ') : 'none'} (${d.rules.length} evaluated)`);
  for (const c of d.chosen) {
    lines.push(`      planned: ${c.action.type} ${c.action.target} by ${c.rule} (effective priority ${fmt(c.effectivePriority)}, utility ${fmt(c.utility)})`);
  }
  for (const r of d.rules) {
    if (r.stage !== 'veto' || !r.fired) continue;
    const n = d.candidates.filter((c) => c.vetoedBy === r.rule).length;
    lines.push(`      veto: ${r.rule} holds, blocking ${n} candidate${n === 1 ? '' : 's'}`);
  }
  for (const c of d.candidates) {
    if (c.rejected !== undefined) lines.push(`      ${c.vetoedBy !== undefined ? 'vetoed' : 'rejected'}: ${c.action.type} ${c.action.target} by ${c.rule}: ${c.rejected}`);
  }
  for (const c of d.shadow?.chosen ?? []) lines.push(`      shadow: would ${c.action.type} ${c.action.target} by ${c.rule} (not executed)`);
  if (d.chosen.length === 0 && d.candidates.length === 0) lines.push('      planned: nothing (no plan rule fired)');
  return lines;
}

/** The fixture's first line: name, file and description. */
export function timelineHeader(fixture: string, file: string, description: string): string {
  return `fixture ${fixture} (${file})${description ? `: ${description.trim()}` : ''}`;
}

/** One step's lines (what `mapek simulate` streams as each step is replayed). */
export function stepTimeline(file: string, run: StepRun, s: StepReport): string[] {
  const lines = [`  step ${s.step}  ${s.offset}  ${s.at}${s.name ? `  ${s.name}` : ''}`];
  if (run.decisions.length === 0 && run.error === undefined) lines.push('    no incidents');
  const inactive = inactiveAlerts(run.step.snapshot);
  for (const d of run.decisions) lines.push(...incidentLines(d, inactive));
  for (const v of s.verified ?? []) lines.push(`    verified: ${v.rule} on ${v.target} (planned at step ${v.step}): ${v.result}`);
  if (s.failures.length === 0) lines.push('    ok: expectations hold');
  for (const f of s.failures) lines.push(`    FAIL ${file}:${s.line} step ${s.step}: ${f}`);
  return lines;
}

export function renderTimeline(report: FixtureReport, runs: readonly StepRun[], description: string): string {
  const lines = [timelineHeader(report.fixture, report.file, description)];
  for (const [i, run] of runs.entries()) {
    const s = report.steps[i];
    if (s !== undefined) lines.push(...stepTimeline(report.file, run, s));
  }
  return lines.join('\n');
}

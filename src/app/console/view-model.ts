/**
 * What the console shows, built from the last cycle and the knowledge store: plain,
 * serialisable objects (the page renders them; nothing here knows about HTML).
 */
import type { Alert } from '../../types/alert.js';
import type { Decision } from '../../types/decision.js';
import type { ExecutionRecord, WeightChange } from '../../types/execution.js';
import type { Approval } from '../../types/knowledge.js';
import type { Snapshot } from '../../types/snapshot.js';

export interface ConsoleAlert {
  readonly name: string;
  readonly severity: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly silenced: boolean;
  readonly inhibited: boolean;
  readonly source: string;
}

export interface ConsoleFact {
  readonly fact: string;
  readonly path?: string;
  readonly value: unknown;
}

export interface ConsoleIncident {
  readonly incidentId: string;
  readonly subject: Decision['subject'];
  readonly decisionId: string;
  /**
   * Set when this decision was not stored: it repeats, unchanged and with nothing to run (or its actions refused again as recorded),
   * the decision recorded under this id (the one `mapek explain` shows).
   */
  readonly notRecordedSameAs?: string;
  readonly at: string;
  readonly alerts: readonly ConsoleAlert[];
  readonly observed: readonly ConsoleFact[];
  readonly derived: Readonly<Record<string, unknown>>;
  readonly rules: Decision['rules'];
  readonly chosen: Decision['chosen'];
  readonly candidates: Decision['candidates'];
}

/** The alerts of an incident: its alert names, and a label naming its subject (when it has one). */
function alertsOf(d: Decision, snapshot: Snapshot | undefined): ConsoleAlert[] {
  const names = new Set(d.alerts);
  return (snapshot?.alerts ?? [])
    .filter((a) => names.has(a.name) && (d.subject.kind === 'service' || Object.values(a.labels).includes(d.subject.id)))
    .map((a: Alert) => ({ name: a.name, severity: a.severity, labels: a.labels, startsAt: a.startsAt, silenced: a.silenced, inhibited: a.inhibited, source: a.source }));
}

/** The observed facts the rules looked at (first value seen per fact and path). */
function observedFacts(d: Decision): ConsoleFact[] {
  const seen = new Map<string, ConsoleFact>();
  for (const r of d.rules) {
    for (const c of r.conditions) {
      const k = `${c.fact}${c.path ?? ''}`;
      if (!seen.has(k) && !(c.fact in d.derived)) seen.set(k, { fact: c.fact, ...(c.path !== undefined ? { path: c.path } : {}), value: c.factValue });
    }
  }
  return [...seen.values()];
}

/** `unrecorded`: the cycle's decisions not stored → the recorded decision each repeats. */
export function incidentsView(decisions: readonly Decision[], snapshot: Snapshot | undefined, unrecorded: ReadonlyMap<string, string> = new Map()): ConsoleIncident[] {
  return decisions.map((d) => ({
    incidentId: d.incidentId,
    subject: d.subject,
    decisionId: d.id,
    ...(unrecorded.has(d.id) ? { notRecordedSameAs: unrecorded.get(d.id) } : {}),
    at: d.at,
    alerts: alertsOf(d, snapshot),
    observed: observedFacts(d),
    derived: d.derived,
    rules: d.rules,
    chosen: d.chosen,
    candidates: d.candidates,
  }));
}

export interface ExecutionStep {
  readonly step: 'intent' | 'approval' | 'applied' | 'verified' | 'outcome' | 'blocked';
  readonly at: string;
  readonly detail: string;
}

export interface ConsoleExecution {
  readonly id: string;
  readonly key: string;
  readonly incidentId: string;
  readonly ruleId: string;
  readonly action: string;
  readonly status: string;
  readonly attempts: number;
  readonly steps: readonly ExecutionStep[];
}

/** intent → applied → verified → outcome, or blocked with the guard and its reason. */
export function executionSteps(r: ExecutionRecord, approval?: Approval): ExecutionStep[] {
  const steps: ExecutionStep[] = [{ step: 'intent', at: r.createdAt, detail: `${r.action.type} "${r.action.target}" (${r.action.risk} risk)` }];
  if (approval !== undefined && approval.state !== 'waiting') {
    steps.push({ step: 'approval', at: approval.resolvedAt ?? approval.requestedAt, detail: `${approval.state} by ${approval.resolvedBy ?? '?'}${approval.reason !== undefined ? `: ${approval.reason}` : ''}` });
  }
  if (r.status === 'blocked' || r.status === 'awaiting_approval') {
    steps.push({ step: 'blocked', at: r.updatedAt, detail: `${r.guard ?? 'guard'}: ${r.guardDetail ?? r.status}` });
    return steps;
  }
  if (r.appliedAt !== undefined) steps.push({ step: 'applied', at: r.appliedAt, detail: r.status === 'unchanged' ? 'already as desired; nothing written' : 'written to Charter' });
  if (r.verifiedAt !== undefined) steps.push({ step: 'verified', at: r.verifiedAt, detail: r.verify ?? 'verified' });
  if (!['pending', 'applied'].includes(r.status)) steps.push({ step: 'outcome', at: r.updatedAt, detail: `${r.status}${r.error !== undefined ? `: ${r.error}` : ''}` });
  return steps;
}

/** Executions grouped by incident, newest incident first; within one, in order of creation. */
export function executionsView(records: readonly ExecutionRecord[], approvals: ReadonlyMap<string, Approval> = new Map()): { incidentId: string; executions: ConsoleExecution[] }[] {
  const by = new Map<string, ConsoleExecution[]>();
  const sorted = [...records].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  for (const r of sorted) {
    const list = by.get(r.incidentId) ?? [];
    list.push({ id: r.id, key: r.key, incidentId: r.incidentId, ruleId: r.ruleId, action: `${r.action.type} "${r.action.target}"`, status: r.status, attempts: r.attempts ?? 1, steps: executionSteps(r, approvals.get(r.id)) });
    by.set(r.incidentId, list);
  }
  return [...by.entries()].map(([incidentId, executions]) => ({ incidentId, executions })).reverse();
}

export interface ConsoleApproval extends Approval {
  /** The decision's explanation: why this action won. */
  readonly explanation?: string;
}

export function approvalsView(approvals: readonly Approval[], decisions: ReadonlyMap<string, Decision>): ConsoleApproval[] {
  return approvals.map((a) => {
    const d = decisions.get(a.decisionId);
    const won = d?.chosen.find((c) => c.ruleId === a.ruleId);
    const losers = d?.candidates.filter((c) => c.rejected !== undefined).map((c) => `${c.ruleId}: ${c.rejected ?? ''}`) ?? [];
    return {
      ...a,
      ...(won ? { explanation: `rule ${won.rule} proposed it (effective priority ${won.effectivePriority}, utility ${won.utility.toFixed(2)})${losers.length ? `; beat ${losers.join('; ')}` : ''}` } : {}),
    };
  });
}

export interface LearningSeries {
  readonly ruleId: string;
  readonly weight: number;
  readonly points: readonly { at: string; weight: number; samples: number; successRate: number; reason: string; incidents: readonly string[] }[];
}

/** The incident of an execution key (`rule|target|incident|episode`). */
function incidentOfKey(key: string): string {
  return key.split('|')[2] ?? key;
}

/** Every plan rule (weight 1 until learned), and any rule the history or weights name. */
export function learningView(history: readonly WeightChange[], weights: Readonly<Record<string, number>>, planRules: readonly string[] = []): LearningSeries[] {
  const by = new Map<string, LearningSeries['points'][number][]>();
  for (const c of [...history].sort((a, b) => a.at.localeCompare(b.at))) {
    const pts = by.get(c.ruleId) ?? [];
    if (pts.length === 0) pts.push({ at: c.at, weight: c.from, samples: 0, successRate: 0, reason: 'before', incidents: [] });
    pts.push({ at: c.at, weight: c.to, samples: c.samples, successRate: c.successRate, reason: c.reason, incidents: [...new Set((c.upTo?.keys ?? []).map(incidentOfKey))] });
    by.set(c.ruleId, pts);
  }
  const ids = new Set([...planRules, ...Object.keys(weights), ...by.keys()]);
  return [...ids].sort().map((ruleId) => ({ ruleId, weight: weights[ruleId] ?? by.get(ruleId)?.at(-1)?.weight ?? 1, points: by.get(ruleId) ?? [] }));
}

/** JSON with ±Infinity and NaN kept visible ("+Inf", "-Inf", "NaN") instead of null. */
export function consoleJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? (Number.isNaN(x) ? 'NaN' : x > 0 ? '+Inf' : '-Inf') : x));
}

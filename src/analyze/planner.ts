/**
 * Analyze + Plan for one snapshot: group into incidents, build observed facts, chain the
 * analysis rules to a fixpoint, evaluate the plan rules, let proposals for the same target
 * compete. Pure: no clock, no I/O, no randomness — the same inputs give the same decisions.
 */
import type { Alert } from '../types/alert.js';
import type { ActionProposal, Candidate, Decision, RuleTrace } from '../types/decision.js';
import type { Planner } from '../types/ports.js';
import { incidentKindOf, situatedKey, type AnalyzeRule, type PlanRule, type RuleSet, type VetoRule, type Weights } from '../types/rules.js';
import type { Incident, Snapshot, SubjectKind } from '../types/snapshot.js';
import { factCatalog } from '../types/facts.js';
import { groupIncidents, isActive } from '../monitor/incidents.js';
import { DEFAULT_MAX_PASSES, hasTemplate, renderValue, runChain, templateLookup } from './chain.js';
import type { FactLookup } from './compile.js';
import { compileRuleSet, type CompiledRule, type CompiledRuleSet } from './compiled-rules.js';
import { contest, lossReason } from './compete.js';
import { namedAlerts, reactsTo } from './reacts-to.js';
import { encodeNonFinite } from '../types/non-finite.js';
import { holdingVetoes, vetoOf, type HeldVeto } from './veto.js';
import { evaluateTraced, markStable, traceOf } from './traced.js';
import { ruleLookup } from './time.js';
import { globalFacts, observedFacts, type GlobalFacts } from './facts.js';

export interface PlannerOptions {
  /** Bound on fixpoint passes per incident (default 16). */
  readonly maxPasses?: number;
}

export function decisionId(cycleId: string, incidentId: string): string {
  return `${cycleId}:${incidentId}`;
}

/** Facts of one incident after analysis: observed first, then derived. */
export interface AnalyzedIncident {
  readonly incident: Incident;
  readonly observed: Readonly<Record<string, unknown>>;
  readonly derived: Readonly<Record<string, unknown>>;
  readonly traces: readonly RuleTrace[];
  readonly lookup: FactLookup;
}

/** `at`: the snapshot's time (ISO-8601), the clock of the time facts. */
export function analyzeIncident(cr: CompiledRuleSet, incident: Incident, global: GlobalFacts, maxPasses = DEFAULT_MAX_PASSES, at?: string): AnalyzedIncident {
  const observed = observedFacts(incident, global, factCatalog(cr.ruleSet), at === undefined ? undefined : Date.parse(at));
  const alertnames = observed['alertnames'] as string[];
  return analyzed(cr, incident, observed, cr.analyze.candidates(incident.subject.kind, alertnames), maxPasses, false);
}

function analyzed(cr: CompiledRuleSet, incident: Incident, observed: Record<string, unknown>, rules: readonly CompiledRule<AnalyzeRule>[], maxPasses: number, record: boolean): AnalyzedIncident {
  const chain = runChain(incident.id, rules, observed, maxPasses, record);
  const own = Object.prototype.hasOwnProperty;
  const derived = chain.derived;
  const lookup: FactLookup = (name) => (own.call(observed, name) ? observed[name] : derived[name]);
  return { incident, observed, derived, traces: chain.traces, lookup };
}

const usable = (w: number | undefined): w is number => typeof w === 'number' && Number.isFinite(w) && w >= 0;

function inactiveReason(alerts: readonly Alert[]): string {
  const list = (f: (a: Alert) => boolean): string => [...new Set(alerts.filter(f).map((a) => a.name))].sort().join(', ');
  const parts = [
    ['resolved', list((a) => a.state === 'resolved')],
    ['silenced', list((a) => a.state === 'firing' && a.silenced)],
    ['inhibited', list((a) => a.state === 'firing' && !a.silenced && a.inhibited)],
  ].filter(([, v]) => v !== '').map(([k, v]) => `${k}: ${v}`);
  return `no firing, unsilenced alert in the incident (${parts.join('; ')})`;
}

export interface IncidentPlan {
  readonly traces: RuleTrace[];
  readonly candidates: Candidate[];
  readonly chosen: Candidate[];
  readonly shadow?: { readonly candidates: Candidate[]; readonly chosen: Candidate[] };
}

/** What a cycle's incidents with the same subject kind and firing alert names share. */
interface Situation {
  /** The firing alert names, interned: every such incident's facts and decision hold this array. */
  readonly alertnames: readonly string[];
  readonly analyze: readonly CompiledRule<AnalyzeRule>[];
  readonly plan: readonly CompiledRule<PlanRule>[];
  readonly veto: readonly CompiledRule<VetoRule>[];
  /** For rules that name their alerts: reactsTo depends on the names alone. */
  readonly reacts: Map<CompiledRule<PlanRule>, readonly string[] | undefined>;
  /** incidentKindOf and the situated weight keys, made on first use (only learned weights read them). */
  kind: string | undefined;
  readonly weightKeys: Map<CompiledRule<PlanRule>, string>;
}

const MAX_SITUATIONS = 10_000;

/** Situations by subject kind and alert names, per compiled rule set (bounded like the index's memo). */
const situationMemo = new WeakMap<CompiledRuleSet, Map<string, Situation>>();

function situationOf(cr: CompiledRuleSet, subjectKind: SubjectKind, alertnames: readonly string[]): Situation {
  let memo = situationMemo.get(cr);
  if (memo === undefined) situationMemo.set(cr, (memo = new Map()));
  const key = `${subjectKind}\u0000${alertnames.join('\u0000')}`;
  let s = memo.get(key);
  if (s === undefined) {
    if (memo.size >= MAX_SITUATIONS) memo.clear();
    s = {
      alertnames: markStable([...alertnames]),
      analyze: cr.analyze.candidates(subjectKind, alertnames),
      plan: cr.plan.candidates(subjectKind, alertnames),
      veto: cr.veto.candidates(subjectKind, alertnames),
      reacts: new Map(),
      kind: undefined,
      weightKeys: new Map(),
    };
    memo.set(key, s);
  }
  return s;
}

/** What a plan rule proposes that does not depend on the incident, made once per compiled rule. */
interface ProposalShape {
  /** The rendered params when they hold no template: the same (frozen) object for every incident. */
  readonly params: Readonly<Record<string, unknown>> | undefined;
  readonly templated: boolean;
  readonly utility: number;
}

const shapes = new WeakMap<CompiledRule<PlanRule>, ProposalShape>();

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

function shapeOf(c: CompiledRule<PlanRule>): ProposalShape {
  let s = shapes.get(c);
  if (s === undefined) {
    const a = c.rule.action;
    const none: FactLookup = () => undefined;
    const staticParams = !hasTemplate(a.params);
    s = {
      params: staticParams ? deepFreeze(renderValue(a.params, templateLookup(none)) as Record<string, unknown>) : undefined,
      templated: !staticParams || hasTemplate(a.target),
      utility: (a.benefit - a.cost) * a.successProbability,
    };
    shapes.set(c, s);
  }
  return s;
}

function proposal(c: CompiledRule<PlanRule>, lookup: FactLookup): ActionProposal {
  const a = c.rule.action;
  const shape = shapeOf(c);
  const tmpl = shape.templated ? templateLookup(lookup) : undefined;
  const target = tmpl === undefined ? a.target : renderValue(a.target, tmpl);
  return {
    type: a.type,
    target: target === undefined || target === null ? '' : String(target),
    params: shape.params ?? (renderValue(a.params, tmpl ?? templateLookup(lookup)) as Record<string, unknown>),
    cost: a.cost,
    benefit: a.benefit,
    risk: a.risk,
    verify: a.verify,
    cooldownMs: a.cooldownMs,
  };
}

/** A candidate before competition: its final object is made once its fate is known. */
interface Draft {
  readonly c: CompiledRule<PlanRule>;
  readonly ruleId: string;
  readonly action: ActionProposal;
  readonly weight: number;
  readonly effectivePriority: number;
  readonly utility: number;
  readonly reactsTo: readonly string[] | undefined;
  rejected: string | undefined;
  vetoedBy: string | undefined;
  final: Candidate | undefined;
}

function finish(d: Draft): Candidate {
  if (d.final !== undefined) return d.final;
  // Keys in the order decisions have always had them: base, reactsTo, rejected, vetoedBy.
  const out: { -readonly [K in keyof Candidate]: Candidate[K] } = {
    rule: d.c.ref,
    ruleId: d.ruleId,
    action: d.action,
    priority: d.c.rule.priority,
    weight: d.weight,
    effectivePriority: d.effectivePriority,
    utility: d.utility,
  };
  if (d.reactsTo !== undefined) out.reactsTo = d.reactsTo;
  if (d.rejected !== undefined) out.rejected = d.rejected;
  if (d.vetoedBy !== undefined) out.vetoedBy = d.vetoedBy;
  return (d.final = out);
}

/** Why a loser lost, memoised per pair of rules (the same reason, incident after incident). */
const reasonMemo = new WeakMap<CompiledRule<PlanRule>, Map<CompiledRule<PlanRule>, { readonly l: number; readonly w: number; readonly lu: number; readonly wu: number; readonly reason: string }>>();

function memoReason(loser: Draft, winner: Draft): string {
  let m = reasonMemo.get(loser.c);
  if (m === undefined) reasonMemo.set(loser.c, (m = new Map()));
  const hit = m.get(winner.c);
  if (hit !== undefined && hit.l === loser.effectivePriority && hit.w === winner.effectivePriority && hit.lu === loser.utility && hit.wu === winner.utility) return hit.reason;
  const reason = lossReason(loser, winner);
  m.set(winner.c, { l: loser.effectivePriority, w: winner.effectivePriority, lu: loser.utility, wu: winner.utility, reason });
  return reason;
}

function settle(drafts: readonly Draft[], held: readonly HeldVeto[]): { candidates: Candidate[]; chosen: Candidate[] } {
  for (const d of drafts) {
    const v = vetoOf(held, d);
    if (v !== undefined) {
      d.rejected = v.reason;
      d.vetoedBy = v.ref;
    }
  }
  const { reasons, chosen } = contest(drafts, memoReason);
  for (const [d, r] of reasons) d.rejected = r;
  return { candidates: drafts.map(finish), chosen: chosen.map(finish) };
}

function hasAny(weights: Weights): boolean {
  for (const _ in weights) return true;
  return false;
}

/** The learned weight of a rule in this incident's situation, else the rule's own, else 1. */
function weightIn(weights: Weights, s: Situation, c: CompiledRule<PlanRule>, subjectKind: SubjectKind): number {
  let key = s.weightKeys.get(c);
  if (key === undefined) s.weightKeys.set(c, (key = situatedKey(c.rule.id, (s.kind ??= incidentKindOf(s.alertnames, subjectKind)))));
  const situated = weights[key];
  if (usable(situated)) return situated;
  const w = weights[c.rule.id];
  return usable(w) ? w : 1;
}

/**
 * Plan one analysed incident. `traces` receives the plan and veto traces (`record`: as
 * decisions record them); `analysis`: the analysis traces (for reactsTo).
 */
function planWith(cr: CompiledRuleSet, a: AnalyzedIncident, s: Situation, weights: Weights, traces: RuleTrace[], analysis: readonly RuleTrace[], record: boolean): Omit<IncidentPlan, 'traces'> {
  const subjectKind = a.incident.subject.kind;
  const active = a.incident.alerts.some(isActive);
  const blocked = active ? undefined : inactiveReason(a.incident.alerts);
  const learned = hasAny(weights);
  const live: Draft[] = [];
  let shadow: Draft[] | undefined;
  for (const c of s.plan) {
    const lookup = ruleLookup(c, a.lookup);
    const o = evaluateTraced(c, lookup);
    traces.push(traceOf(c, o, 0, !record));
    if (!o.fired) continue;
    const d = draft(cr, c, lookup, s, learned ? weightIn(weights, s, c, subjectKind) : 1, blocked, analysis);
    if (c.rule.mode === 'shadow') (shadow ??= []).push(d);
    else live.push(d);
  }
  const held = holdingVetoes(s.veto, a.lookup, traces, record);
  const plan = settle(live, held);
  return shadow === undefined ? plan : { ...plan, shadow: settle(shadow, held) };
}

function draft(cr: CompiledRuleSet, c: CompiledRule<PlanRule>, lookup: FactLookup, s: Situation, weight: number, blocked: string | undefined, analysis: readonly RuleTrace[]): Draft {
  const rule = c.rule;
  const action = proposal(c, lookup);
  let reacts: readonly string[] | undefined;
  if (namedAlerts(c).size > 0) {
    if (s.reacts.has(c)) reacts = s.reacts.get(c);
    else {
      const r = reactsTo(cr, c, analysis, s.alertnames);
      s.reacts.set(c, (reacts = r === undefined ? undefined : markStable(r)));
    }
  } else reacts = reactsTo(cr, c, analysis, s.alertnames);
  const rejected = blocked ?? (action.target === '' ? `target "${rule.action.target}" rendered empty` : undefined);
  return {
    c,
    ruleId: rule.id,
    action,
    weight,
    effectivePriority: rule.priority * weight,
    utility: shapeOf(c).utility,
    reactsTo: reacts,
    rejected,
    vetoedBy: undefined,
    final: undefined,
  };
}

export function planIncident(cr: CompiledRuleSet, a: AnalyzedIncident, weights: Weights): IncidentPlan {
  const traces: RuleTrace[] = [];
  const s = situationOf(cr, a.incident.subject.kind, a.observed['alertnames'] as string[]);
  return { traces, ...planWith(cr, a, s, weights, traces, a.traces, false) };
}

export function createPlanner(ruleSet: RuleSet, options: PlannerOptions = {}): Planner {
  const cr = compileRuleSet(ruleSet);
  const facts = factCatalog(ruleSet);
  const maxPasses = options.maxPasses ?? DEFAULT_MAX_PASSES;
  return {
    plan(snapshot: Snapshot, weights: Weights, cycleId: string): readonly Decision[] {
      const incidents = groupIncidents(snapshot, facts);
      const global = globalFacts(snapshot, incidents, facts);
      const nowMs = snapshot.at === undefined ? undefined : Date.parse(snapshot.at);
      return incidents.map((incident) => {
        const observed = observedFacts(incident, global, facts, nowMs);
        const s = situationOf(cr, incident.subject.kind, observed['alertnames'] as string[]);
        observed['alertnames'] = s.alertnames;
        const a = analyzed(cr, incident, observed, s.analyze, maxPasses, true);
        // The chain's traces array is this decision's own: the plan's and the vetoes' follow
        // (reactsTo reads only the analysis traces in it).
        const rules = a.traces as RuleTrace[];
        const p = planWith(cr, a, s, weights, rules, rules, true);
        return {
          id: decisionId(cycleId, incident.id),
          cycleId,
          at: snapshot.at,
          incidentId: incident.id,
          subject: incident.subject,
          alerts: s.alertnames,
          ruleSetHash: ruleSet.hash,
          // +Inf, -Inf and NaN as text: JSON (the store, the API) would make them null. The
          // traces are recorded so already (traced.ts).
          derived: encodeNonFinite(a.derived),
          rules,
          candidates: p.candidates,
          chosen: p.chosen,
          ...(p.shadow !== undefined ? { shadow: p.shadow } : {}),
        };
      });
    },
  };
}

/**
 * Analyze + Plan for one snapshot: group into incidents, build observed facts, chain the
 * analysis rules to a fixpoint, evaluate the plan rules, let proposals for the same target
 * compete. Pure: no clock, no I/O, no randomness — the same inputs give the same decisions.
 */
import type { Alert } from '../types/alert.js';
import type { ActionProposal, Candidate, Decision, RuleTrace } from '../types/decision.js';
import type { Planner } from '../types/ports.js';
import { incidentKindOf, situatedKey, type PlanRule, type RuleSet, type Weights } from '../types/rules.js';
import type { Incident, Snapshot } from '../types/snapshot.js';
import { factCatalog } from '../types/facts.js';
import { groupIncidents, isActive } from '../monitor/incidents.js';
import { DEFAULT_MAX_PASSES, renderValue, runChain, templateLookup } from './chain.js';
import { evaluate, type FactLookup } from './compile.js';
import { compileRuleSet, type CompiledRule, type CompiledRuleSet } from './compiled-rules.js';
import { compete } from './compete.js';
import { reactsTo } from './reacts-to.js';
import { encodeNonFinite } from '../types/non-finite.js';
import { applyVetoes } from './veto.js';
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
  const chain = runChain(incident.id, cr.analyze.candidates(incident.subject.kind, alertnames), observed, maxPasses);
  const own = Object.prototype.hasOwnProperty;
  const derived = chain.derived;
  const lookup: FactLookup = (name) => (own.call(observed, name) ? observed[name] : derived[name]);
  return { incident, observed, derived, traces: chain.traces, lookup };
}

const usable = (w: number | undefined): w is number => typeof w === 'number' && Number.isFinite(w) && w >= 0;

/** The learned weight of a rule in this incident's situation, else the rule's own, else 1. */
function weightOf(weights: Weights, ruleId: string, kind: string): number {
  const situated = weights[situatedKey(ruleId, kind)];
  if (usable(situated)) return situated;
  const w = weights[ruleId];
  return usable(w) ? w : 1;
}

function proposal(rule: PlanRule, lookup: FactLookup): ActionProposal {
  const tmpl = templateLookup(lookup);
  const target = renderValue(rule.action.target, tmpl);
  const a = rule.action;
  return {
    type: a.type,
    target: target === undefined || target === null ? '' : String(target),
    params: renderValue(a.params, tmpl) as Record<string, unknown>,
    cost: a.cost,
    benefit: a.benefit,
    risk: a.risk,
    verify: a.verify,
    cooldownMs: a.cooldownMs,
  };
}

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

export function planIncident(cr: CompiledRuleSet, a: AnalyzedIncident, weights: Weights): IncidentPlan {
  const traces: RuleTrace[] = [];
  const raw: Candidate[] = [];
  const shadowRaw: Candidate[] = [];
  const active = a.incident.alerts.some(isActive);
  const blocked = active ? undefined : inactiveReason(a.incident.alerts);
  const kind = incidentKindOf(a.observed['alertnames'] as string[], a.incident.subject.kind);
  for (const c of cr.plan.candidates(a.incident.subject.kind, a.observed['alertnames'] as string[])) {
    const conditions: RuleTrace['conditions'][number][] = [];
    const lookup = ruleLookup(c, a.lookup);
    const fired = evaluate(c.condition.root, lookup, conditions);
    traces.push({ rule: c.ref, stage: 'plan', fired, pass: 0, conditions });
    if (fired) (c.rule.mode === 'shadow' ? shadowRaw : raw).push(candidate(c, lookup, weights, blocked, kind, reactsTo(cr, c, a.traces, a.observed['alertnames'] as string[])));
  }
  const alertnames = a.observed['alertnames'] as string[];
  const vetoed = applyVetoes(cr, a.incident.subject.kind, alertnames, a.lookup, raw);
  const { candidates, chosen } = compete(vetoed.candidates);
  const plan: IncidentPlan = { traces: [...traces, ...vetoed.traces], candidates, chosen };
  if (shadowRaw.length === 0) return plan;
  const shadow = compete(applyVetoes(cr, a.incident.subject.kind, alertnames, a.lookup, shadowRaw).candidates);
  return { ...plan, shadow };
}

function candidate(c: CompiledRule<PlanRule>, lookup: FactLookup, weights: Weights, blocked: string | undefined, kind: string, alerts: string[] | undefined): Candidate {
  const rule = c.rule;
  const action = proposal(rule, lookup);
  const weight = weightOf(weights, rule.id, kind);
  const base = {
    rule: c.ref,
    ruleId: rule.id,
    action,
    priority: rule.priority,
    weight,
    effectivePriority: rule.priority * weight,
    utility: (rule.action.benefit - rule.action.cost) * rule.action.successProbability,
    ...(alerts !== undefined ? { reactsTo: alerts } : {}),
  };
  if (blocked !== undefined) return { ...base, rejected: blocked };
  if (action.target === '') return { ...base, rejected: `target "${rule.action.target}" rendered empty` };
  return base;
}

export function createPlanner(ruleSet: RuleSet, options: PlannerOptions = {}): Planner {
  const cr = compileRuleSet(ruleSet);
  const facts = factCatalog(ruleSet);
  const maxPasses = options.maxPasses ?? DEFAULT_MAX_PASSES;
  return {
    plan(snapshot: Snapshot, weights: Weights, cycleId: string): readonly Decision[] {
      const incidents = groupIncidents(snapshot, facts);
      const global = globalFacts(snapshot, incidents, facts);
      return incidents.map((incident) => {
        const a = analyzeIncident(cr, incident, global, maxPasses, snapshot.at);
        const p = planIncident(cr, a, weights);
        return {
          id: decisionId(cycleId, incident.id),
          cycleId,
          at: snapshot.at,
          incidentId: incident.id,
          subject: incident.subject,
          alerts: a.observed['alertnames'] as string[],
          ruleSetHash: ruleSet.hash,
          // +Inf, -Inf and NaN as text: JSON (the store, the API) would make them null.
          derived: encodeNonFinite(a.derived),
          rules: encodeNonFinite([...a.traces, ...p.traces]),
          candidates: p.candidates,
          chosen: p.chosen,
          ...(p.shadow !== undefined ? { shadow: p.shadow } : {}),
        };
      });
    },
  };
}

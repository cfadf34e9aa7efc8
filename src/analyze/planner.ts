/**
 * Analyze + Plan for one snapshot: group into incidents, build observed facts, chain the
 * analysis rules to a fixpoint, evaluate the plan rules, let proposals for the same target
 * compete. Pure: no clock, no I/O, no randomness — the same inputs give the same decisions.
 *
 * What does not depend on the incident is made once (situation.ts, proposal.ts), and rule
 * traces, which depend only on the values rules read, are memoised (traced.ts): decisions
 * share those objects, frozen, with each other and with earlier cycles' decisions. A
 * decision, its lists, candidates, proposals and derived facts are its own.
 */
import type { Alert } from '../types/alert.js';
import type { Candidate, Decision, RuleTrace } from '../types/decision.js';
import type { Planner } from '../types/ports.js';
import { incidentKindOf, situatedKey, type AnalyzeRule, type RuleSet, type Weights } from '../types/rules.js';
import type { Incident, Snapshot } from '../types/snapshot.js';
import { factCatalog } from '../types/facts.js';
import { groupIncidents, isActive } from '../monitor/incidents.js';
import type { TemplateLookup } from '../rules/template.js';
import { DEFAULT_MAX_PASSES, runChain, templateLookup } from './chain.js';
import type { FactLookup } from './compile.js';
import { compileRuleSet, type CompiledRule, type CompiledRuleSet } from './compiled-rules.js';
import { proposal } from './proposal.js';
import { reactsTo } from './reacts-to.js';
import { settle, type Open } from './settle.js';
import { situationOf, situationOfOne, type PlanSlot, type Situation } from './situation.js';
import { encodeNonFinite } from '../types/non-finite.js';
import { holdingVetoes } from './veto.js';
import { markStable, type LeafScratch } from './shared-leaves.js';
import { evaluateTraced, traceOf, type Outcome } from './traced.js';
import { ruleLookup } from './time.js';
import { globalFacts, IncidentFacts, observedFacts, RecordFacts, type FactSource, type GlobalFacts } from './facts.js';

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
  const a = analyzed(incident, new RecordFacts(observed), cr.analyze.candidates(incident.subject.kind, alertnames), maxPasses, false);
  return { incident, observed, derived: a.derived, traces: a.traces, lookup: a.lookup };
}

/** AnalyzedIncident but the observed record (the planner reads observed facts as rules ask for them). */
type Analysis = Omit<AnalyzedIncident, 'observed'>;

function analyzed(incident: Incident, observed: FactSource, rules: readonly CompiledRule<AnalyzeRule>[], maxPasses: number, record: boolean, scratch?: LeafScratch<Outcome>): Analysis {
  const chain = runChain(incident.id, rules, observed, maxPasses, record, scratch);
  const derived = chain.derived;
  const lookup: FactLookup = (name) => (observed.has(name) ? observed.get(name) : derived[name]);
  return { incident, derived, traces: chain.traces, lookup };
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

function hasAny(weights: Weights): boolean {
  for (const _ in weights) return true;
  return false;
}

/** The learned weight of a rule in this incident's situation, else the rule's own, else 1. */
function weightOf(weights: Weights, s: Situation, slot: PlanSlot): number {
  const key = (slot.weightKey ??= situatedKey(slot.ruleId, (s.kind ??= incidentKindOf(s.alertnames, s.subjectKind))));
  const situated = weights[key];
  if (usable(situated)) return situated;
  const w = weights[slot.ruleId];
  return usable(w) ? w : 1;
}

/** An incident's live candidates and their rules while they are made (planning is synchronous, never nested). */
const liveBuf: Open[] = [];
const slotBuf: PlanSlot[] = [];

/**
 * Plan one analysed incident. `traces` receives the plan and veto traces (`record`: as
 * decisions record them); `analysis`: the analysis traces (for reactsTo).
 */
function planWith(cr: CompiledRuleSet, a: Analysis, s: Situation, weights: Weights, traces: RuleTrace[], analysis: readonly RuleTrace[], record: boolean): Omit<IncidentPlan, 'traces'> {
  const active = a.incident.alerts.some(isActive);
  const blocked = active ? undefined : inactiveReason(a.incident.alerts);
  const learned = hasAny(weights);
  let k = 0;
  let shadow: Open[] | undefined;
  let shadowSlots: PlanSlot[] | undefined;
  let incidentTmpl: TemplateLookup | undefined;
  // The incident's facts are settled: a leaf several plan and veto rules hold is evaluated once
  // (the scratch is this incident's: the caller started it).
  const scratch = cr.scratch;
  for (const slot of s.plan) {
    const c = slot.c;
    const lookup = ruleLookup(c, a.lookup);
    const o = evaluateTraced(c, lookup, scratch);
    traces.push(traceOf(c, o, 0, !record));
    if (!o.fired) continue;
    const tmpl = lookup === a.lookup ? (incidentTmpl ??= templateLookup(lookup)) : undefined;
    const cand = candidate(cr, slot, s, lookup, tmpl, learned ? weightOf(weights, s, slot) : 1, blocked, analysis);
    if (slot.shadow) {
      (shadow ??= []).push(cand);
      (shadowSlots ??= []).push(slot);
    } else {
      liveBuf[k] = cand;
      slotBuf[k++] = slot;
    }
  }
  const held = holdingVetoes(s.veto, a.lookup, traces, record, scratch);
  // The decision's list, at its size (a list grown by push is most of it spare room, kept).
  const plan = settle(liveBuf.slice(0, k), slotBuf, held);
  return shadow === undefined ? plan : { ...plan, shadow: settle(shadow, shadowSlots ?? [], held) };
}

function candidate(cr: CompiledRuleSet, slot: PlanSlot, s: Situation, lookup: FactLookup, tmpl: TemplateLookup | undefined, weight: number, blocked: string | undefined, analysis: readonly RuleTrace[]): Open {
  const c = slot.c;
  const action = proposal(slot.shape, lookup, tmpl);
  let reacts: readonly string[] | undefined;
  if (!slot.named) reacts = reactsTo(cr, c, analysis, s.alertnames);
  else if (slot.reactsKnown) reacts = slot.reacts;
  else {
    const r = reactsTo(cr, c, analysis, s.alertnames);
    reacts = slot.reacts = r === undefined ? undefined : markStable(r);
    slot.reactsKnown = true;
  }
  const priority = slot.priority;
  const effectivePriority = priority * weight;
  const utility = slot.shape.utility;
  const out: Open = reacts === undefined
    ? { rule: slot.ref, ruleId: slot.ruleId, action, priority, weight, effectivePriority, utility }
    : { rule: slot.ref, ruleId: slot.ruleId, action, priority, weight, effectivePriority, utility, reactsTo: reacts };
  const rejected = blocked ?? (action.target === '' ? `target "${slot.shape.target}" rendered empty` : undefined);
  if (rejected !== undefined) out.rejected = rejected;
  return out;
}

export function planIncident(cr: CompiledRuleSet, a: AnalyzedIncident, weights: Weights): IncidentPlan {
  const traces: RuleTrace[] = [];
  const s = situationOf(cr, a.incident.subject.kind, a.observed['alertnames'] as string[]);
  cr.scratch.next();
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
        const observed = new IncidentFacts(incident, global, facts, nowMs);
        const only = incident.alerts.length === 1 ? (incident.alerts[0] as Alert) : undefined;
        const s = only !== undefined && isActive(only) ? situationOfOne(cr, incident.subject.kind, only.name) : situationOf(cr, incident.subject.kind, observed.alertnames());
        observed.alertnames(s.alertnames);
        cr.scratch.next();
        const a = analyzed(incident, observed, s.analyze, maxPasses, true, cr.scratch);
        // The chain's traces array is this decision's own: the plan's and the vetoes' follow
        // (reactsTo reads only the analysis traces in it).
        const rules = a.traces as RuleTrace[];
        const p = planWith(cr, a, s, weights, rules, rules, true);
        const d = {
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
        };
        return p.shadow === undefined ? d : { ...d, shadow: p.shadow };
      });
    },
  };
}

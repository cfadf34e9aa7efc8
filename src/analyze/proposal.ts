/**
 * A plan rule's action rendered for one incident. What does not depend on the incident (params
 * without templates, the utility) is made once per compiled rule; params without templates are
 * then one frozen object shared by every proposal of the rule.
 */
import type { ActionProposal } from '../types/decision.js';
import type { PlanRule } from '../types/rules.js';
import { hasTemplate, renderValue, templateLookup } from './chain.js';
import type { FactLookup } from './compile.js';
import type { TemplateLookup } from '../rules/template.js';
import type { CompiledRule } from './compiled-rule.js';

export interface ProposalShape {
  readonly type: ActionProposal['type'];
  /** The target as written (a template or not). */
  readonly target: string;
  /** The params as written, and rendered once when they hold no template. */
  readonly rawParams: Readonly<Record<string, unknown>>;
  readonly params: Readonly<Record<string, unknown>> | undefined;
  /** Whether the target holds a template. */
  readonly templatedTarget: boolean;
  readonly cost: number;
  readonly benefit: number;
  readonly risk: ActionProposal['risk'];
  readonly verify: ActionProposal['verify'];
  readonly cooldownMs: number;
  /** (benefit − cost) × success probability. */
  readonly utility: number;
  /**
   * Its proposals when the params hold no template, by rendered target: frozen and shared by
   * every candidate of the rule on that target, in this cycle and the next (an incident's
   * decision keeps its proposals, so a new object per cycle was garbage a cycle later).
   */
  readonly byTarget: Map<string, ActionProposal>;
}

/** Targets a rule's memo holds before it starts again (a fleet's policies, say). */
const MAX_TARGETS = 4096;

const shapes = new WeakMap<CompiledRule<PlanRule>, ProposalShape>();

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

const none: FactLookup = () => undefined;

/**
 * What a rule's proposals share, read from its action once: a proposal is then made from one
 * object of one shape (the rules' action objects have as many shapes as their YAML has key
 * orders, which made every read of them a slow lookup).
 */
export function shapeOf(c: CompiledRule<PlanRule>): ProposalShape {
  let s = shapes.get(c);
  if (s === undefined) {
    const a = c.rule.action;
    const fixed = !hasTemplate(a.params);
    s = {
      type: a.type,
      target: a.target,
      rawParams: a.params,
      params: fixed ? deepFreeze(renderValue(a.params, templateLookup(none)) as Record<string, unknown>) : undefined,
      templatedTarget: hasTemplate(a.target),
      cost: a.cost,
      benefit: a.benefit,
      risk: a.risk,
      verify: a.verify,
      cooldownMs: a.cooldownMs,
      utility: (a.benefit - a.cost) * a.successProbability,
      byTarget: new Map(),
    };
    shapes.set(c, s);
  }
  return s;
}

// The last target rendered, and with which incident's template lookup: the candidates of an
// incident mostly share one target template ("{{subject.id}}"), and in the plan stage the
// incident's facts no longer change, so the same lookup renders the same value.
let lastTarget: string | undefined;
let lastTmpl: TemplateLookup | undefined;
let lastRendered: unknown;

function renderTarget(target: string, tmpl: TemplateLookup, reuse: boolean): unknown {
  if (reuse && tmpl === lastTmpl && target === lastTarget) return lastRendered;
  const v = renderValue(target, tmpl);
  if (reuse) {
    lastTarget = target;
    lastTmpl = tmpl;
    lastRendered = v;
  }
  return v;
}

/**
 * `tmpl`: the incident's template lookup, when the caller has one already (then it stands for
 * the incident's settled facts: its rendered target may be reused by the next proposal).
 */
export function proposal(shape: ProposalShape, lookup: FactLookup, tmpl0?: TemplateLookup): ActionProposal {
  const templated = shape.templatedTarget || shape.params === undefined;
  const tmpl = templated ? tmpl0 ?? templateLookup(lookup) : undefined;
  const rendered = tmpl === undefined || !shape.templatedTarget ? shape.target : renderTarget(shape.target, tmpl, tmpl === tmpl0);
  const target = rendered === undefined || rendered === null ? '' : String(rendered);
  const fixed = shape.params;
  if (fixed === undefined) return make(shape, target, renderValue(shape.rawParams, tmpl ?? templateLookup(lookup)) as Record<string, unknown>);
  const hit = shape.byTarget.get(target);
  if (hit !== undefined) return hit;
  if (shape.byTarget.size >= MAX_TARGETS) shape.byTarget.clear();
  const p = Object.freeze(make(shape, target, fixed));
  shape.byTarget.set(target, p);
  return p;
}

function make(shape: ProposalShape, target: string, params: Readonly<Record<string, unknown>>): ActionProposal {
  return { type: shape.type, target, params, cost: shape.cost, benefit: shape.benefit, risk: shape.risk, verify: shape.verify, cooldownMs: shape.cooldownMs };
}

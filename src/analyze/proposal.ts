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
  /** The rendered params when they hold no template. */
  readonly params: Readonly<Record<string, unknown>> | undefined;
  /** Whether the target or the params hold a template. */
  readonly templated: boolean;
  /** (benefit − cost) × success probability. */
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

const none: FactLookup = () => undefined;

export function shapeOf(c: CompiledRule<PlanRule>): ProposalShape {
  let s = shapes.get(c);
  if (s === undefined) {
    const a = c.rule.action;
    const fixed = !hasTemplate(a.params);
    s = {
      params: fixed ? deepFreeze(renderValue(a.params, templateLookup(none)) as Record<string, unknown>) : undefined,
      templated: !fixed || hasTemplate(a.target),
      utility: (a.benefit - a.cost) * a.successProbability,
    };
    shapes.set(c, s);
  }
  return s;
}

/** `tmpl`: the template lookup of `lookup`, when the caller has one already. */
export function proposal(rule: PlanRule, shape: ProposalShape, lookup: FactLookup, tmpl0?: TemplateLookup): ActionProposal {
  const a = rule.action;
  const tmpl = shape.templated ? tmpl0 ?? templateLookup(lookup) : undefined;
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

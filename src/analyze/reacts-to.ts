/**
 * Which of an incident's firing alerts a plan rule reacts to: the alerts it names
 * (`alerts:`) or asks for (`alertnames contains X`, `containsAny [...]`); for a rule that
 * names none, those of the fired analysis rules that derived a fact it reads (followed back
 * through derived facts to a fixpoint). Execute takes the episode of the candidate's intent
 * key from these alerts only, so a re-fire of one alert is a new occurrence whatever else
 * keeps firing in the same incident.
 */
import type { RuleTrace } from '../types/decision.js';
import type { AnalyzeRule, Rule } from '../types/rules.js';
import type { CompiledRule } from './compiled-rule.js';
import type { CompiledRuleSet } from './compiled-rules.js';

const ASKS_FOR = new Set(['contains', 'containsAny']);

const namedMemo = new WeakMap<CompiledRule<Rule>, ReadonlySet<string>>();

/** The alerts a rule names or asks for (once per compiled rule). */
export function namedAlerts(c: CompiledRule<Rule>): ReadonlySet<string> {
  let s = namedMemo.get(c);
  if (s === undefined) namedMemo.set(c, (s = named(c)));
  return s;
}

function named(c: CompiledRule<Rule>): Set<string> {
  const out = new Set(c.rule.alerts);
  for (const leaf of c.condition.leaves) {
    if (leaf.fact.fact !== 'alertnames' || leaf.fact.segs !== undefined || !ASKS_FOR.has(leaf.operator)) continue;
    for (const v of Array.isArray(leaf.value) ? leaf.value : [leaf.value]) if (typeof v === 'string') out.add(v);
  }
  return out;
}

function idOf(ref: string): string {
  const at = ref.lastIndexOf('@');
  return at < 0 ? ref : ref.slice(0, at);
}

/** Sorted names among `firing`; undefined when the rule reacts to none of them (every alert of the incident counts then). */
export function reactsTo(cr: CompiledRuleSet, plan: CompiledRule<Rule>, analysisTraces: readonly RuleTrace[], firing: readonly string[]): string[] | undefined {
  const own = namedAlerts(plan);
  if (own.size > 0) {
    const out = firing.filter((n) => own.has(n));
    return out.length > 0 ? [...new Set(out)].sort() : undefined;
  }
  const names = new Set<string>();
  const fired = analysisTraces.filter((t) => t.stage === 'analyze' && t.fired).map((t) => cr.byId.get(idOf(t.rule))).filter((c): c is CompiledRule<AnalyzeRule> => c?.rule.stage === 'analyze');
  const wanted = new Set(plan.reads);
  const used = new Set<CompiledRule<AnalyzeRule>>();
  for (let grew = true; grew;) {
    grew = false;
    for (const c of fired) {
      if (used.has(c) || !Object.keys(c.rule.derive).some((f) => wanted.has(f))) continue;
      used.add(c);
      grew = true;
      for (const n of namedAlerts(c)) names.add(n);
      for (const f of c.reads) wanted.add(f);
    }
  }
  const out = firing.filter((n) => names.has(n));
  return out.length > 0 ? [...new Set(out)].sort() : undefined;
}

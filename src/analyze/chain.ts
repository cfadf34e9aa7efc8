/**
 * Forward chaining to a fixpoint, per incident.
 *
 * A pass evaluates the candidate analysis rules in order (priority desc, then id). A rule
 * reads the observed facts and the derived facts: those derived earlier in this pass, else
 * the previous pass's value. When several rules derive the same fact in a pass, the first
 * (highest priority) wins. Each pass rebuilds the derived facts from nothing, so a fact no
 * rule derives any more disappears; nothing is carried over between cycles either.
 *
 * The pass is a fixpoint when every read of a not-yet-derived fact saw the value the pass
 * ended with: then another pass would evaluate every rule on the same inputs. So a rule set
 * in dependency order settles in one pass; otherwise passes repeat, up to `maxPasses`.
 */
import type { RuleTrace } from '../types/decision.js';
import type { AnalyzeRule } from '../types/rules.js';
import { isTemplate, parseTemplate, type ParsedTemplate, type TemplateLookup } from '../rules/template.js';
import { evaluate, type FactLookup } from './compile.js';
import type { CompiledRule } from './compiled-rules.js';
import { deepEqual } from './equal.js';
import { FixpointError } from './errors.js';
import { resolvePath } from './path.js';
import { ruleLookup } from './time.js';

export const DEFAULT_MAX_PASSES = 16;

export interface ChainResult {
  readonly derived: Readonly<Record<string, unknown>>;
  /** One trace per candidate rule, from the final pass. */
  readonly traces: readonly RuleTrace[];
  readonly passes: number;
}

const parsed = new Map<string, ParsedTemplate>();

function stringify(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * src/rules/template.ts's renderTemplate with the parse memoised (rule sets reuse a handful
 * of templates; parsing was a tenth of a cycle): exactly one `{{ref}}` renders to the raw
 * value, otherwise references are interpolated; malformed templates are returned unchanged.
 */
export function renderString(s: string, lookup: TemplateLookup): unknown {
  if (!isTemplate(s)) return s;
  let t = parsed.get(s);
  if (t === undefined) parsed.set(s, (t = parseTemplate(s)));
  if (!t.ok) return s;
  const [only] = t.parts;
  if (t.parts.length === 1 && only !== undefined && 'ref' in only) return lookup(only.ref.fact, only.ref.path);
  return t.parts.map((p) => ('ref' in p ? stringify(lookup(p.ref.fact, p.ref.path)) : p.text)).join('');
}

/** Render templates inside a value (strings, arrays, objects). */
export function renderValue(v: unknown, lookup: TemplateLookup): unknown {
  if (typeof v === 'string') return renderString(v, lookup);
  if (Array.isArray(v)) return v.map((x) => renderValue(x, lookup));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = renderValue(x, lookup);
    return out;
  }
  return v;
}

export function templateLookup(facts: FactLookup): TemplateLookup {
  return (fact, path) => (path.length === 0 ? facts(fact) : resolveStrict(facts(fact), path));
}

function resolveStrict(v: unknown, path: readonly string[]): unknown {
  return v === null || typeof v !== 'object' ? undefined : resolvePath(v, path);
}

export function runChain(
  incidentId: string,
  rules: readonly CompiledRule<AnalyzeRule>[],
  observed: Readonly<Record<string, unknown>>,
  maxPasses = DEFAULT_MAX_PASSES,
): ChainResult {
  if (rules.length === 0) return { derived: {}, traces: [], passes: 0 };
  const own = Object.prototype.hasOwnProperty;
  let prev = new Map<string, unknown>();
  let prevOutputs = new Map<string, Record<string, unknown>>();
  for (let pass = 1; pass <= maxPasses; pass++) {
    const curr = new Map<string, unknown>();
    const seen = new Map<string, unknown>();
    const outputs = new Map<string, Record<string, unknown>>();
    const lookup: FactLookup = (name) => {
      if (own.call(observed, name)) return observed[name];
      if (curr.has(name)) return curr.get(name);
      const v = prev.get(name);
      if (!seen.has(name)) seen.set(name, v);
      return v;
    };
    const tmpl = templateLookup(lookup);
    const traces: RuleTrace[] = [];
    for (const c of rules) {
      const conditions: RuleTrace['conditions'][number][] = [];
      const ruleFacts = ruleLookup(c, lookup);
      const fired = evaluate(c.condition.root, ruleFacts, conditions);
      traces.push({ rule: c.ref, stage: 'analyze', fired, pass, conditions });
      if (!fired) continue;
      const out: Record<string, unknown> = {};
      const t = ruleFacts === lookup ? tmpl : templateLookup(ruleFacts);
      for (const [fact, raw] of Object.entries(c.rule.derive)) {
        const value = renderValue(raw, t);
        out[fact] = value;
        if (!curr.has(fact) && !own.call(observed, fact)) curr.set(fact, value);
      }
      outputs.set(c.rule.id, out);
    }
    let stable = true;
    for (const [name, v] of seen) if (!deepEqual(v, curr.get(name))) stable = false;
    if (stable) return { derived: Object.fromEntries(curr), traces, passes: pass };
    if (pass === maxPasses) throw new FixpointError(incidentId, maxPasses, changedRules(prevOutputs, outputs, seen, curr));
    prev = curr;
    prevOutputs = outputs;
  }
  /* c8 ignore next */
  throw new FixpointError(incidentId, maxPasses, []);
}

/** Rules whose derivations differ between the last two passes (sorted). */
function changedRules(
  before: Map<string, Record<string, unknown>>,
  after: Map<string, Record<string, unknown>>,
  seen: Map<string, unknown>,
  curr: Map<string, unknown>,
): string[] {
  const ids = new Set([...before.keys(), ...after.keys()]);
  const changed = [...ids].filter((id) => !deepEqual(before.get(id), after.get(id))).sort();
  if (changed.length > 0) return changed;
  // Same outputs but reads still unsettled: name the facts instead.
  return [...seen.keys()].filter((f) => !deepEqual(seen.get(f), curr.get(f))).map((f) => `(fact ${f})`);
}

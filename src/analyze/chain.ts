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
import type { FactLookup } from './compile.js';
import type { CompiledRule } from './compiled-rules.js';
import { deepEqual } from './equal.js';
import { FixpointError } from './errors.js';
import { IncidentFacts, RecordFacts, type FactSource } from './facts.js';
import { resolvePath } from './path.js';
import { ruleLookup } from './time.js';
import type { LeafScratch } from './shared-leaves.js';
import { evaluateTraced, traceOf, type Outcome } from './traced.js';

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

interface Derivation {
  readonly entries: readonly (readonly [string, unknown])[];
  /** Whether any value holds a template (else rendering needs no lookup). */
  readonly templated: boolean;
}

const derivations = new WeakMap<CompiledRule<AnalyzeRule>, Derivation>();

export function hasTemplate(v: unknown): boolean {
  if (typeof v === 'string') return isTemplate(v);
  if (Array.isArray(v)) return v.some(hasTemplate);
  return v !== null && typeof v === 'object' && Object.values(v).some(hasTemplate);
}

function derivationOf(c: CompiledRule<AnalyzeRule>): Derivation {
  let d = derivations.get(c);
  if (d === undefined) {
    const entries = Object.entries(c.rule.derive);
    derivations.set(c, (d = { entries, templated: entries.some(([, v]) => hasTemplate(v)) }));
  }
  return d;
}

const noLookup: TemplateLookup = () => undefined;

/**
 * Facts by name in insertion order: a pass derives a handful, and two arrays searched in
 * order cost less than a Map made per incident and pass.
 */
class FactList {
  readonly names: string[] = [];
  readonly values: unknown[] = [];
  indexOf(name: string): number {
    return this.names.indexOf(name);
  }
  get(name: string): unknown {
    const i = this.names.indexOf(name);
    return i < 0 ? undefined : this.values[i];
  }
  add(name: string, value: unknown): void {
    this.names.push(name);
    this.values.push(value);
  }
  /** Empty it for another pass (the lists are reused: see `lists`). */
  clear(): this {
    this.names.length = 0;
    this.values.length = 0;
    return this;
  }
  map(): Map<string, unknown> {
    return new Map(this.names.map((n, i) => [n, this.values[i]]));
  }
  /** As Object.fromEntries would make it (which defines a "__proto__" key rather than setting the prototype). */
  record(): Record<string, unknown> {
    if (this.names.includes('__proto__')) return Object.fromEntries(this.map());
    const out: Record<string, unknown> = {};
    for (let i = 0; i < this.names.length; i++) out[this.names[i] as string] = this.values[i];
    return out;
  }
}

/**
 * The fact lists of a chain, reused by every chain (a chain runs to its end synchronously and
 * never inside another; what it returns is copied out of them): a pass's derived facts
 * alternate between the first two, the third holds what a pass read before it was derived.
 */
const lists = [new FactList(), new FactList(), new FactList()] as const;

/**
 * `record`: traces as decisions record them (non-finite numbers as text), else as evaluated.
 * `scratch`: the incident's evaluated leaves (shared-leaves.ts), used for leaves on observed
 * facts when those are IncidentFacts (the names OBSERVED_NAMES says).
 */
export function runChain(
  incidentId: string,
  rules: readonly CompiledRule<AnalyzeRule>[],
  observed: Readonly<Record<string, unknown>> | FactSource,
  maxPasses = DEFAULT_MAX_PASSES,
  record = false,
  scratch?: LeafScratch<Outcome>,
): ChainResult {
  if (rules.length === 0) return { derived: {}, traces: [], passes: 0 };
  const src = observed instanceof IncidentFacts || observed instanceof RecordFacts ? observed : new RecordFacts(observed as Readonly<Record<string, unknown>>);
  const leaves = src instanceof IncidentFacts ? scratch : undefined;
  let prev: FactList | undefined;
  // Derivations by rule only serve the error of the last pass, so only the last two keep them.
  let prevOutputs: Map<string, Record<string, unknown>> | undefined;
  for (let pass = 1; pass <= maxPasses; pass++) {
    const curr = (pass % 2 === 0 ? lists[0] : lists[1]).clear();
    let seen: FactList | undefined;
    const before = prev;
    const lookup: FactLookup = (name) => {
      if (src.has(name)) return src.get(name);
      const i = curr.indexOf(name);
      if (i >= 0) return curr.values[i];
      const v = before?.get(name);
      if (seen === undefined) seen = lists[2].clear();
      if (seen.indexOf(name) < 0) seen.add(name, v);
      return v;
    };
    let tmpl: TemplateLookup | undefined;
    const outputs = pass >= maxPasses - 1 ? new Map<string, Record<string, unknown>>() : undefined;
    const traces: RuleTrace[] = [];
    for (const c of rules) {
      const ruleFacts = ruleLookup(c, lookup);
      const o = evaluateTraced(c, ruleFacts, leaves, false);
      traces.push(traceOf(c, o, pass, !record));
      if (!o.fired) continue;
      const d = derivationOf(c);
      const out: Record<string, unknown> | undefined = outputs === undefined ? undefined : {};
      const t = !d.templated ? noLookup : ruleFacts === lookup ? (tmpl ??= templateLookup(lookup)) : templateLookup(ruleFacts);
      for (const [fact, raw] of d.entries) {
        const value = renderValue(raw, t);
        if (out !== undefined) out[fact] = value;
        if (curr.indexOf(fact) < 0 && !src.has(fact)) curr.add(fact, value);
      }
      if (out !== undefined) outputs?.set(c.rule.id, out);
    }
    let stable = true;
    const read = seen as FactList | undefined;
    if (read !== undefined) for (let i = 0; i < read.names.length; i++) if (!deepEqual(read.values[i], curr.get(read.names[i] as string))) stable = false;
    if (stable) return { derived: curr.record(), traces, passes: pass };
    if (pass === maxPasses) throw new FixpointError(incidentId, maxPasses, changedRules(prevOutputs ?? new Map(), outputs ?? new Map(), read?.map() ?? new Map(), curr.map()));
    prev = curr;
    if (outputs !== undefined) prevOutputs = outputs;
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

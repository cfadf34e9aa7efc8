/**
 * Templates in rule values: `{{ fact.path }}` — a fact name and an optional dotted path,
 * nothing else (no expressions, no filters, never eval). Pure: parsing for validation,
 * rendering for the planner.
 */

export interface TemplateRef {
  /** The fact name, e.g. `subject`. */
  readonly fact: string;
  /** Path segments below the fact, e.g. `['id']`; digits index arrays. */
  readonly path: readonly string[];
  /** The whole `{{ … }}` text as written. */
  readonly source: string;
}

export type TemplatePart = { readonly text: string } | { readonly ref: TemplateRef };

export type ParsedTemplate =
  | { readonly ok: true; readonly parts: readonly TemplatePart[] }
  | { readonly ok: false; readonly error: string };

const REF = /^([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_-]+)*)$/;

/** True when `s` contains template syntax at all. */
export function isTemplate(s: string): boolean {
  return s.includes('{{');
}

/** Split `s` into literal text and references; errors are lower case, quote the template. */
export function parseTemplate(s: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  let rest = s;
  while (rest.length > 0) {
    const open = rest.indexOf('{{');
    if (open < 0) {
      parts.push({ text: rest });
      break;
    }
    if (open > 0) parts.push({ text: rest.slice(0, open) });
    const close = rest.indexOf('}}', open + 2);
    if (close < 0) return { ok: false, error: `unclosed template "${rest.slice(open)}": expected "}}"` };
    const source = rest.slice(open, close + 2);
    const inner = rest.slice(open + 2, close).trim();
    const m = REF.exec(inner);
    if (m === null) {
      return {
        ok: false,
        error: `invalid template "${source}": only {{ fact }} or {{ fact.path }} is allowed (no expressions or filters)`,
      };
    }
    const fact = m[1] ?? '';
    const path = (m[2] ?? '').split('.').filter((p) => p.length > 0);
    parts.push({ ref: { fact, path, source } });
    rest = rest.slice(close + 2);
  }
  return { ok: true, parts };
}

/** Fact names a template reads (empty for plain strings and for malformed templates). */
export function templateRefs(s: string): string[] {
  const t = parseTemplate(s);
  if (!t.ok) return [];
  return t.parts.flatMap((p) => ('ref' in p ? [p.ref.fact] : []));
}

/** Looks a fact (and a path below it) up; `undefined` when absent. */
export type TemplateLookup = (fact: string, path: readonly string[]) => unknown;

/**
 * Render a template. A string that is exactly one `{{ ref }}` renders to the raw value
 * (a number stays a number); otherwise references are interpolated into a string
 * (null/undefined → "", objects → JSON). A malformed template is returned unchanged:
 * validation rejects those before a rule set is ever accepted.
 */
export function renderTemplate(s: string, lookup: TemplateLookup): unknown {
  if (!isTemplate(s)) return s;
  const t = parseTemplate(s);
  if (!t.ok) return s;
  const [only] = t.parts;
  if (t.parts.length === 1 && only !== undefined && 'ref' in only) return lookup(only.ref.fact, only.ref.path);
  return t.parts.map((p) => ('ref' in p ? stringify(lookup(p.ref.fact, p.ref.path)) : p.text)).join('');
}

function stringify(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A lookup over a plain facts object: walks object keys and array indices. */
export function lookupIn(facts: Readonly<Record<string, unknown>>): TemplateLookup {
  return (fact, path) => {
    let cur: unknown = Object.prototype.hasOwnProperty.call(facts, fact) ? facts[fact] : undefined;
    for (const seg of path) {
      if (cur === null || typeof cur !== 'object') return undefined;
      if (!Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
      cur = (cur as Record<string, unknown>)[seg];
    }
    return cur;
  };
}

/**
 * The JSON Schema of rule files (schema/rules.schema.json) is the one enforced: ajv checks
 * every parsed file against it and each ajv error becomes a readable ValidationIssue with
 * the field path, the position and the offending key or value quoted.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { loadValidator, type SchemaSpec } from '../validation/precompiled.js';
import type { ValidationIssue } from '../types/errors.js';
import type { FieldPath, ParsedYaml } from './yaml.js';
import { formatPath } from './field-path.js';

/** Candidate locations: from src/rules (tsx) and from dist/src/rules (compiled). */
const SCHEMA_URLS = ['../../schema/rules.schema.json', '../../../schema/rules.schema.json'];

let cached: { schema: Record<string, unknown>; validate: ValidateFunction } | undefined;

/** The parsed schema file. */
export function rulesSchema(): Record<string, unknown> {
  return compiled().schema;
}

const OPTIONS = { allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, verbose: true } as const;

/** The rule-file schema as it is compiled (scripts/build-validators.js generates it at build time). */
export function rulesSchemaSpec(): SchemaSpec {
  let lastError: unknown;
  for (const rel of SCHEMA_URLS) {
    try {
      const text = readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8');
      return { name: 'rules', schema: JSON.parse(text) as Record<string, unknown>, options: OPTIONS };
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(`cannot load schema/rules.schema.json: ${String(lastError)}`);
}

function compiled(): { schema: Record<string, unknown>; validate: ValidateFunction } {
  if (cached !== undefined) return cached;
  const spec = rulesSchemaSpec();
  cached = { schema: spec.schema as Record<string, unknown>, validate: loadValidator(spec).validate };
  return cached;
}

/** Validate one parsed file against the schema; every error, positioned. */
export function schemaIssues(file: string, doc: ParsedYaml): ValidationIssue[] {
  const { validate } = compiled();
  if (validate(doc.value)) return [];
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const e of validate.errors ?? []) {
    const issue = toIssue(file, doc, e);
    if (issue === undefined) continue;
    const key = `${issue.line}:${issue.column}:${issue.path}:${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

function pointerToPath(pointer: string, root: unknown): (string | number)[] {
  if (pointer === '') return [];
  const out: (string | number)[] = [];
  let cur = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^[0-9]+$/.test(seg)) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else {
      out.push(seg);
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

const PATTERN_MESSAGES: Readonly<Record<string, (v: unknown) => string>> = {
  '^[a-z0-9][a-z0-9-]*$': (v) => `invalid name ${show(v)}: use lower case letters, digits and "-", starting with a letter or digit`,
  '^[0-9]+(ms|s|m|h)$': (v) => `invalid duration ${show(v)}: use an integer and ms, s, m or h (e.g. 500ms, 20s, 10m)`,
  '^[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?$': (v) => `invalid version ${show(v)}: use a semantic version such as 1.0.0`,
  '^[A-Za-z_][A-Za-z0-9_]*$': (v) => `invalid fact name ${show(v)}: use letters, digits and "_", starting with a letter or "_"`,
  '^[a-zA-Z_][a-zA-Z0-9_]*$': (v) => `invalid label name ${show(v)}: use letters, digits and "_", starting with a letter or "_"`,
};

function toIssue(file: string, doc: ParsedYaml, e: ErrorObject): ValidationIssue | undefined {
  const at = pointerToPath(e.instancePath, doc.value);
  const data: unknown = e.data;
  const issue = (path: FieldPath, message: string, key = false): ValidationIssue => {
    const pos = key ? doc.locateKey(path) : doc.locate(path);
    return { file, line: pos.line, column: pos.column, path: formatPath(path), message };
  };
  const last = at[at.length - 1];
  switch (e.keyword) {
    case 'if':
    case 'propertyNames':
      return undefined; // the failing branch / the name's own error says more
    case 'additionalProperties': {
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
      return issue([...at, extra], `unknown key "${extra}" (allowed: ${Object.keys(props).join(', ')})`, true);
    }
    case 'required': {
      const missing = String((e.params as { missingProperty: string }).missingProperty);
      return issue(at, `missing required key "${missing}"`, true);
    }
    case 'type':
      return issue(at, `must be ${article(String((e.params as { type: string }).type))}, got ${show(data)}`);
    case 'enum': {
      const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String).join(', ');
      if (last === 'operator') return issue(at, `unknown operator ${show(data)} (known: ${allowed})`);
      if (last === 'type' && at[at.length - 2] === 'action') return issue(at, `unknown action type ${show(data)} (known: ${allowed})`);
      if (last === 'reduce') return issue(at, `unknown reducer ${show(data)} (known: ${allowed})`);
      return issue(at, `${show(data)} is not one of: ${allowed}`);
    }
    case 'const':
      if (last === 'apiVersion') return issue(at, `unsupported apiVersion ${show(data)} (expected "mapek/v1")`);
      return issue(at, `must be ${show((e.params as { allowedValue: unknown }).allowedValue)}, got ${show(data)}`);
    case 'pattern': {
      const pattern = String((e.params as { pattern: string }).pattern);
      const name = (e as { propertyName?: string }).propertyName;
      const value = name ?? data;
      const path = name === undefined ? at : [...at, name];
      const msg = PATTERN_MESSAGES[pattern]?.(value) ?? `${show(value)} does not match ${pattern}`;
      return issue(path, msg, name !== undefined);
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const p = e.params as { comparison: string; limit: number };
      return issue(at, `must be ${p.comparison} ${p.limit}, got ${show(data)}`);
    }
    case 'minItems':
      return issue(at, `must have at least ${(e.params as { limit: number }).limit} item(s)`);
    case 'minLength':
      return issue(at, 'must not be empty');
    case 'minProperties':
      return issue(at, `must have at least ${(e.params as { limit: number }).limit} entry`);
    default:
      return issue(at, (e.message ?? 'is invalid').toLowerCase());
  }
}

function article(type: string): string {
  const t = type.split(',')[0] ?? type;
  return /^[aeiou]/.test(t) ? `an ${type}` : `a ${type}`;
}

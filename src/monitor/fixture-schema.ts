/**
 * ajv over schema/fixture.schema.json; each error becomes a positioned ValidationIssue
 * (lower case, offending key or value quoted), the way rule-file schema errors read.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { loadValidator, type SchemaSpec } from '../validation/precompiled.js';
import type { ValidationIssue } from '../types/errors.js';
import { formatPath } from '../rules/field-path.js';
import type { FieldPath, ParsedYaml } from '../rules/yaml.js';

const SCHEMA_URLS = ['../../schema/fixture.schema.json', '../../../schema/fixture.schema.json'];

let cached: ValidateFunction | undefined;

const OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true, verbose: true } as const;

/** The fixture schema as it is compiled (scripts/build-validators.js generates it at build time). */
export function fixtureSchemaSpec(): SchemaSpec {
  let lastError: unknown;
  for (const rel of SCHEMA_URLS) {
    try {
      const schema = JSON.parse(readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8')) as Record<string, unknown>;
      return { name: 'fixture', schema, options: OPTIONS };
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(`cannot load schema/fixture.schema.json: ${String(lastError)}`);
}

function validator(): ValidateFunction {
  return (cached ??= loadValidator(fixtureSchemaSpec()).validate);
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((raw) => {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^[0-9]+$/.test(seg) ? Number(seg) : seg;
  });
}

function typeOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function message(e: ErrorObject, data: unknown, at: FieldPath): { path: FieldPath; text: string; key: boolean } | undefined {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String(p['additionalProperty']);
      const props = Object.keys((e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {});
      return { path: [...at, extra], text: `unknown key "${extra}" (allowed: ${props.join(', ')})`, key: true };
    }
    case 'required':
      return { path: at, text: `missing required key "${String(p['missingProperty'])}"`, key: true };
    case 'propertyNames':
      return undefined;
    case 'enum': {
      const name = (e as { propertyName?: string }).propertyName;
      const allowed = ((p['allowedValues'] as unknown[]) ?? []).map(String).join(', ');
      if (name !== undefined) return { path: [...at, name], text: `unknown metric query "${name}" (known: ${allowed})`, key: true };
      if (at[at.length - 1] === 'type') return { path: at, text: `unknown action type ${show(data)} (known: ${allowed})`, key: false };
      return { path: at, text: `${show(data)} is not one of: ${allowed}`, key: false };
    }
    case 'const':
      return { path: at, text: `must be ${show(p['allowedValue'])}, got ${show(data)}`, key: false };
    case 'type':
      return { path: at, text: `must be ${String(p['type'])}, got ${typeOf(data)} ${show(data)}`, key: false };
    case 'oneOf':
      return { path: at, text: `invalid value ${show(data)}`, key: false };
    case 'pattern': {
      const name = (e as { propertyName?: string }).propertyName;
      if (name !== undefined) return { path: [...at, name], text: `invalid incident id "${name}": expected KIND:ID with KIND policy, target, committee or service`, key: true };
      if (at[at.length - 1] === 'at') return { path: at, text: `invalid time ${show(data)}: use an offset such as +30s or +1m30s, or an ISO time`, key: false };
      return { path: at, text: `invalid name ${show(data)}: use lower case letters, digits and "-"`, key: false };
    }
    case 'minItems':
      return { path: at, text: `must have at least ${String(p['limit'])} item(s)`, key: false };
    case 'minProperties':
      return { path: at, text: 'must not be empty', key: false };
    case 'minLength':
      return { path: at, text: 'must not be empty', key: false };
    default:
      return { path: at, text: (e.message ?? 'is invalid').toLowerCase(), key: false };
  }
}

export function fixtureSchemaIssues(file: string, doc: ParsedYaml): ValidationIssue[] {
  const validate = validator();
  if (validate(doc.value)) return [];
  const errors = validate.errors ?? [];
  // A oneOf failure also reports each branch's error; keep only the oneOf summary there.
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  const out: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'oneOf' && [...oneOfPaths].some((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`)) && e.keyword !== 'additionalProperties') continue;
    const m = message(e, e.data, pointerToPath(e.instancePath));
    if (m === undefined) continue;
    const pos = m.key ? doc.locateKey(m.path) : doc.locate(m.path);
    const issue = { file, line: pos.line, column: pos.column, path: formatPath(m.path), message: m.text };
    const k = `${issue.line}:${issue.column}:${issue.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(issue);
    }
  }
  return out;
}

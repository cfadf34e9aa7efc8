/**
 * JSON Schema validators compiled by ajv at build time instead of at every start.
 * `scripts/build-validators.js` writes ajv's standalone code for each schema to
 * `dist/validators/NAME.cjs`; compiling the rule and the fixture schema at start-up took
 * about 60 ms each of every command. A generated module is used only when it was made from
 * the same schema and the same ajv options (its `key`, a SHA-256 of both). Otherwise (no build
 * step, run from the sources, an edited schema) the schema is compiled here, as before.
 * Either way the validate function and its errors are ajv's own, the same for the same input.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Ajv, type Options, type ValidateFunction } from 'ajv';

/** One schema as a module compiles it: the generated file's name, the schema, ajv's options. */
export interface SchemaSpec {
  readonly name: string;
  readonly schema: object;
  readonly options: Options;
}

/** Where a validator came from: the build's generated module, or compiled at run time. */
export type ValidatorSource = 'generated' | 'compiled';

export interface LoadedValidator {
  readonly validate: ValidateFunction;
  readonly source: ValidatorSource;
}

/** The identity of a schema and its options: a generated module carries it as `key`. */
export function specKey(spec: SchemaSpec): string {
  return createHash('sha256').update(JSON.stringify([spec.name, spec.schema, spec.options])).digest('hex');
}

/** The generated module's path for `name` (dist/validators/, beside dist/src/). */
export function generatedPath(name: string): string {
  return fileURLToPath(new URL(`../../validators/${name}.cjs`, import.meta.url));
}

const requireHere = createRequire(import.meta.url);

/** The generated validator when it matches `spec`, else the schema compiled now. */
export function loadValidator(spec: SchemaSpec): LoadedValidator {
  try {
    const m = requireHere(generatedPath(spec.name)) as ValidateFunction & { key?: unknown };
    if (typeof m === 'function' && m.key === specKey(spec)) return { validate: m, source: 'generated' };
  } catch {
    // Not generated (sources, no build step): compiled below.
  }
  return { validate: new Ajv(spec.options).compile(spec.schema), source: 'compiled' };
}

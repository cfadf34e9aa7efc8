import { parseYaml } from '../rules/yaml.js';

/** A config file's top-level entries with the line each key is on. */
export interface ConfigFileEntries {
  readonly entries: ReadonlyMap<string, { readonly value: unknown; readonly line: number }>;
  /** Line of the key at a nested path, e.g. ['executor', 'breaker'] (nearest ancestor when absent). */
  lineOf(path: readonly (string | number)[]): number;
}

export type ParsedConfigFile = { readonly ok: true; readonly file: ConfigFileEntries } | { readonly ok: false; readonly errors: readonly string[] };

/**
 * Parses a YAML config file with the rule loader's safe, position-keeping parser
 * (src/rules/yaml.ts: js-yaml 4 `load`, no code-executing tags) into its top-level entries,
 * each with the line of its key. Errors are `FILE:LINE: message`.
 */
export function parseConfigFile(path: string, text: string): ParsedConfigFile {
  const parsed = parseYaml(text, path);
  if (!parsed.ok) {
    return { ok: false, errors: parsed.issues.map((i) => `${path}:${i.line}: invalid YAML: ${i.message.replace(/^invalid yaml: /, '')}`) };
  }
  const doc = parsed.value;
  if (doc === undefined || doc === null) return { ok: true, file: { entries: new Map(), lineOf: () => 1 } };
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    return { ok: false, errors: [`${path}:1: must be a mapping of option names to values`] };
  }
  const entries = new Map<string, { value: unknown; line: number }>();
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    entries.set(key, { value, line: parsed.locateKey([key]).line });
  }
  return { ok: true, file: { entries, lineOf: (path) => parsed.locateKey(path).line } };
}

/**
 * `FILE:LINE: a.b.c: message` for a problem an owner found at a field path of the file's value
 * (`executor option breaker.failures: …` from the executor), or undefined when the file does
 * not parse. `field` is dotted, with `[i]` for list items.
 */
export function locatedMessage(file: { readonly path: string; readonly text: string }, top: string, field: string, message: string): string | undefined {
  const parsed = parseConfigFile(file.path, file.text);
  if (!parsed.ok) return undefined;
  const path: (string | number)[] = [top];
  for (const m of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) path.push(m[2] !== undefined ? Number(m[2]) : (m[1] as string));
  return `${file.path}:${parsed.file.lineOf(path)}: ${top}.${field}: ${message}`;
}

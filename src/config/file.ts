import yaml from 'js-yaml';

/** A config file's top-level entries with the line each key is on. */
export interface ConfigFileEntries {
  readonly entries: ReadonlyMap<string, { readonly value: unknown; readonly line: number }>;
}

export type ParsedConfigFile = { readonly ok: true; readonly file: ConfigFileEntries } | { readonly ok: false; readonly errors: readonly string[] };

/** Line (1-based) of each top-level key; the config file is a flat mapping. */
function keyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  text.split(/\r?\n/).forEach((line, i) => {
    const m = /^([A-Za-z_][\w.-]*|"[^"]*"|'[^']*')\s*:/.exec(line);
    if (m?.[1] !== undefined) {
      const key = m[1].replace(/^["']|["']$/g, '');
      if (!lines.has(key)) lines.set(key, i + 1);
    }
  });
  return lines;
}

/**
 * Parses a YAML config file safely (js-yaml v4 `load` has no code-executing tags) into its
 * top-level entries. Errors are `FILE:LINE: message`.
 */
export function parseConfigFile(path: string, text: string): ParsedConfigFile {
  let doc: unknown;
  try {
    doc = yaml.load(text, { filename: path });
  } catch (err) {
    const e = err as { mark?: { line: number }; reason?: string; message?: string };
    const line = e.mark ? e.mark.line + 1 : 0;
    return { ok: false, errors: [`${path}:${line}: invalid YAML: ${e.reason ?? e.message ?? String(err)}`] };
  }
  if (doc === undefined || doc === null) return { ok: true, file: { entries: new Map() } };
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    return { ok: false, errors: [`${path}:1: must be a mapping of option names to values`] };
  }
  const lines = keyLines(text);
  const entries = new Map<string, { value: unknown; line: number }>();
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    entries.set(key, { value, line: lines.get(key) ?? 0 });
  }
  return { ok: true, file: { entries } };
}

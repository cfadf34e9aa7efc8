/**
 * `target: {{culprit}}` unquoted is a YAML flow mapping whose key is another mapping, which
 * js-yaml turns into `{ "[object Object]": null }`. Found here so the author gets one message
 * (`template must be quoted: write "{{culprit}}"`) instead of a type error about a mapping.
 */
import type { FieldPath, ParsedYaml } from './yaml.js';
import { isRecord } from './walk.js';

const OBJECT_KEY = '[object Object]';

export interface UnquotedTemplate {
  readonly path: FieldPath;
  readonly message: string;
}

function isUnquoted(v: unknown): boolean {
  return isRecord(v) && Object.keys(v).length === 1 && v[OBJECT_KEY] === null;
}

export function unquotedTemplates(value: unknown, text: string, doc: ParsedYaml): UnquotedTemplate[] {
  const out: UnquotedTemplate[] = [];
  let lines: string[] | undefined;
  const walk = (v: unknown, path: FieldPath): void => {
    if (isUnquoted(v)) {
      const pos = doc.locate(path);
      const line = (lines ??= text.split('\n'))[pos.line - 1] ?? '';
      const written = /^\{\{[^{}]*\}\}/.exec(line.slice(pos.column - 1))?.[0] ?? '{{…}}';
      out.push({ path, message: `template must be quoted: write "${written}"` });
      return;
    }
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (isRecord(v)) for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  };
  walk(value, []);
  return out;
}

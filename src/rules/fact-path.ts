/**
 * The plain JSONPath subset a condition's `path` may use: `$.a.b`, `$.a[0]`, `$.a["x-y"]`.
 * Anything else (wildcards, filters, recursive descent, slices) is rejected at load time,
 * so the engine can resolve paths with a small resolver instead of full JSONPath.
 */

export type PathSegment = string | number;

export type ParsedFactPath =
  | { readonly ok: true; readonly segments: readonly PathSegment[] }
  | { readonly ok: false; readonly error: string };

const STEP = /^(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]|\["([^"\\]*)"\])/;

/** Parse a condition path; the error names the path and the supported forms. */
export function parseFactPath(path: string): ParsedFactPath {
  const bad: ParsedFactPath = {
    ok: false,
    error: `unsupported path "${path}": use $.a.b, $.a[0] or $.a["x-y"] (no wildcards, filters or ..)`,
  };
  if (!path.startsWith('$')) return bad;
  const segments: PathSegment[] = [];
  let rest = path.slice(1);
  if (rest.length === 0) return bad;
  while (rest.length > 0) {
    const m = STEP.exec(rest);
    if (m === null) return bad;
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else segments.push(m[3] ?? '');
    rest = rest.slice(m[0].length);
  }
  return { ok: true, segments };
}

/** Resolve parsed segments against a value; `undefined` when any step is missing. */
export function resolvePath(value: unknown, segments: readonly PathSegment[]): unknown {
  let cur = value;
  for (const seg of segments) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur;
}

/**
 * Plain paths instead of JSONPath: `$.a.b`, `$.a[0]`, `$.a["x-y"]`. Compiled once per
 * rule set; resolution is a loop over own properties (no prototype lookups), which is most
 * of why evaluation is fast.
 */
import { parseFactPath, type PathSegment } from '../rules/fact-path.js';
export type { PathSegment } from '../rules/fact-path.js';

export class PathSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathSyntaxError';
  }
}

/** Segments of a condition path (the subset src/rules/fact-path.ts accepts). */
export function compilePath(path: string): readonly PathSegment[] {
  const p = parseFactPath(path);
  if (!p.ok) throw new PathSyntaxError(p.error);
  return p.segments;
}

const own = Object.prototype.hasOwnProperty;

/**
 * The value at `segs` inside `value`, undefined when any step is absent. Like
 * json-rules-engine, a fact that is not an object (or is null) is returned unchanged.
 */
export function resolvePath(value: unknown, segs: readonly PathSegment[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  let cur: unknown = value;
  for (const s of segs) {
    if (cur === null || typeof cur !== 'object' || !own.call(cur, s)) return undefined;
    cur = (cur as Record<string | number, unknown>)[s];
  }
  return cur;
}

const compiled = new Map<string, readonly PathSegment[]>();

/** `(value, path) → value`, the shape json-rules-engine's `pathResolver` option wants. */
export function pathResolver(value: object, path: string): unknown {
  let segs = compiled.get(path);
  if (segs === undefined) compiled.set(path, (segs = compilePath(path)));
  return resolvePath(value, segs);
}

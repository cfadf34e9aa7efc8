/**
 * The shape of a mapping option of the config file (today `executor:`): which keys exist at
 * every level and what kind of value each takes. The config is strict everywhere: an unknown
 * or mistyped key below `executor:` is an error with its file:line, like one at the top (a
 * typo must not silently keep a default guard rail). Ranges stay with the owner's own
 * validation (src/execute/options.ts); this checks keys and kinds only.
 */

export type Shape =
  | { readonly kind: 'number' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'string' }
  /** A list; its items are checked by the owner (e.g. maintenance windows). */
  | { readonly kind: 'list' }
  /** A mapping with exactly these keys, each optional. */
  | { readonly kind: 'fields'; readonly fields: Readonly<Record<string, Shape>> }
  /** A mapping from any of `keys` (all keys when absent) to values of one shape. */
  | { readonly kind: 'record'; readonly keys?: readonly string[]; readonly value: Shape };

/** The shape of an example value: numbers, booleans, strings, lists, and mappings of them. */
export function shapeOf(example: unknown): Shape {
  if (typeof example === 'number') return { kind: 'number' };
  if (typeof example === 'boolean') return { kind: 'boolean' };
  if (typeof example === 'string') return { kind: 'string' };
  if (Array.isArray(example)) return { kind: 'list' };
  if (example !== null && typeof example === 'object') {
    const fields: Record<string, Shape> = {};
    for (const [k, v] of Object.entries(example)) fields[k] = shapeOf(v);
    return { kind: 'fields', fields };
  }
  throw new Error(`shapeOf: no shape for ${String(example)}`);
}

/** `shape` with the shape at `path` (field names) replaced. */
export function withShape(shape: Shape, path: readonly string[], replacement: Shape): Shape {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  if (shape.kind !== 'fields' || shape.fields[head] === undefined) throw new Error(`withShape: no field ${head}`);
  return { kind: 'fields', fields: { ...shape.fields, [head]: withShape(shape.fields[head], rest, replacement) } };
}

export interface ShapeIssue {
  /** Path below the option, e.g. ['breaker'] or ['rateLimit', 'perType', 'burst']. */
  readonly path: readonly string[];
  /** Whether the key itself is unknown (located at the key) or its value is wrong. */
  readonly message: string;
}

function show(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every key or kind in `value` that `shape` does not allow, in document order. */
export function checkShape(value: unknown, shape: Shape, path: readonly string[] = []): ShapeIssue[] {
  switch (shape.kind) {
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? [] : [{ path, message: `must be a number, got ${show(value)}` }];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [{ path, message: `must be true or false, got ${show(value)}` }];
    case 'string':
      return typeof value === 'string' ? [] : [{ path, message: `must be a string, got ${show(value)}` }];
    case 'list':
      return Array.isArray(value) ? [] : [{ path, message: `must be a list, got ${show(value)}` }];
    case 'fields': {
      if (!isMapping(value)) return [{ path, message: `must be a mapping, got ${show(value)}` }];
      const known = Object.keys(shape.fields);
      return Object.entries(value).flatMap(([k, v]) => {
        const sub = shape.fields[k];
        if (sub === undefined) return [{ path: [...path, k], message: `unknown key (expected one of ${known.join(', ')})` }];
        return checkShape(v, sub, [...path, k]);
      });
    }
    case 'record': {
      if (!isMapping(value)) return [{ path, message: `must be a mapping, got ${show(value)}` }];
      return Object.entries(value).flatMap(([k, v]) => {
        if (shape.keys !== undefined && !shape.keys.includes(k)) return [{ path: [...path, k], message: `unknown key (expected one of ${shape.keys.join(', ')})` }];
        return checkShape(v, shape.value, [...path, k]);
      });
    }
    default: {
      const never: never = shape;
      return [{ path, message: `unknown shape ${show(never)}` }];
    }
  }
}

/**
 * +Inf, -Inf and NaN in what is stored and shown. JSON has no such numbers
 * (`JSON.stringify(Infinity)` is "null", the same as a missing value), so explanations and
 * decisions carry them as Prometheus' own JSON writes sample values: the strings "+Inf",
 * "-Inf" and "NaN". Rules still compare the numbers; only the record is encoded.
 */
export type NonFiniteText = '+Inf' | '-Inf' | 'NaN';

export function nonFiniteText(n: number): NonFiniteText | undefined {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return undefined;
}

/** A deep copy with every non-finite number replaced by its text; the same object when there is none. */
export function encodeNonFinite<T>(v: T): T {
  return encode(v, 0) as T;
}

/**
 * The same for a value found `depth` levels inside what is encoded (the copy stops 64 levels
 * down): a part encoded on its own at its depth equals that part of the whole, encoded.
 */
export function encodeNonFiniteAt<T>(v: T, depth: number): T {
  return encode(v, depth) as T;
}

function encode(v: unknown, depth: number): unknown {
  if (typeof v === 'number') return nonFiniteText(v) ?? v;
  if (v === null || typeof v !== 'object' || depth > 64) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = encode(v[i], depth + 1);
      if (x !== v[i]) (out ??= v.slice())[i] = x;
    }
    return out ?? v;
  }
  // for…in over own keys, not Object.entries: this runs over every trace of every decision,
  // and the entries arrays were a large share of the simulation's garbage.
  const o = v as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const k in o) {
    if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
    const x = o[k];
    const e = encode(x, depth + 1);
    if (e !== x) (out ??= { ...o })[k] = e;
  }
  return out ?? v;
}

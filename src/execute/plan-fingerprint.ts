/**
 * A decision's fingerprint: a hash of everything in it but its `id`, `cycleId`, `at` (what
 * differs between cycles by construction) and `unrecordedBefore` (added when it is stored).
 * Two decisions with the same fingerprint explain the same plan with the same values: every
 * fact value, trace, candidate, rejection reason, duplicate note, shadow part and rule-set
 * hash. The executor keeps only the fingerprint of the last decision recorded per incident.
 */
import { createHash } from 'node:crypto';
import type { Decision } from '../types/decision.js';

/**
 * Canonical JSON: object keys sorted, so that two equal values give one text whatever
 * order their keys were built in. A key whose value is `undefined` is left out, as
 * JSON.stringify (the store) leaves it out. Non-finite numbers, which JSON would turn into
 * `null`, are written as bare `NaN`, `Infinity`, `-Infinity`: distinct from `null` and from
 * the strings the planner records for them ("NaN", "+Inf"). Values JSON cannot write at all
 * (functions, symbols, bigints) do not occur in decisions; they are written as their type
 * name so that they never compare equal to a value that does.
 */
export function canonicalJson(v: unknown): string {
  const parts: string[] = [];
  write(v, parts);
  return parts.join('');
}

function write(v: unknown, out: string[]): void {
  if (v === null) {
    out.push('null');
    return;
  }
  switch (typeof v) {
    case 'string':
    case 'boolean':
      out.push(JSON.stringify(v));
      return;
    case 'number':
      out.push(Number.isFinite(v) ? JSON.stringify(v) : String(v));
      return;
    case 'object':
      break;
    default:
      out.push(`<${typeof v}>`);
      return;
  }
  if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(',');
      // JSON.stringify writes a hole or an undefined element as null.
      const x: unknown = v[i];
      write(x === undefined ? null : x, out);
    }
    out.push(']');
    return;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
  out.push('{');
  keys.forEach((k, i) => {
    if (i > 0) out.push(',');
    out.push(JSON.stringify(k), ':');
    write(o[k], out);
  });
  out.push('}');
}

/** The SHA-1 (base64) of the decision's canonical JSON, without id, cycleId, at and unrecordedBefore. */
export function planFingerprint(d: Decision): string {
  const { id: _id, cycleId: _cycleId, at: _at, unrecordedBefore: _before, ...plan } = d;
  return createHash('sha1').update(canonicalJson(plan)).digest('base64');
}

/**
 * Whether two decisions are the same plan: true exactly when `planFingerprint` gives both
 * the same text (JSON.stringify of everything but `id`, `cycleId`, `at` and
 * `unrecordedBefore`), found without making that text. The hash made ~9 KB of JSON and a
 * SHA-1 for every decision of every cycle: 53–68 ms and ~9 MB of strings per 1,000
 * decisions, three to six times what planning them cost. Decisions share frozen parts from
 * cycle to cycle (traces, proposals), so most of a comparison is an identity check.
 *
 * JSON's rules, as JSON.stringify applies them: `toJSON` is called; members whose value is
 * undefined, a function or a symbol are left out, and in arrays they are null; a number that is
 * not finite is null; -0 is 0; keys are compared in their order (another order is another
 * text, so a change: one record more, never one less).
 */
import type { Decision } from '../types/decision.js';

const OMITTED = new Set(['id', 'cycleId', 'at', 'unrecordedBefore']);

/** What JSON.stringify writes for `v` as a member: undefined when it leaves the member out. */
function jsonValue(v: unknown, key: string): unknown {
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON(k: string): unknown }).toJSON(key);
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return undefined;
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}

/** In an array an omitted value is null. */
const inArray = (v: unknown, i: number): unknown => {
  const j = jsonValue(v, String(i));
  return j === undefined ? null : j;
};

const get = (o: object, k: string): unknown => jsonValue((o as Record<string, unknown>)[k], k);

function equalJson(a: unknown, b: unknown, skip?: ReadonlySet<string>): boolean {
  if (a === b && skip === undefined) return true;
  if (typeof a === 'number' && typeof b === 'number') return a === b; // finite here; 0 and -0 write "0"
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  const arr = Array.isArray(a);
  if (arr !== Array.isArray(b)) return false;
  if (arr) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!equalJson(inArray(x[i], i), inArray(y[i], i))) return false;
    return true;
  }
  // The members JSON writes, in its order, walked side by side: a member it leaves out (or
  // `skip` names) is passed over, each value is read once.
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  let i = 0;
  let j = 0;
  for (;;) {
    let va: unknown;
    while (i < ka.length && ((skip?.has(ka[i] as string) ?? false) || (va = get(a, ka[i] as string)) === undefined)) i++;
    let vb: unknown;
    while (j < kb.length && ((skip?.has(kb[j] as string) ?? false) || (vb = get(b, kb[j] as string)) === undefined)) j++;
    if (i === ka.length || j === kb.length) return i === ka.length && j === kb.length;
    if (ka[i] !== kb[j] || !equalJson(va, vb)) return false;
    i++;
    j++;
  }
}

/** The same plan: the same JSON text but for id, cycle id, time and unrecordedBefore. */
export function samePlan(a: Decision, b: Decision): boolean {
  return equalJson(a, b, OMITTED);
}

/** Seeded generators and mutators for the fuzz tests (deterministic: the same mulberry32 as the reference Charter). */
import { mulberry32 } from '../../src/charter/rng.js';

export const rng = (seed: number): (() => number) => mulberry32(seed);

const NASTY = ['', '\u0000', '{{', '}}', '"', "'", '\\', '%', '\n', '::', '- ', '[', ']', '{', '}', ': ', '&a', '*a', '!!js/function', '!!python/object', '__proto__', 'constructor', '1e309', '-0', 'NaN', '\u202e', '😀'];

/** One random text mutation: delete, insert, duplicate or replace a slice. */
export function mutateText(s: string, r: () => number): string {
  const i = Math.floor(r() * (s.length + 1));
  const j = Math.min(s.length, i + Math.floor(r() * 20));
  const pick = NASTY[Math.floor(r() * NASTY.length)] ?? '';
  switch (Math.floor(r() * 4)) {
    case 0:
      return s.slice(0, i) + s.slice(j);
    case 1:
      return s.slice(0, i) + pick + s.slice(i);
    case 2:
      return s.slice(0, j) + s.slice(i, j) + s.slice(j);
    default:
      return s.slice(0, i) + pick + s.slice(j);
  }
}

/** A random JSON-ish value. */
export function randomValue(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * (depth > 3 ? 5 : 8));
  switch (k) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return Math.floor(r() * 2e6) - 1e6;
    case 3: return NASTY[Math.floor(r() * NASTY.length)];
    case 4: return 'x'.repeat(Math.floor(r() * 50));
    case 5: return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let n = Math.floor(r() * 4); n > 0; n--) o[String(NASTY[Math.floor(r() * NASTY.length)]) + n] = randomValue(r, depth + 1);
      return o;
    }
  }
}

/** Replaces one random field somewhere inside `v` (a deep copy) by a random value. */
export function mutateValue(v: unknown, r: () => number): unknown {
  const copy = JSON.parse(JSON.stringify(v)) as unknown;
  const holders: { obj: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach((_, i) => { holders.push({ obj: x, key: i }); walk(x[i]); });
    else if (x !== null && typeof x === 'object') for (const k of Object.keys(x)) { holders.push({ obj: x as Record<string, unknown>, key: k }); walk((x as Record<string, unknown>)[k]); }
  };
  walk(copy);
  const h = holders[Math.floor(r() * holders.length)];
  if (h === undefined) return randomValue(r);
  if (r() < 0.2 && !Array.isArray(h.obj)) delete (h.obj as Record<string, unknown>)[h.key as string];
  else (h.obj as Record<string | number, unknown>)[h.key] = randomValue(r);
  return copy;
}

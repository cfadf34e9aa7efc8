/**
 * Seeded randomness, pure and shared: the reference Charter's every random choice and the
 * learner's Thompson draws come from here, so the same seed and the same inputs give the
 * same outcomes.
 */

/** A generator of floats in [0, 1). */
export type Random = () => number;

/** FNV-1a over the string, then mixed: a 32-bit seed from any text. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

/** mulberry32: small, fast and good enough for a simulation. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A named, independent stream of one seed: traffic and client faults do not disturb each other. */
export function stream(seed: number, name: string): Random {
  return mulberry32(hashSeed(`${seed}:${name}`));
}

/**
 * One draw that depends only on (seed, key): the n-th remediation attempt of one action on
 * one fault gets the same number whatever else happened in the run.
 */
export function drawFor(seed: number, key: string): number {
  return mulberry32(hashSeed(`${seed}:draw:${key}`))();
}

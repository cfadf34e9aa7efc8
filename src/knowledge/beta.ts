/**
 * Beta posteriors and a seeded sampler for them (pure). The learner keeps one Beta per
 * (plan rule, situation); Thompson sampling draws from it with a generator derived from a
 * seed and a stream name, so the same seed and the same outcomes give the same draws.
 */

import { stream, type Random } from '../types/random.js';

export type { Random } from '../types/random.js';

/** mulberry32 on the hash of `seed:name`: an independent stream per name (the reference Charter's generator). */
export const seededStream: (seed: number, name: string) => Random = stream;

function normal(rng: Random): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Gamma(shape, 1) by Marsaglia–Tsang (shape < 1 boosted). */
function gamma(shape: number, rng: Random): number {
  if (shape < 1) return gamma(shape + 1, rng) * (1 - rng()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** One draw from Beta(a, b), a, b > 0. */
export function sampleBeta(a: number, b: number, rng: Random): number {
  const x = gamma(a, rng);
  const y = gamma(b, rng);
  return x + y > 0 ? x / (x + y) : a / (a + b);
}

export interface Beta {
  readonly a: number;
  readonly b: number;
}

export const betaMean = (p: Beta): number => p.a / (p.a + p.b);

/** Standard deviation of the Beta. */
export function betaSd(p: Beta): number {
  const n = p.a + p.b;
  return Math.sqrt((p.a * p.b) / (n * n * (n + 1)));
}

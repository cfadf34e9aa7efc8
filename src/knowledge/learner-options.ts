/**
 * The learner's settings from the config file's `learner:` mapping (docs/LEARNING.md): each
 * key a LearnerOptions field, checked for its range here (the config checks keys and kinds,
 * src/config/shape.ts). A wrong value is an error naming the field, "learner option F: …".
 */
import { DEFAULT_LEARNER_OPTIONS, type LearnerOptions } from './learner.js';

type Check = (v: number) => string | undefined;

const between = (lo: number, hi: number, loOpen: boolean): Check => (v) => ((loOpen ? v > lo : v >= lo) && v <= hi ? undefined : `expected ${loOpen ? 'more than' : 'at least'} ${lo} and at most ${hi}`);
const positive: Check = (v) => (v > 0 ? undefined : 'expected more than 0');
const atLeast = (lo: number, integer = false): Check => (v) => (v >= lo && (!integer || Number.isInteger(v)) ? undefined : `expected ${integer ? 'a whole number ' : ''}at least ${lo}`);

const CHECKS: Readonly<Record<keyof LearnerOptions, Check>> = {
  forgetting: between(0, 1, true),
  priorStrength: positive,
  evidenceScale: positive,
  maxExponent: atLeast(0),
  minWeight: positive,
  maxWeight: positive,
  seed: atLeast(0, true),
  trendWindow: atLeast(4, true),
  changeWindow: atLeast(1, true),
  changeAlpha: between(0, 1, false),
  timeWeight: between(0, 4, false),
};

export function resolveLearnerOptions(input: Readonly<Record<string, unknown>> = {}): LearnerOptions {
  const out: Record<string, number> = { ...DEFAULT_LEARNER_OPTIONS };
  for (const [k, v] of Object.entries(input)) {
    const check = CHECKS[k as keyof LearnerOptions] as Check | undefined;
    if (check === undefined) throw new Error(`learner option ${k}: unknown (expected one of ${Object.keys(CHECKS).join(', ')})`);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`learner option ${k}: expected a number, got ${JSON.stringify(v)}`);
    const wrong = check(v);
    if (wrong !== undefined) throw new Error(`learner option ${k}: ${wrong}, got ${v}`);
    out[k] = v;
  }
  if (out['maxWeight']! <= out['minWeight']!) throw new Error(`learner option maxWeight: expected more than minWeight (${out['minWeight']}), got ${out['maxWeight']}`);
  return Object.freeze(out) as unknown as LearnerOptions;
}

/** What every bench section exports: a name, and a run that returns figures (and raw data). */
import type { Figure } from './report.js';

export interface SectionContext {
  /** --quick: smaller counts, for a smoke run. */
  readonly quick: boolean;
  /** Figures other sections measured earlier in this run (e.g. the stack floor). */
  readonly earlier: ReadonlyMap<string, readonly Figure[]>;
}

export interface SectionResult {
  readonly figures: readonly Figure[];
  /** Raw data written next to the figures in bench/results/SECTION.json. */
  readonly extra?: Record<string, unknown>;
}

export interface Section {
  readonly name: string;
  readonly title: string;
  run(ctx: SectionContext): Promise<SectionResult>;
}

/** Time one call in milliseconds (monotonic). */
export async function timeMs<T>(f: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Replay one fixture through the planner the service uses (createPlanner); only the monitor
 * adapter differs (FixtureSource). Cycle ids are `<fixture>#<step>` so decision ids are
 * stable across runs.
 */
import type { Decision } from '../types/decision.js';
import type { Planner } from '../types/ports.js';
import type { Weights } from '../types/rules.js';
import type { Fixture, FixtureStep } from '../monitor/fixture-types.js';
import { FixtureSource } from '../monitor/fixture.js';

export interface StepRun {
  readonly step: FixtureStep;
  readonly decisions: readonly Decision[];
  /** Set when planning threw (e.g. no fixpoint): the step has no decisions. */
  readonly error?: string;
}

/** One step at a time, so a long recording's decisions need not all be alive at once. */
export async function* replaySteps(fixture: Fixture, planner: Planner, weights: Weights): AsyncGenerator<StepRun> {
  const source = new FixtureSource(fixture);
  for (const step of fixture.steps) {
    const snapshot = await source.observe();
    try {
      yield { step, decisions: planner.plan(snapshot, weights, `${fixture.name}#${step.index + 1}`) };
    } catch (err) {
      yield { step, decisions: [], error: err instanceof Error ? err.message : String(err) };
    }
  }
}

export async function replay(fixture: Fixture, planner: Planner, weights: Weights): Promise<StepRun[]> {
  const runs: StepRun[] = [];
  for await (const run of replaySteps(fixture, planner, weights)) runs.push(run);
  return runs;
}

/**
 * The text two decisions are compared on: JSON.stringify of everything but id, cycle id,
 * time and unrecordedBefore, as the store writes it. The oracle the executor's samePlan
 * (src/execute/plan-equal.ts) is held to.
 */
import type { Decision } from '../../src/types/decision.js';

export function planText(d: Decision): string {
  const { id: _id, cycleId: _cycleId, at: _at, unrecordedBefore: _before, ...plan } = d;
  return JSON.stringify(plan);
}

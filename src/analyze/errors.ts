/** Errors of the analysis stage. */
import { MapekError } from '../types/errors.js';

/**
 * Forward chaining did not settle within the pass bound: rules keep changing each other's
 * facts. Not retryable — the same snapshot and rules oscillate again; fix the rules.
 */
export class FixpointError extends MapekError {
  readonly incidentId: string;
  readonly passes: number;
  readonly rules: readonly string[];
  constructor(incidentId: string, passes: number, rules: readonly string[]) {
    super(
      `analysis of incident "${incidentId}" did not reach a fixpoint after ${passes} passes; rules still changing facts: ${rules.join(', ')}`,
      false,
    );
    this.name = 'FixpointError';
    this.incidentId = incidentId;
    this.passes = passes;
    this.rules = rules;
  }
}

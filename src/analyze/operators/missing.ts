/**
 * Missing-fact semantics shared by every operator: a fact (or a compared-to fact) that is
 * undefined, null or NaN (a metric whose every sample is NaN) makes the condition FALSE — for every operator except `exists`, which
 * is how a rule asks about absence. json-rules-engine's own notEqual/notIn/doesNotContain
 * would be true for a missing fact (allowUndefinedFacts); that would let a rule act on data
 * Monitor never saw, so the adapter replaces the built-ins with these versions.
 */
export function isMissing(x: unknown): boolean {
  return x === undefined || x === null || (typeof x === 'number' && Number.isNaN(x));
}

export type OperatorFn = (factValue: unknown, value: unknown) => boolean;

/** Wrap an operator so that a missing fact or value yields false. */
export function present(fn: OperatorFn): OperatorFn {
  return (a, b) => !isMissing(a) && !isMissing(b) && fn(a, b);
}

/**
 * Missing-fact semantics shared by every operator: a fact (or a compared-to fact) that is
 * undefined or null makes the condition FALSE — for every operator except `exists`, which
 * is how a rule asks about absence. json-rules-engine's own notEqual/notIn/doesNotContain
 * would be true for a missing fact (allowUndefinedFacts); that would let a rule act on data
 * Monitor never saw, so the adapter replaces the built-ins with these versions.
 */
export function isMissing(x: unknown): x is undefined | null {
  return x === undefined || x === null;
}

export type OperatorFn = (factValue: unknown, value: unknown) => boolean;

/** Wrap an operator so that a missing fact or value yields false. */
export function present(fn: OperatorFn): OperatorFn {
  return (a, b) => !isMissing(a) && !isMissing(b) && fn(a, b);
}

/**
 * What a failed Charter call says, for the executor: the record's status, whether the breaker
 * counts it, and whether a write that failed this way may still have landed.
 *
 * The breaker guards against Charter itself failing (5xx, timeouts, refused connections), not
 * against answers about one resource: a 404 for a target that does not exist (a forged or
 * stale alert) is `target_not_found`, and three of them must not switch remediation off.
 */
export type CharterErrorKind =
  | 'conflict' // 409/412: someone else changed the target; read again, decide again
  | 'not_found' // 404: the target does not exist
  | 'refused' // another 4xx: Charter answered and did nothing
  | 'unavailable' // 5xx, timeout, connection error: Charter failed; a write may have landed
  | 'internal'; // not an answer from Charter at all (a bug, a bad parameter)

export function charterErrorKind(err: unknown): CharterErrorKind {
  const e = err as { name?: unknown; status?: unknown } | null;
  if (e?.name === 'CharterConflictError') return 'conflict';
  if (typeof e?.status !== 'number' || typeof e?.name !== 'string') return 'internal';
  if (e.name === 'HttpAbortedError') return 'internal';
  // An answer that is not Charter's JSON (an HTML error page of a proxy, a cut body): Charter
  // or what is in front of it misbehaved, and a write may or may not have landed.
  if (e.name === 'InvalidResponseError' || e.name === 'HttpResponseTooLargeError') return 'unavailable';
  const status = e.status;
  if (status === 0 || status >= 500) return 'unavailable';
  if (status === 404) return 'not_found';
  if (status === 429) return 'unavailable';
  return 'refused';
}

/** True when the circuit breaker should count this failure (Charter itself failed). */
export function countsOnBreaker(kind: CharterErrorKind): boolean {
  return kind === 'unavailable';
}

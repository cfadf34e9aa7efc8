/**
 * A decision's fingerprint: a hash of everything in it but its `id`, `cycleId`, `at` (what
 * differs between cycles by construction) and `unrecordedBefore` (added when it is stored).
 * Two decisions with the same fingerprint would be stored as the same text but for those
 * fields: every fact value, trace, candidate, rejection reason, duplicate note, shadow part
 * and rule-set hash equal. The executor keeps only the fingerprint of the last decision
 * recorded per incident.
 *
 * The text hashed is JSON.stringify's, as the store writes it (documents.ts): what is
 * compared is exactly what the record would say. (+Inf, -Inf and NaN are text in decisions
 * already, non-finite.ts.) Keys in another order give another text, so such a decision is
 * stored: a false "changed" costs one record, never a false "unchanged". A canonical
 * serialiser with sorted keys, tried first, made more garbage than the records it saved
 * (1,000 decisions of ~5 KB per cycle, thousands of small strings each).
 */
import { createHash } from 'node:crypto';
import type { Decision } from '../types/decision.js';

/** The SHA-1 (base64) of the decision's JSON without id, cycleId, at and unrecordedBefore. */
export function planFingerprint(d: Decision): string {
  const { id: _id, cycleId: _cycleId, at: _at, unrecordedBefore: _before, ...plan } = d;
  return createHash('sha1').update(JSON.stringify(plan)).digest('base64');
}

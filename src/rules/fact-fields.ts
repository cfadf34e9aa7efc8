/**
 * What lies inside the structured observed facts, so a path or template into them can be
 * checked at load time (`$.criticalRate` on `metrics` is a typo, not a missing metric).
 * Facts not listed here (alerts, labels, alertnames, severity, derived facts) are not
 * checked below their name. The fields of `metrics` are the rule set's metric facts.
 */
import { BUILTIN_FACTS } from '../types/facts.js';

export const OBSERVED_FACT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  subject: ['kind', 'id'],
  violations: ['total', 'critical', 'high', 'medium', 'low', 'policies', 'targets', 'topPolicy', 'topTarget'],
  metrics: BUILTIN_FACTS.map((q) => q.name),
  global: ['alertCount', 'incidentCount', 'firingAlertnames', 'sources', 'metrics'],
};

/** An error message when `first` is not a field of `fact`, else undefined. */
export function unknownFieldMessage(fact: string, first: string | number | undefined, written: string, metrics: readonly string[] = OBSERVED_FACT_FIELDS['metrics'] ?? []): string | undefined {
  const fields = fact === 'metrics' ? metrics : OBSERVED_FACT_FIELDS[fact];
  if (fields === undefined || first === undefined || fields.includes(String(first))) return undefined;
  const what = fact === 'metrics' ? 'metric' : `field of fact "${fact}"`;
  return `unknown ${what} "${String(first)}" in "${written}" (known: ${fields.join(', ')})`;
}

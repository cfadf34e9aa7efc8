/** The metric families `mapek demo --stack` prints from the service's /metrics at the end. */
export const SUMMARY_METRICS = [
  'mapek_webhooks_total',
  'mapek_actions_total',
  'mapek_verifications_total',
  'mapek_time_to_remediate_seconds_count',
  'mapek_time_to_remediate_seconds_sum',
  'mapek_guard_stops_total',
] as const;

/** The sample lines of a Prometheus exposition text whose metric name is in `names` (comments dropped). */
export function metricLines(text: string, names: readonly string[] = SUMMARY_METRICS): string[] {
  return text.split('\n').filter((l) => {
    if (l === '' || l.startsWith('#')) return false;
    const name = /^[a-zA-Z_:][\w:]*/.exec(l)?.[0];
    return name !== undefined && names.includes(name);
  }).sort();
}

/** Plain-text block for the end of the demo's output. */
export function formatMetricLines(lines: readonly string[]): string {
  return ['the service\'s /metrics before it stopped (actions by type and result, verifications, webhooks):', ...(lines.length === 0 ? ['  (none)'] : lines.map((l) => `  ${l}`))].join('\n');
}

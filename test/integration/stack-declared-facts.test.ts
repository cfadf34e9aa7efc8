/**
 * Declared facts on the real Prometheus: read through query_range and query by
 * PrometheusSource, written to a fixture by the recorder's writer, replayed from that
 * fixture — the facts (slopes and anomalies included) have the same values both ways.
 */
import test from 'ava';
import { globalFacts, observedFacts } from '../../src/analyze/facts.js';
import { writeFixture } from '../../src/app/record/fixture-writer.js';
import { startCharter } from '../../src/charter/index.js';
import { PrometheusClient } from '../../src/integration/prometheus.js';
import { CompositeMonitor } from '../../src/monitor/composite.js';
import { parseFixture } from '../../src/monitor/fixture.js';
import { groupIncidents } from '../../src/monitor/incidents.js';
import { PrometheusSource } from '../../src/monitor/prometheus-source.js';
import { loadRuleSet } from '../../src/rules/load.js';
import { formatIssue } from '../../src/types/errors.js';
import { factCatalog } from '../../src/types/facts.js';
import type { Snapshot } from '../../src/types/snapshot.js';
import { startPrometheus, waitUntil } from '../support/stack.js';

/** The snapshot with one alert for `policy`, so its incident (and its facts) exist. */
function withPolicyAlert(s: Snapshot, policy: string): Snapshot {
  const labels = { alertname: 'ViolationRateHigh', severity: 'warning', policy_id: policy };
  return { ...s, alerts: [{ fingerprint: 'f', name: 'ViolationRateHigh', severity: 'warning', state: 'firing', labels, annotations: {}, startsAt: s.at, silenced: false, inhibited: false, source: 'fixture' }] };
}

test('declared facts recorded from a real Prometheus replay from the fixture with the same values', async (t) => {
  const charter = await startCharter({ port: 0, testApi: true, tickMs: 250, seed: 1 });
  t.teardown(() => charter.close());
  const prom = await startPrometheus({ charterUrl: charter.url });
  t.teardown(() => prom.stop());
  const client = new PrometheusClient({ baseUrl: prom.url });
  await waitUntil(async () => {
    const r = await client.query('count_over_time(up{job="charter"}[15s]) >= 6');
    return r.resultType === 'vector' && r.result.length === 1 ? true : undefined;
  }, 30_000, 'six scrapes of Charter');

  const rules = await loadRuleSet(['test/data/facts/stack']);
  if (!rules.ok) return t.fail(rules.issues.map(formatIssue).join('\n'));
  const facts = factCatalog(rules.ruleSet);
  const monitor = new CompositeMonitor({ sources: [new PrometheusSource(client, () => facts)] });
  const live = await monitor.observe();
  t.true(live.sources.prometheus?.ok, live.sources.prometheus?.error);
  t.true((live.ranges?.['upCount']?.[0]?.points.length ?? 0) >= 6, 'query_range answered the window');

  const text = writeFixture('live', 'recorded from a real Prometheus', [{ snapshot: live, decisions: [] }]);
  t.regex(text, /ranges:\n\s+upCount:/);
  const parsed = parseFixture(text, 'live.yaml', rules.ruleSet);
  if (!parsed.ok) return t.fail(parsed.issues.map(formatIssue).join('\n'));
  const replayed = parsed.fixture.steps[0]!.snapshot;
  t.deepEqual(replayed.ranges, live.ranges);

  const liveGlobal = globalFacts(live, [], facts).metrics;
  t.deepEqual(globalFacts(replayed, [], facts).metrics, liveGlobal);
  t.true(typeof liveGlobal['upCount'] === 'number' && liveGlobal['upCount'] >= 6, JSON.stringify(liveGlobal));
  const slope = liveGlobal['scrapeSlope'];
  t.true(typeof slope === 'number' && slope > 0.5 && slope < 1.5, `the scrape time advances about 1 s per s: ${String(slope)}`);

  const policy = live.ranges?.['versionMax']?.[0]?.labels['policy_id'];
  if (policy === undefined) return t.fail('no policy series');
  const a = withPolicyAlert(live, policy);
  const b = withPolicyAlert(replayed, policy);
  const la = groupIncidents(a, facts);
  const lb = groupIncidents(b, facts);
  const fa = observedFacts(la[0]!, globalFacts(a, la, facts), facts)['metrics'] as Record<string, unknown>;
  const fb = observedFacts(lb[0]!, globalFacts(b, lb, facts), facts)['metrics'] as Record<string, unknown>;
  t.deepEqual(fb, fa);
  t.true(typeof fa['versionMax'] === 'number' && fa['versionMax'] === fa['versionNow'], JSON.stringify(fa));
  return undefined;
});

/**
 * Issue #10 item 3: +Inf, -Inf and NaN stay distinct from a missing value (null) and from
 * each other in a decision's explanation, as Prometheus writes them ("+Inf", "-Inf",
 * "NaN"), through the nedb store, GET /api/v1/decisions and `mapek explain`.
 */
import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createPlanner } from '../../../src/analyze/index.js';
import { closeServer, createHttpServer, listen } from '../../../src/app/http-server.js';
import { explain } from '../../../src/cli/explain.js';
import { WebhookDeduplicator } from '../../../src/integration/webhook.js';
import { NedbKnowledgeStore } from '../../../src/knowledge/index.js';
import { createServiceMetrics, silentLogger } from '../../../src/observability/index.js';
import { loadRuleSet } from '../../../src/rules/load.js';
import type { Decision } from '../../../src/types/decision.js';
import { alert, snapshot } from '../../support/execute-fakes.js';

async function decide(): Promise<Decision> {
  const r = await loadRuleSet(['test/data/rules/non-finite']);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  const c1 = { committee_id: 'c1' };
  const s = snapshot([alert('CommitteeOverloaded', c1)], {
    metrics: { committeeQueueDepth: [{ labels: c1, value: Infinity }], committeeCapacity: [{ labels: c1, value: -Infinity }], committeeP99: [{ labels: c1, value: NaN }] },
  });
  const [d] = createPlanner(r.ruleSet).plan(s, {}, 'cycle-1');
  if (d === undefined) throw new Error('no decision');
  return d;
}

const EXPECTED = [
  ['metrics', '$.committeeQueueDepth', '+Inf', true],
  ['metrics', '$.committeeCapacity', '-Inf', true],
  ['metrics', '$.committeeP99', 'NaN', false],
  ['global', '$.metrics.validationLatencyP99', null, false],
];
const traced = (d: Decision) => d.rules.flatMap((r) => r.conditions.map((c) => [c.fact, c.path, c.factValue, c.result]));

test('the planner keeps +Inf, -Inf and NaN apart from a missing metric, and the rules still compare them as numbers', async (t) => {
  const d = await decide();
  t.deepEqual(traced(d), EXPECTED);
  t.deepEqual(d.chosen.map((c) => c.ruleId), ['overloaded']);
});

test('round trip: nedb store, GET /api/v1/decisions and mapek explain show them as they were', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-nonfinite-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const store = await NedbKnowledgeStore.open(dir);
  t.teardown(() => store.close());
  const d = await decide();
  await store.saveDecision(d);
  const [back] = await store.recentDecisions(1);
  t.deepEqual(traced(back!), EXPECTED);

  const s = createHttpServer({
    metrics: createServiceMetrics({ defaultMetrics: false }), log: silentLogger, webhookToken: undefined, maxBodyBytes: 1000, dedup: new WebhookDeduplicator(),
    onAlerts: () => undefined, ready: () => ({ ready: true, reasons: [] }), health: () => ({}),
    decisions: (n) => store.recentDecisions(n), approvals: async () => [], decisionsLimit: 5,
  });
  const { port } = (await listen(s, '127.0.0.1', 0)) as AddressInfo;
  t.teardown(() => closeServer(s));
  const api = (await (await fetch(`http://127.0.0.1:${port}/api/v1/decisions`)).json()) as { decisions: Decision[] };
  t.deepEqual(traced(api.decisions[0]!), EXPECTED);

  const out: string[] = [];
  const io = { out: (x: string) => out.push(x), err: (x: string) => out.push(x) };
  t.is(await explain(store, d.id, false, io), 0);
  const text = out.join('\n');
  t.true(text.includes('✓ metrics $.committeeQueueDepth greaterThan 5  (was "+Inf")'), text);
  t.true(text.includes('✓ metrics $.committeeCapacity lessThan 0  (was "-Inf")'));
  t.true(text.includes('✗ metrics $.committeeP99 greaterThan 1  (was "NaN")'));
  t.true(text.includes('✗ global $.metrics.validationLatencyP99 greaterThan 1  (was null)'));
  out.length = 0;
  await explain(store, d.id, true, io);
  t.deepEqual(traced((JSON.parse(out.join('')) as { decision: Decision }).decision), EXPECTED);
});

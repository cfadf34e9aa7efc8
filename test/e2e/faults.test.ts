/**
// Seed 7: every correct remediation's first seeded draw succeeds (as in `mapek demo`), so each case is deterministic.
 * For each fault kind, on the real stack: inject → alert fires in Prometheus → Alertmanager
 * webhook → `mapek run` (a child process) plans and applies → verifies → the alert resolves →
 * the outcome is recorded. Asserted in Charter (fault cleared by the right action, the write
 * log) and in the knowledge store (a succeeded execution). Times are printed with t.log.
 */
import anyTest, { type TestFn } from 'ava';
import type { FaultKind } from '../../src/types/charter.js';
import { metric, readExecutions, scrapeHealth, startE2e, type E2eWorld } from '../support/e2e-service.js';
import { waitUntil } from '../support/stack.js';

const test = anyTest as TestFn<{ w: E2eWorld }>;

test.before(async (t) => {
  t.timeout(60_000);
  t.context.w = await startE2e();
});
test.after.always(async (t) => {
  await t.context.w?.stop();
});

const CASES: readonly { kind: FaultKind; subject?: string; action: string; alert: string }[] = [
  { kind: 'bad_rollout', subject: 'pol-access', action: 'rollback_policy', alert: 'CriticalViolationDetected' },
  { kind: 'rogue_target', subject: 'node-b', action: 'quarantine_target', alert: 'TargetViolatingManyPolicies' },
  { kind: 'committee_overload', subject: 'committee-safety', action: 'scale_committee', alert: 'CommitteeOverloaded' },
  { kind: 'validation_slowdown', action: 'enable_validation_cache', alert: 'ValidationLatencySLA' },
  { kind: 'policy_load_failure', subject: 'pol-network', action: 'rollback_policy', alert: 'PolicyLoadFailure' },
];

for (const c of CASES) {
  test.serial(`${c.kind}: alert → webhook → ${c.action} → verified → alert resolved → outcome recorded`, async (t) => {
    t.timeout(90_000);
    const { charter, stack, mapek, knowledgeDir } = t.context.w;
    const webhooksBefore = await metric(mapek.url, 'mapek_webhooks_total', { result: 'accepted' });
    const injectedAt = Date.now();
    const f = charter.faults.inject(c.kind, c.subject);
    const subject = f.subject;

    await waitUntil(async () => ((await metric(mapek.url, 'mapek_webhooks_total', { result: 'accepted' })) > webhooksBefore ? true : undefined), 30_000, 'a webhook from Alertmanager');
    const detectedMs = Date.now() - injectedAt;
    try {
      await waitUntil(() => (charter.faults.get(f.id)?.state === 'cleared' ? true : undefined), 45_000, `${c.kind} cleared`);
    } catch (err) {
      t.log(await scrapeHealth(stack.prometheusUrl));
      t.log(mapek.logs().filter((l) => l['msg'] !== 'cycle done' && l['msg'] !== 'planned').slice(-12).map((l) => JSON.stringify(l)).join('\n'));
      throw err;
    }
    const cleared = charter.faults.get(f.id)!;
    const remediatedMs = Date.parse(cleared.clearedAt!) - injectedAt;
    t.is(cleared.clearedBy as string, c.action);
    const write = charter.writes.list().find((w) => w.id === cleared.clearedByWrite);
    t.truthy(write, 'the clearing write is in Charter\'s write log');

    const succeeded = await waitUntil(async () => {
      const recs = await readExecutions(knowledgeDir);
      return recs.find((r) => r.action.type === c.action && r.action.target === subject && r.status === 'succeeded' && r.verify === 'succeeded');
    }, 45_000, `a succeeded ${c.action} execution in the knowledge store`);
    t.is(succeeded.action.target, subject);
    t.truthy(succeeded.cycleId);

    await waitUntil(async () => {
      const r = await (fetch(`${stack.prometheusUrl}/api/v1/query?query=${encodeURIComponent(`ALERTS{alertname="${c.alert}",alertstate="firing"}`)}`).then((x) => x.json() as Promise<{ data: { result: unknown[] } }>));
      void stack;
      return r && r.data.result.length === 0 ? true : undefined;
    }, 30_000, `${c.alert} resolved`);
    const resolvedMs = Date.now() - injectedAt;
    const applied = charter.writes.list().filter((w) => w.at >= new Date(injectedAt).toISOString() && w.applied);
    const keys = applied.map((w) => w.idempotencyKey).filter((k) => k !== undefined);
    t.is(new Set(keys).size, keys.length, 'no write applied twice');
    t.true((await metric(mapek.url, 'mapek_actions_total', { type: c.action, result: 'succeeded' })) >= 1);
    t.log(await scrapeHealth(stack.prometheusUrl, '30s'));
    t.log(`${c.kind}: webhook after ${detectedMs} ms, remediated (fault cleared) after ${remediatedMs} ms, alert resolved after ${resolvedMs} ms`);
  });
}

/**
 * AlertmanagerClient against the real Alertmanager (deploy config rewritten for tests):
 * posting alerts, filters, silences (create, list, expire) and the silenced flag, receivers,
 * status, both error shapes; and Alertmanager down.
 */
import anyTest, { type TestFn } from 'ava';
import { AlertmanagerClient } from '../../src/integration/alertmanager.js';
import { AlertmanagerApiError, HttpConnectionError } from '../../src/integration/errors.js';
import { startAlertmanager, waitUntil, type ManagedProcess } from '../support/stack.js';
import { startWebhookListener, type WebhookListener } from '../support/webhook-listener.js';

const test = anyTest as TestFn<{ am: ManagedProcess; listener: WebhookListener; client: AlertmanagerClient }>;

test.before(async (t) => {
  t.context.listener = await startWebhookListener();
  t.context.am = await startAlertmanager({ webhookUrl: t.context.listener.url, webhookToken: 'tok' });
  t.context.client = new AlertmanagerClient({ baseUrl: t.context.am.url });
});
test.after.always(async (t) => {
  await t.context.am?.stop();
  await t.context.listener?.close();
});

test.serial('status, receivers: the five receivers of deploy/alertmanager', async (t) => {
  const { client } = t.context;
  const st = await client.status();
  t.is(st.version, '0.25.0');
  t.notThrows(() => new Date(st.uptime).toISOString());
  t.deepEqual([...(await client.receivers())].sort(), ['critical-pager', 'mapek', 'platform-oncall', 'policy-team', 'security-team']);
});

test.serial('posted alerts are listed with filters, normalised, and delivered to the mapek webhook', async (t) => {
  const { client, listener } = t.context;
  await client.postAlerts([
    { labels: { alertname: 'ManualTest', severity: 'warning', team: 'policy', policy_id: 'pol-x' }, annotations: { summary: 'one' } },
    { labels: { alertname: 'ManualTest', severity: 'critical', team: 'security', node_or_service: 'node-z' } },
  ]);
  const warn = await client.alerts({ filter: ['alertname="ManualTest"', 'severity=~"warn.*"'] });
  t.is(warn.length, 1);
  t.like(warn[0], { name: 'ManualTest', severity: 'warning', state: 'firing', silenced: false, inhibited: false, source: 'alertmanager', annotations: { summary: 'one' } });
  t.regex(warn[0]!.fingerprint, /^[0-9a-f]{16}$/);
  t.false('endsAt' in warn[0]!);
  const w = await listener.waitForAlert('ManualTest', 'firing', 10_000, { node_or_service: 'node-z' });
  t.is(w.headers['authorization'], 'Bearer tok');
  t.is((w.body as { receiver: string }).receiver, 'mapek');
});

test.serial('silences: create, list, the alert is silenced, expire', async (t) => {
  const { client } = t.context;
  const now = Date.now();
  const id = await client.createSilence({
    matchers: [{ name: 'node_or_service', value: 'node-z', isRegex: false, isEqual: true }],
    startsAt: new Date(now).toISOString(),
    endsAt: new Date(now + 3_600_000).toISOString(),
    createdBy: 'mapek',
    comment: 'remediating node-z',
  });
  t.regex(id, /^[0-9a-f-]{36}$/);
  const listed = (await client.silences()).find((s) => s.id === id);
  t.like(listed, { state: 'active', createdBy: 'mapek', comment: 'remediating node-z' });
  t.deepEqual(listed?.matchers, [{ name: 'node_or_service', value: 'node-z', isRegex: false, isEqual: true }]);
  const silenced = await waitUntil(async () => {
    const a = await client.alerts({ filter: ['node_or_service="node-z"'] });
    return a[0]?.silenced ? a[0] : undefined;
  }, 10_000, 'node-z silenced');
  t.is(silenced.name, 'ManualTest');
  t.deepEqual(await client.alerts({ filter: ['node_or_service="node-z"'], silenced: false }), []);
  await client.expireSilence(id);
  await client.expireSilence(id); // idempotent
  t.is((await client.silences()).find((s) => s.id === id)?.state, 'expired');
  const back = await waitUntil(async () => {
    const a = await client.alerts({ filter: ['node_or_service="node-z"'] });
    return a[0] && !a[0].silenced ? a[0] : undefined;
  }, 10_000, 'node-z unsilenced');
  t.false(back.silenced);
});

test.serial('both error shapes: 422 {code,message} and 400 bare string, verbatim and terminal', async (t) => {
  const { client, am } = t.context;
  const e422 = await t.throwsAsync(client.createSilence({ matchers: [], startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 60_000).toISOString(), createdBy: 'x', comment: 'x' }), { instanceOf: AlertmanagerApiError });
  t.is(e422!.status, 422);
  t.is(e422!.detail, 'matchers in body should have at least 1 items');
  t.false(e422!.retryable);
  const e400 = await t.throwsAsync(client.postAlerts([{ labels: {} }]), { instanceOf: AlertmanagerApiError });
  t.is(e400!.status, 400);
  t.is(e400!.message, `alertmanager POST ${am.url}/api/v2/alerts answered 400: at least one label pair required`);
  const bad = await t.throwsAsync(client.alerts({ filter: ['alertname=~"('] }), { instanceOf: AlertmanagerApiError });
  t.is(bad!.status, 400);
});

test.serial('Alertmanager down: a retryable HttpConnectionError, after the bounded retries', async (t) => {
  const other = await startAlertmanager({ webhookUrl: t.context.listener.url });
  await other.stop();
  const sleeps: number[] = [];
  const c = new AlertmanagerClient({ baseUrl: other.url, retries: 2, sleep: async (ms) => { sleeps.push(ms); } });
  const err = await t.throwsAsync(c.alerts(), { instanceOf: HttpConnectionError });
  t.true(err!.retryable);
  t.is(err!.code, 'ECONNREFUSED');
  t.is(sleeps.length, 2);
  // createSilence is not repeated once sent, but a refused connection never reached the server.
  await t.throwsAsync(c.createSilence({ matchers: [{ name: 'a', value: 'b', isRegex: false }], startsAt: 'x', endsAt: 'y', createdBy: 'x', comment: 'x' }), { instanceOf: HttpConnectionError });
  t.is(sleeps.length, 4);
});

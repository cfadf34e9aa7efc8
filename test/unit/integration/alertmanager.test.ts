import test from 'ava';
import { AlertmanagerClient, errorDetail } from '../../../src/integration/alertmanager.js';
import { AlertmanagerApiError, InvalidResponseError } from '../../../src/integration/errors.js';
import { captureAnswer, fakeServer, json, loadCaptures, type Answer } from './fake-server.js';

const caps = loadCaptures('alertmanager-shapes.txt');
const cap = (name: string): Answer => captureAnswer(caps.get(name)!);

async function serve(t: { teardown(f: () => Promise<void>): void }, a: Answer) {
  const s = await fakeServer(() => a);
  t.teardown(() => s.close());
  return { s, c: new AlertmanagerClient({ baseUrl: s.url, retries: 0 }) };
}

test('alerts: filters as repeated params; normalised to Alert', async (t) => {
  const { s, c } = await serve(t, cap('get_alerts_filter'));
  const a = await c.alerts({ filter: ['alertname="ManualTest"', 'severity=~"warn.*"'], silenced: false });
  t.deepEqual(a, [{
    fingerprint: '24997ec3636f0824', name: 'ManualTest', severity: 'warning', state: 'firing',
    labels: { alertname: 'ManualTest', service: 'checkout', severity: 'warning' },
    annotations: { runbook: 'none', summary: 'manual test alert' },
    startsAt: '2026-11-26T10:27:59.000Z', updatedAt: '2026-11-26T10:27:59.957Z', silenced: false, inhibited: false, source: 'alertmanager',
  }]);
  const q = new URLSearchParams(s.requests[0]!.url.split('?')[1]);
  t.deepEqual(q.getAll('filter'), ['alertname="ManualTest"', 'severity=~"warn.*"']);
  t.is(q.get('silenced'), 'false');
});

test('a silenced alert (status.silencedBy non-empty) is silenced, and fires although its endsAt has passed here', async (t) => {
  const { c } = await serve(t, cap('get_alerts_silenced'));
  const [a] = await c.alerts();
  t.like(a, { silenced: true, inhibited: false, severity: 'critical', state: 'firing', updatedAt: '2026-11-26T10:27:59.957Z' });
  t.false('endsAt' in a!); // endsAt 10:32:59.957 is long past on this machine's clock: state decides
});

test('silences, receivers, status, createSilence, expireSilence, postAlerts', async (t) => {
  t.deepEqual(await (await serve(t, cap('get_silences'))).c.silences(), [{
    id: '91f2fd66-6f6b-476e-8de5-5341d4a721d3', matchers: [{ name: 'service', value: 'cart', isRegex: false, isEqual: true }],
    startsAt: '2026-11-26T10:28:01.578Z', endsAt: '2026-11-26T11:27:59.000Z', createdBy: 'remediator', comment: 'auto-remediation in progress', state: 'active',
  }]);
  t.deepEqual(await (await serve(t, cap('receivers'))).c.receivers(), ['hook']);
  t.deepEqual(await (await serve(t, cap('status'))).c.status(), { version: '0.25.0', uptime: '2026-11-26T10:25:30.029Z' });
  const cs = await serve(t, cap('create_silence'));
  t.is(await cs.c.createSilence({ matchers: [{ name: 'service', value: 'cart', isRegex: false }], startsAt: 'a', endsAt: 'b', createdBy: 'me', comment: 'c' }), '91f2fd66-6f6b-476e-8de5-5341d4a721d3');
  t.deepEqual(JSON.parse(cs.s.requests[0]!.body), { matchers: [{ name: 'service', value: 'cart', isRegex: false }], startsAt: 'a', endsAt: 'b', createdBy: 'me', comment: 'c' });
  const del = await serve(t, cap('delete_silence'));
  await del.c.expireSilence('91f2fd66');
  t.is(del.s.requests[0]!.method, 'DELETE');
  t.is(del.s.requests[0]!.url, '/api/v2/silence/91f2fd66');
  const post = await serve(t, cap('post_alerts'));
  await post.c.postAlerts([{ labels: { alertname: 'X' } }]);
  t.is(post.s.requests[0]!.body, '[{"labels":{"alertname":"X"}}]');
});

test('error shapes: 422 {code,message}, 400 bare string, 400 {code,message}, empty 404', async (t) => {
  const cases: [string, number, string][] = [
    ['post_alerts_bad_nolabels', 422, '0.labels in body is required'],
    ['post_alerts_bad_emptylabels', 400, 'at least one label pair required'],
    ['post_alerts_bad_json', 400, 'parsing alerts body from "" failed, because json: cannot unmarshal object into Go value of type models.PostableAlerts'],
    ['get_silence_notfound', 404, '(empty body)'],
  ];
  for (const [name, status, detail] of cases) {
    const { s, c } = await serve(t, cap(name));
    const err = await t.throwsAsync(c.postAlerts([{ labels: { a: 'b' } }]), { instanceOf: AlertmanagerApiError });
    t.is(err!.status, status);
    t.is(err!.detail, detail);
    t.false(err!.retryable);
    t.is(err!.message, `alertmanager POST ${s.url}/api/v2/alerts answered ${status}: ${detail}`);
  }
  t.is(errorDetail({ method: 'GET', url: 'u', status: 500, headers: {}, text: 'plain words' }), 'plain words');
  const { c } = await serve(t, json(503, { code: 1, message: 'busy' }));
  t.true((await t.throwsAsync(c.receivers(), { instanceOf: AlertmanagerApiError }))!.retryable);
});

test('malformed answers name the field', async (t) => {
  const cases: [Answer, (c: AlertmanagerClient) => Promise<unknown>, string][] = [
    [json(200, {}), (c) => c.alerts(), 'expected an array of alerts'],
    [json(200, [{ labels: { a: 'b' }, status: {}, fingerprint: 'f', startsAt: 's' }]), (c) => c.alerts(), '[0].labels.alertname: required'],
    [json(200, [{ labels: { alertname: 'x' }, fingerprint: 'f', startsAt: 's' }]), (c) => c.alerts(), '[0].status: expected an object'],
    [json(200, [{ labels: { alertname: 'x' }, status: { silencedBy: 'x' }, fingerprint: 'f', startsAt: 's' }]), (c) => c.alerts(), '[0].status.silencedBy: expected an array of strings'],
    [json(200, [{ status: { state: 'weird' } }]), (c) => c.silences(), '[0].status.state: expected active, pending or expired'],
    [json(200, [{ status: { state: 'active' }, matchers: [{ name: 'a', value: 'b' }] }]), (c) => c.silences(), '[0].matchers[0].isRegex: expected a boolean'],
    [json(200, [{}]), (c) => c.receivers(), '[0].name: expected a string'],
    [json(200, { versionInfo: {} }), (c) => c.status(), 'versionInfo.version: expected a string'],
    [json(200, {}), (c) => c.createSilence({ matchers: [], startsAt: '', endsAt: '', createdBy: '', comment: '' }), 'silenceID: expected a string'],
  ];
  for (const [answer, call, detail] of cases) {
    const { c } = await serve(t, answer);
    const err = await t.throwsAsync(call(c), { instanceOf: InvalidResponseError });
    t.true(err!.message.endsWith(`: invalid response: ${detail}`), err!.message);
  }
});

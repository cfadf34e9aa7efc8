import test from 'ava';
import { CharterClient, interpretCharter } from '../../../src/integration/charter-client.js';
import { CharterApiError, CharterConflictError, InvalidResponseError } from '../../../src/integration/errors.js';
import { fakeServer, json } from './fake-server.js';

const policy = { id: 'p', version: 2, spec: { name: 'P', revision: 'r', enforcementMode: 'enforce', rules: [] }, loadState: 'loaded', history: [] };

test('writes send Idempotency-Key (generated when absent) and If-Match; ETag → Versioned', async (t) => {
  const s = await fakeServer(() => json(201, policy, { etag: '"p-v2"' }));
  t.teardown(() => s.close());
  let n = 0;
  const c = new CharterClient({ baseUrl: s.url, newIdempotencyKey: () => `gen-${++n}` });
  const r = await c.applyPolicy({ policyId: 'p', spec: policy.spec as never }, { ifMatch: '"p-v1"' });
  t.deepEqual(r, { value: policy, etag: '"p-v2"' });
  t.is(s.requests[0]!.headers['idempotency-key'], 'gen-1');
  t.is(s.requests[0]!.headers['if-match'], '"p-v1"');
  await c.applyPolicy({ policyId: 'p', spec: policy.spec as never }, { idempotencyKey: 'mine' });
  t.is(s.requests[1]!.headers['idempotency-key'], 'mine');
  t.is(s.requests[1]!.headers['if-match'], undefined);
});

test('a 5xx write is retried with the same Idempotency-Key', async (t) => {
  const s = await fakeServer((_r, n) => (n === 1 ? json(500, { error: { code: 'internal', message: 'boom' } }) : json(200, { id: 'node-a', quarantined: true, version: 3 }, { etag: '"node-a-v3"' })));
  t.teardown(() => s.close());
  const c = new CharterClient({ baseUrl: s.url, sleep: async () => {} });
  const r = await c.putTarget('node-a', { quarantined: true });
  t.is(r.etag, '"node-a-v3"');
  t.is(s.requests.length, 2);
  t.is(s.requests[0]!.headers['idempotency-key'], s.requests[1]!.headers['idempotency-key']);
});

test('412 and 409 are CharterConflictError, not retried; 4xx terminal; 5xx retryable', async (t) => {
  for (const status of [412, 409]) {
    const s = await fakeServer(() => json(status, { error: { code: 'version_conflict', message: 'stale' } }));
    const err = await t.throwsAsync(new CharterClient({ baseUrl: s.url, sleep: async () => {} }).putSettings({ validationCache: true }), { instanceOf: CharterConflictError });
    t.is(err!.name, 'CharterConflictError');
    t.is(err!.message, `charter PUT ${s.url}/api/v1/settings answered ${status} version_conflict: stale`);
    t.false(err!.retryable);
    t.is(s.requests.length, 1);
    await s.close();
  }
  const res = (status: number, text: string) => ({ method: 'GET' as const, url: 'http://c/x', status, headers: {}, text });
  const e400 = t.throws(() => interpretCharter(res(400, JSON.stringify({ error: { code: 'invalid_body', message: 'capacity: bad', field: 'capacity' } }))), { instanceOf: CharterApiError });
  t.like(e400, { status: 400, code: 'invalid_body', detail: 'capacity: bad', field: 'capacity', retryable: false });
  const e502 = t.throws(() => interpretCharter(res(502, '<html>bad gateway</html>')), { instanceOf: CharterApiError });
  t.like(e502, { code: 'unknown', detail: '<html>bad gateway</html>', retryable: true });
  t.like(t.throws(() => interpretCharter(res(500, ''))), { message: 'charter GET http://c/x answered 500 unknown: (empty body)' });
});

test('every endpoint hits its path and query', async (t) => {
  const s = await fakeServer((r) => {
    if (r.url.startsWith('/api/v1/violations') || r.url === '/api/v1/policies' || r.url === '/api/v1/targets') return json(200, []);
    if (r.url === '/api/v1/policies/reload') return json(200, { loaded: 5, failed: [] });
    if (r.url === '/healthz') return json(200, { status: 'ok' });
    if (r.url.includes('settings')) return json(200, { validationCache: true, version: 1 }, { etag: '"settings-v1"' });
    return json(200, { id: 'x', version: 1, capacity: 4, queueDepth: 0, quarantined: false }, { etag: '"x-v1"' });
  });
  t.teardown(() => s.close());
  const c = new CharterClient({ baseUrl: s.url });
  t.true(await c.health());
  await c.listPolicies();
  await c.getPolicy('a/b');
  await c.listViolations({ since: '2026-01-01T00:00:00Z', policyId: 'p', severity: 'critical', nodeOrService: 'n' });
  await c.listTargets();
  await c.getTarget('t');
  await c.getCommittee('c');
  await c.putCommittee('c', { capacity: 6 });
  await c.getSettings();
  t.deepEqual(await c.reloadPolicies(), { loaded: 5, failed: [] });
  t.deepEqual(s.requests.map((r) => `${r.method} ${r.url}`), [
    'GET /healthz', 'GET /api/v1/policies', 'GET /api/v1/policies/a%2Fb',
    'GET /api/v1/violations?since=2026-01-01T00%3A00%3A00Z&policy_id=p&severity=critical&node_or_service=n',
    'GET /api/v1/targets', 'GET /api/v1/targets/t', 'GET /api/v1/committees/c', 'PUT /api/v1/committees/c',
    'GET /api/v1/settings', 'POST /api/v1/policies/reload',
  ]);
  t.is(s.requests[7]!.body, '{"capacity":6}');
  t.is(s.requests[9]!.body, '');
});

test('malformed answers: missing ETag, wrong shapes', async (t) => {
  const s = await fakeServer((r) => (r.url === '/api/v1/policies' ? json(200, [{}]) : r.url.includes('reload') ? json(200, {}) : r.url.includes('targets/') ? json(200, { id: 'x' }) : json(200, {}, { etag: '"e"' })));
  t.teardown(() => s.close());
  const c = new CharterClient({ baseUrl: s.url });
  t.regex((await t.throwsAsync(c.listPolicies(), { instanceOf: InvalidResponseError }))!.message, /invalid response: \[0\]: expected an object with "id"$/);
  t.regex((await t.throwsAsync(c.getTarget('x'), { instanceOf: InvalidResponseError }))!.message, /invalid response: missing ETag header$/);
  t.regex((await t.throwsAsync(c.getCommittee('x'), { instanceOf: InvalidResponseError }))!.message, /invalid response: expected an object with "id"$/);
  t.regex((await t.throwsAsync(c.reloadPolicies(), { instanceOf: InvalidResponseError }))!.message, /invalid response: expected \{loaded, failed\}$/);
});

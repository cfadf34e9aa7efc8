/**
 * The fault proxy (test/support/fault-proxy.ts) in front of the real reference Charter,
 * driven with real fetches: each fault does what it says to the client AND to Charter
 * (a dropped answer's write landed; an injected error's did not).
 */
import test from 'ava';
import { startCharter } from '../../src/charter/index.js';
import { call, charterForTest } from '../support/charter.js';
import { HTML_ERROR_PAGE, startFaultProxy } from '../support/fault-proxy.js';
import { startFaultProxyChild } from '../support/fault-proxy-child.js';

async function setup(t: Parameters<typeof charterForTest>[0]) {
  const charter = await charterForTest(t);
  const proxy = await startFaultProxy({ upstream: charter.url });
  t.teardown(() => proxy.close());
  return { charter, proxy };
}

const COMMITTEE = '/api/v1/committees/committee-ops';
const putCapacity = (proxy: { url: string }, capacity: number, key: string, extra: RequestInit = {}) =>
  fetch(`${proxy.url}${COMMITTEE}`, { method: 'PUT', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify({ capacity }), ...extra });

/** The name of the error a promise rejects with ("none" when it resolves). */
const failure = (p: Promise<unknown>): Promise<string> => p.then(() => 'none', (e: { name: string }) => e.name);

test('forward: the answer is the upstream\'s; the request is recorded with its headers and body', async (t) => {
  const { charter, proxy } = await setup(t);
  t.regex(proxy.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const before = await call(charter, 'GET', COMMITTEE);
  const res = await fetch(`${proxy.url}${COMMITTEE}`, { method: 'PUT', headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1', 'if-match': before.headers.get('etag')! }, body: JSON.stringify({ capacity: 7 }) });
  t.is(res.status, 200);
  t.like(await res.json(), { id: 'committee-ops', capacity: 7, version: 2 });
  t.is(res.headers.get('etag'), '"committee-ops-v2"');
  const [rec] = proxy.requests();
  t.like(rec, { seq: 1, method: 'PUT', path: COMMITTEE, idempotencyKey: 'k-1', ifMatch: '"committee-ops-v1"', body: '{"capacity":7}', json: { capacity: 7 }, action: 'forward', forwarded: true, upstreamStatus: 200, status: 200, outcome: 'answered' });
  t.is(rec!.rule, undefined);
  t.is(rec!.headers['content-type'], 'application/json');
  t.deepEqual(charter.writes.list().map((w) => [w.method, w.path, w.idempotencyKey, w.applied]), [['PUT', COMMITTEE, 'k-1', true]]);
  // A query string is passed on and recorded.
  const v = await fetch(`${proxy.url}/api/v1/violations?limit=5`);
  t.is(v.status, 200);
  t.is(proxy.requests()[1]!.path, '/api/v1/violations?limit=5');
});

test('drop_answer destroy: Charter applied the write, the client sees a connection error; the retry is replayed', async (t) => {
  const { charter, proxy } = await setup(t);
  const rule = proxy.rule({ method: 'PUT', path: /^\/api\/v1\/committees\//, nth: 1 }, { kind: 'drop_answer', mode: 'destroy' });
  t.is(await failure(putCapacity(proxy, 9, 'k-drop')), 'TypeError'); // fetch failed: socket closed
  t.is(charter.world.getCommittee('committee-ops').capacity, 9);
  t.like(proxy.requests()[0], { action: 'drop_answer', rule: 0, forwarded: true, upstreamStatus: 200, outcome: 'destroyed' });
  t.is(proxy.requests()[0]!.status, undefined);
  // The rule took only the first match: the retry goes through and Charter replays its answer.
  const retry = await putCapacity(proxy, 9, 'k-drop');
  t.is(retry.status, 200);
  t.is(retry.headers.get('idempotent-replayed'), 'true');
  t.deepEqual([rule.matched, rule.applied], [2, 1]);
  t.deepEqual(charter.writes.list().map((w) => [w.applied, w.replayed]), [[true, false], [false, true]]);
});

test('drop_answer hang: the write lands, no answer comes; the client\'s own timeout ends it', async (t) => {
  const { charter, proxy } = await setup(t);
  proxy.rule({ method: 'PUT' }, { kind: 'drop_answer', mode: 'hang' });
  const client = new AbortController();
  const pending = failure(putCapacity(proxy, 11, 'k-hang', { signal: client.signal }));
  await proxy.waitFor((r) => r.upstreamStatus !== undefined);
  t.is(charter.world.getCommittee('committee-ops').capacity, 11);
  client.abort(); // the client's own timeout
  t.is(await pending, 'AbortError');
  const rec = await proxy.waitFor((r) => r.outcome !== 'pending');
  t.like(rec, { action: 'drop_answer', forwarded: true, upstreamStatus: 200, outcome: 'hung' });
});

test('delay before the answer: the write has landed while the client still waits', async (t) => {
  const { charter, proxy } = await setup(t);
  proxy.rule({ method: 'PUT' }, { kind: 'delay', ms: 300, before: 'answer' });
  let settled = false;
  const start = Date.now();
  const res = putCapacity(proxy, 12, 'k-late').then((r) => {
    settled = true;
    return r;
  });
  await proxy.waitFor((r) => r.upstreamStatus !== undefined);
  t.is(charter.world.getCommittee('committee-ops').capacity, 12);
  t.false(settled);
  t.is((await res).status, 200);
  t.true(Date.now() - start >= 300);
  t.like(proxy.requests()[0], { action: 'delay', outcome: 'answered', status: 200 });
});

test('delay before forwarding: Charter has not seen the write yet when the proxy has', async (t) => {
  const { charter, proxy } = await setup(t);
  proxy.rule({ method: 'PUT' }, { kind: 'delay', ms: 300, before: 'forward' });
  const res = putCapacity(proxy, 13, 'k-early');
  await proxy.waitFor((r) => r.seq === 1);
  t.is(charter.writes.list().length, 0);
  t.is((await res).status, 200);
  t.is(charter.writes.list().length, 1);
});

test('error: 5xx with a JSON body or an HTML page, never forwarded', async (t) => {
  const { charter, proxy } = await setup(t);
  proxy.rule({ method: 'PUT', nth: 1 }, { kind: 'error', status: 503, body: 'json' });
  proxy.rule({ method: 'PUT', nth: 2 }, { kind: 'error', status: 502, body: 'html' });
  const a = await putCapacity(proxy, 14, 'k-e');
  t.is(a.status, 503);
  t.is(a.headers.get('content-type'), 'application/json; charset=utf-8');
  t.deepEqual(await a.json(), { error: { code: 'injected_fault', message: 'injected error 503 (fault proxy)' } });
  const b = await putCapacity(proxy, 14, 'k-e');
  t.is(b.status, 502);
  t.is(b.headers.get('content-type'), 'text/html');
  t.is(await b.text(), HTML_ERROR_PAGE(502));
  t.is(charter.writes.list().length, 0);
  t.deepEqual(proxy.requests().map((r) => [r.action, r.rule, r.forwarded, r.status]), [['error', 0, false, 503], ['error', 1, false, 502]]);
  // Both rules are spent: the third goes through.
  t.is((await putCapacity(proxy, 14, 'k-e')).status, 200);
});

test('precondition_failed: 412 version_conflict with the given ETag, not forwarded', async (t) => {
  const { charter, proxy } = await setup(t);
  proxy.rule({ path: /committees/ }, { kind: 'precondition_failed', etag: '"committee-ops-v5"' });
  const res = await putCapacity(proxy, 15, 'k-412');
  t.is(res.status, 412);
  t.is(res.headers.get('etag'), '"committee-ops-v5"');
  t.deepEqual(await res.json(), { error: { code: 'version_conflict', message: 'injected version conflict (fault proxy)', field: 'If-Match' } });
  t.is(charter.writes.list().length, 0);
});

test('hang: never forwarded, never answered; close() ends the connection', async (t) => {
  const { charter, proxy } = await setup(t);
  proxy.rule({}, { kind: 'hang' });
  const pending = failure(putCapacity(proxy, 16, 'k-h'));
  await proxy.waitFor((r) => r.seq === 1);
  await proxy.close(); // destroys the open socket: the client fails at once
  t.is(await pending, 'TypeError');
  t.like(proxy.requests()[0], { action: 'hang', forwarded: false, outcome: 'hung' });
  t.is(charter.writes.list().length, 0);
});

test('cut: the connection is destroyed without forwarding', async (t) => {
  const { charter, proxy } = await setup(t);
  proxy.rule({ method: 'PUT', path: /committees/, times: 2 }, { kind: 'cut' });
  t.is(await failure(putCapacity(proxy, 17, 'k-c')), 'TypeError');
  t.is(await failure(putCapacity(proxy, 17, 'k-c')), 'TypeError');
  t.is((await putCapacity(proxy, 17, 'k-c')).status, 200);
  t.deepEqual(proxy.requests().map((r) => [r.action, r.forwarded, r.outcome]), [['cut', false, 'destroyed'], ['cut', false, 'destroyed'], ['forward', true, 'answered']]);
  t.is(charter.writes.list().length, 1);
});

test('matchers: method, path, nth and times select which requests a rule takes; remove() and clearRules()', async (t) => {
  const { proxy } = await setup(t);
  const get = (p: string) => fetch(`${proxy.url}${p}`).then((r) => r.status);
  const r = proxy.rule({ method: 'GET', path: /^\/api\/v1\/targets/, nth: 2, times: 2 }, { kind: 'error', status: 500, body: 'json' });
  t.deepEqual([await get('/api/v1/targets'), await get('/api/v1/policies'), await get('/api/v1/targets'), await get('/api/v1/targets/node-a'), await get('/api/v1/targets')], [200, 200, 500, 500, 200]);
  t.deepEqual([r.matched, r.applied], [4, 2]);
  const all = proxy.rule({ path: /policies/ }, { kind: 'error', status: 503, body: 'json' });
  t.is(await get('/api/v1/policies'), 503);
  all.remove();
  t.is(await get('/api/v1/policies'), 200);
  proxy.rule({}, { kind: 'error', status: 500, body: 'json' });
  proxy.clearRules();
  t.is(await get('/api/v1/policies'), 200);
  proxy.clearRequests();
  t.deepEqual(proxy.requests(), []);
});

test('matchers: an Idempotency-Key pattern singles out the undo write; a request without a key never matches it', async (t) => {
  const { charter, proxy } = await setup(t);
  const undo = proxy.rule({ idempotencyKey: /:rollback$/g }, { kind: 'drop_answer', mode: 'destroy' });
  t.is((await putCapacity(proxy, 6, 'k1')).status, 200);
  t.is(await failure(putCapacity(proxy, 4, 'k1:rollback')), 'TypeError');
  t.is(await failure(putCapacity(proxy, 4, 'k2:rollback')), 'TypeError'); // a /g pattern matches every time
  t.is((await fetch(`${proxy.url}/api/v1/policies`)).status, 200);
  t.deepEqual([undo.matched, undo.applied], [2, 2]);
  t.deepEqual(charter.writes.list().map((w) => [w.idempotencyKey, w.applied]), [['k1', true], ['k1:rollback', true], ['k2:rollback', false]]);
});

test('an unreachable upstream: the client sees a connection error and the record says why', async (t) => {
  const gone = await startCharter({ tickMs: 0 });
  const url = gone.url;
  await gone.close();
  const proxy = await startFaultProxy({ upstream: url });
  t.teardown(() => proxy.close());
  t.is(await failure(fetch(`${proxy.url}/healthz`)), 'TypeError');
  const [rec] = proxy.requests();
  t.like(rec, { forwarded: true, outcome: 'destroyed' });
  t.regex(rec!.upstreamError ?? '', /ECONNREFUSED/);
});

test('waitFor rejects after its timeout, naming how many requests were seen', async (t) => {
  const { proxy } = await setup(t);
  await t.throwsAsync(proxy.waitFor(() => false, 50), { message: 'fault proxy: no matching request within 50 ms (0 seen)' });
});

test('bad rules and upstreams are refused with exact messages', async (t) => {
  const { proxy } = await setup(t);
  t.throws(() => proxy.rule({ nth: 0 }, { kind: 'cut' }), { message: 'fault proxy: nth: expected an integer >= 1, got 0' });
  t.throws(() => proxy.rule({ times: 1.5 }, { kind: 'cut' }), { message: 'fault proxy: times: expected an integer >= 1, got 1.5' });
  t.throws(() => proxy.rule({}, { kind: 'delay', ms: -1, before: 'forward' }), { message: 'fault proxy: delay: expected ms >= 0, got -1' });
  t.throws(() => proxy.rule({}, { kind: 'error', status: 200, body: 'json' }), { message: 'fault proxy: error: expected a status 400-599, got 200' });
  await t.throwsAsync(startFaultProxy({ upstream: 'https://127.0.0.1:1' }), { message: 'fault proxy: upstream "https://127.0.0.1:1": only http is supported' });
});

test('as a child process: rules over IPC, SIGSTOP freezes it (the client times out), SIGCONT thaws it', async (t) => {
  const charter = await charterForTest(t);
  const child = await startFaultProxyChild(charter.url);
  t.teardown(() => child.close());
  await child.rule({ method: 'PUT', path: /committees/, nth: 1 }, { kind: 'error', status: 503, body: 'html' });
  t.is((await putCapacity(child, 18, 'k-child')).status, 503);
  child.pause();
  t.is(await failure(fetch(`${child.url}/healthz`, { signal: AbortSignal.timeout(300) })), 'TimeoutError');
  child.resume();
  t.is((await putCapacity(child, 18, 'k-child')).status, 200);
  const recs = await child.requests();
  t.deepEqual(recs.map((r) => [r.method, r.action, r.outcome]).filter((r) => r[0] === 'PUT'), [['PUT', 'error', 'answered'], ['PUT', 'forward', 'answered']]);
  await t.throwsAsync(child.rule({ nth: 0 }, { kind: 'cut' }), { message: 'fault proxy: nth: expected an integer >= 1, got 0' });
  await child.close();
  t.is(await failure(fetch(`${child.url}/healthz`)), 'TypeError');
});

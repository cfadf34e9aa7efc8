import test from 'ava';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient, USER_AGENT, defaultInterpret } from '../../../src/integration/http.js';
import {
  HttpAbortedError,
  HttpConnectionError,
  HttpResponseTooLargeError,
  HttpStatusError,
  HttpTimeoutError,
  InvalidResponseError,
} from '../../../src/integration/errors.js';
import { MapekError } from '../../../src/types/errors.js';
import { fakeServer, freePortUrl, json } from './fake-server.js';

const noSleep = (sleeps: number[]) => async (ms: number): Promise<void> => { sleeps.push(ms); };

test('sends user agent, bearer token, accept and JSON bodies; parses JSON', async (t) => {
  const s = await fakeServer(() => json(200, { ok: true }));
  t.teardown(() => s.close());
  const c = new HttpClient({ baseUrl: `${s.url}/`, bearerToken: 'tok', headers: { 'X-Extra': 'y' } });
  const v = await c.call({ method: 'POST', path: '/x', query: { a: '1', m: ['p', 'q'], skip: undefined }, json: { k: 1 } });
  t.deepEqual(v, { ok: true });
  const r = s.requests[0]!;
  t.is(r.url, '/x?a=1&m=p&m=q');
  t.is(r.headers['user-agent'], USER_AGENT);
  t.is(USER_AGENT, 'charter-mapek/0.1.0');
  t.is(r.headers['authorization'], 'Bearer tok');
  t.is(r.headers['x-extra'], 'y');
  t.is(r.headers['content-type'], 'application/json');
  t.is(r.body, '{"k":1}');
});

test('form bodies are url-encoded', async (t) => {
  const s = await fakeServer(() => ({ status: 204 }));
  t.teardown(() => s.close());
  const c = new HttpClient({ baseUrl: s.url });
  t.is(await c.call({ method: 'POST', path: '/f', form: { query: 'sum(up) > 1', 'match[]': ['a', 'b'] } }), undefined);
  t.is(s.requests[0]!.headers['content-type'], 'application/x-www-form-urlencoded');
  t.is(s.requests[0]!.body, 'query=sum%28up%29+%3E+1&match%5B%5D=a&match%5B%5D=b');
});

test('a timeout is a retryable HttpTimeoutError naming method, URL and limit; retried up to the bound', async (t) => {
  const s = await fakeServer(() => 'hang');
  t.teardown(() => s.close());
  const sleeps: number[] = [];
  const c = new HttpClient({ baseUrl: s.url, timeoutMs: 400, retries: 2, sleep: noSleep(sleeps), random: () => 0.5 });
  const err = await t.throwsAsync(c.call({ method: 'GET', path: '/slow' }), { instanceOf: HttpTimeoutError });
  t.is(err!.message, `GET ${s.url}/slow timed out after 400 ms`);
  t.is(err!.name, 'HttpTimeoutError');
  t.true(err!.retryable);
  t.true(err instanceof MapekError);
  t.is(s.requests.length, 3);
  t.deepEqual(sleeps, [50, 100]);
});

test('connection refused is a retryable HttpConnectionError with its code', async (t) => {
  const url = await freePortUrl();
  const sleeps: number[] = [];
  const c = new HttpClient({ baseUrl: url, retries: 1, sleep: noSleep(sleeps), random: () => 0 });
  const err = await t.throwsAsync(c.call({ method: 'GET', path: '/x' }), { instanceOf: HttpConnectionError });
  t.is(err!.code, 'ECONNREFUSED');
  t.true(err!.retryable);
  t.is(err!.status, 0);
  t.regex(err!.message, new RegExp(`^GET ${url}/x failed: connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+$`));
  t.deepEqual(sleeps, [0]);
});

test('retries 502/503/504/429 then succeeds; exponential backoff with full jitter and a cap', async (t) => {
  const statuses = [502, 503, 504, 429];
  const s = await fakeServer((_r, n) => (n <= statuses.length ? { status: statuses[n - 1]! } : json(200, [1])));
  t.teardown(() => s.close());
  const sleeps: number[] = [];
  const c = new HttpClient({ baseUrl: s.url, retries: 4, backoffBaseMs: 100, backoffMaxMs: 500, sleep: noSleep(sleeps), random: () => 0.999 });
  t.deepEqual(await c.call({ method: 'GET', path: '/' }), [1]);
  t.is(s.requests.length, 5);
  t.deepEqual(sleeps, [99, 199, 399, 499]);
});

test('never retries other 4xx or 500; the error quotes the body', async (t) => {
  for (const status of [400, 404, 409, 500]) {
    const s = await fakeServer(() => ({ status, body: `  nope ${status}\n` }));
    const c = new HttpClient({ baseUrl: s.url, retries: 3, sleep: noSleep([]) });
    const err = await t.throwsAsync(c.call({ method: 'GET', path: '/r' }), { instanceOf: HttpStatusError });
    t.is(err!.message, `GET ${s.url}/r answered ${status}: nope ${status}`);
    t.false(err!.retryable);
    t.is(err!.status, status);
    t.is(s.requests.length, 1);
    await s.close();
  }
});

test('a non-idempotent write is retried only when the server surely did nothing', async (t) => {
  const s = await fakeServer((_r, n) => (n === 1 ? { status: 503 } : { status: 502 }));
  t.teardown(() => s.close());
  const c = new HttpClient({ baseUrl: s.url, retries: 3, sleep: noSleep([]) });
  const err = await t.throwsAsync(c.call({ method: 'POST', path: '/w', json: {}, idempotent: false }), { instanceOf: HttpStatusError });
  t.is(err!.status, 502);
  t.is(s.requests.length, 2);

  const h = await fakeServer(() => 'hang');
  t.teardown(() => h.close());
  const c2 = new HttpClient({ baseUrl: h.url, retries: 3, timeoutMs: 400, sleep: noSleep([]) });
  await t.throwsAsync(c2.call({ method: 'POST', path: '/w', json: {}, idempotent: false }), { instanceOf: HttpTimeoutError });
  t.is(h.requests.length, 1);

  const url = await freePortUrl();
  const sleeps: number[] = [];
  const c3 = new HttpClient({ baseUrl: url, retries: 2, sleep: noSleep(sleeps) });
  await t.throwsAsync(c3.call({ method: 'POST', path: '/w', json: {}, idempotent: false }), { instanceOf: HttpConnectionError });
  t.is(sleeps.length, 2);
});

test('responses over the size limit fail, declared or streamed', async (t) => {
  const big = 'x'.repeat(5000);
  const s = await fakeServer((r) => (r.url === '/declared' ? { status: 200, body: big } : { status: 200, headers: { 'transfer-encoding': 'chunked' }, body: big }));
  t.teardown(() => s.close());
  const c = new HttpClient({ baseUrl: s.url, maxResponseBytes: 1000, sleep: noSleep([]) });
  const e1 = await t.throwsAsync(c.call({ method: 'GET', path: '/declared' }), { instanceOf: HttpResponseTooLargeError });
  t.is(e1!.message, `GET ${s.url}/declared: response body exceeds the limit of 1000 bytes`);
  t.false(e1!.retryable);
  await t.throwsAsync(c.call({ method: 'GET', path: '/streamed' }), { instanceOf: HttpResponseTooLargeError });
  t.is(s.requests.length, 2);
});

test('a body that is not JSON is an InvalidResponseError naming the URL', async (t) => {
  const s = await fakeServer(() => ({ status: 200, body: '<html>hi' }));
  t.teardown(() => s.close());
  const c = new HttpClient({ baseUrl: s.url });
  const err = await t.throwsAsync(c.call({ method: 'GET', path: '/j' }), { instanceOf: InvalidResponseError });
  t.regex(err!.message, new RegExp(`^GET ${s.url}/j: invalid response: body is not JSON \\(.+\\): "<html>hi"$`));
  t.false(err!.retryable);
});

test('the caller aborting is an HttpAbortedError and is not retried', async (t) => {
  const s = await fakeServer(() => 'hang');
  t.teardown(() => s.close());
  const c = new HttpClient({ baseUrl: s.url, retries: 3, sleep: noSleep([]) });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  const err = await t.throwsAsync(c.call({ method: 'GET', path: '/a', signal: ac.signal }), { instanceOf: HttpAbortedError });
  t.is(err!.message, `GET ${s.url}/a was aborted`);
  t.false(err!.retryable);
  t.true(s.requests.length <= 1); // aborted once, never retried
  await t.throwsAsync(c.call({ method: 'GET', path: '/a', signal: ac.signal }), { instanceOf: HttpAbortedError });
});

test('a dropped connection is retryable', async (t) => {
  const s = await fakeServer((_r, n) => (n === 1 ? 'destroy' : json(200, '"fine"')));
  t.teardown(() => s.close());
  const c = new HttpClient({ baseUrl: s.url, retries: 1, sleep: noSleep([]) });
  t.is(await c.call({ method: 'GET', path: '/' }), 'fine');
});

test('defaultInterpret: empty 2xx body is undefined', (t) => {
  t.is(defaultInterpret({ method: 'GET', url: 'u', status: 200, headers: {}, text: ' ' }), undefined);
});

/** A loopback server that counts TCP connections (its `connection` events) and answers "ok". */
async function countingServer(): Promise<{ url: string; connections: () => number; closed: () => number; headers: (string | undefined)[]; close: () => Promise<void> }> {
  let connections = 0;
  let closed = 0;
  const headers: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    headers.push(req.headers.connection);
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('"ok"'));
  });
  server.on('connection', (socket) => {
    connections++;
    socket.on('close', () => closed++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    closed: () => closed,
    headers,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

test('connections are kept alive and reused: sequential requests share one, a concurrent burst reuses its sockets', async (t) => {
  const s = await countingServer();
  t.teardown(() => s.close());
  const c = new HttpClient({ baseUrl: s.url });
  t.teardown(() => c.close());
  for (let i = 0; i < 10; i++) t.is(await c.call({ method: 'GET', path: '/q', query: { i } }), 'ok');
  t.is(s.connections(), 1);
  t.deepEqual(new Set(s.headers), new Set(['keep-alive']));
  // Two monitor passes of six concurrent queries: the second pass opens nothing new.
  const pass = (): Promise<unknown[]> => Promise.all(Array.from({ length: 6 }, (_, i) => c.call({ method: 'GET', path: `/p${i}` })));
  await pass();
  const afterFirst = s.connections();
  t.true(afterFirst <= 6, `${afterFirst} connections`);
  await pass();
  t.is(s.connections(), afterFirst);
  t.is(s.headers.length, 22);
});

test('a write that is not safe to repeat gets a new connection; keepAlive: false gives every request its own', async (t) => {
  const s = await countingServer();
  t.teardown(() => s.close());
  const c = new HttpClient({ baseUrl: s.url });
  t.teardown(() => c.close());
  for (let i = 0; i < 3; i++) await c.call({ method: 'POST', path: '/w', json: { i }, idempotent: false });
  t.is(s.connections(), 3);
  t.deepEqual(s.headers, ['close', 'close', 'close']);
  const off = new HttpClient({ baseUrl: s.url, keepAlive: false });
  for (let i = 0; i < 3; i++) await off.call({ method: 'GET', path: '/r' });
  t.is(s.connections(), 6);
  t.deepEqual(s.headers.slice(3), ['close', 'close', 'close']);
});

test('close() ends the idle kept-alive connection; the next request opens a new one', async (t) => {
  const s = await countingServer();
  t.teardown(() => s.close());
  const c = new HttpClient({ baseUrl: s.url });
  await c.call({ method: 'GET', path: '/a' });
  await c.call({ method: 'GET', path: '/b' });
  t.is(s.connections(), 1);
  c.close();
  for (let i = 0; i < 50 && s.closed() < 1; i++) await new Promise((r) => setTimeout(r, 10));
  t.is(s.closed(), 1);
  await c.call({ method: 'GET', path: '/c' });
  t.is(s.connections(), 2);
  c.close();
});

test('shutdown() aborts a request in flight and refuses later ones (a stopped service sends nothing more)', async (t) => {
  const server = http.createServer(() => undefined); // never answers
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  const { port } = server.address() as { port: number };
  const c = new HttpClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 30_000, retries: 0 });
  const inFlight = c.call({ method: 'GET', path: '/slow' });
  await new Promise((r) => setTimeout(r, 100));
  c.shutdown();
  const err = await t.throwsAsync(inFlight);
  t.is(err?.name, 'HttpAbortedError');
  const later = await t.throwsAsync(c.call({ method: 'GET', path: '/later' }));
  t.is(later?.message, `GET http://127.0.0.1:${port}/later was aborted`);
});

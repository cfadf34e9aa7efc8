import test from 'ava';
import { startCharter } from '../../../src/charter/index.js';
import { call, charterForTest } from '../../support/charter.js';
import { sample } from './metrics-text.js';

/** The name of the error a promise rejects with ("none" when it resolves). */
const failure = (p: Promise<unknown>): Promise<string> => p.then(() => 'none', (e: { name: string }) => e.name);

test('the test API is off by default: 404 route_not_found', async (t) => {
  const c = await startCharter({ tickMs: 0 });
  t.teardown(() => c.close());
  t.regex(c.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  for (const [method, path] of [['POST', '/api/v1/test/faults'], ['GET', '/api/v1/test/faults'], ['POST', '/api/v1/test/reset'], ['POST', '/api/v1/test/client-faults']] as const) {
    const r = await call(c, method, path, method === 'GET' ? {} : { body: {} });
    t.is(r.status, 404);
    t.deepEqual(r.body, { error: { code: 'route_not_found', message: `no route for ${method} ${path}` } });
  }
});

test('startCharter refuses a non-loopback host and a bad tickMs', async (t) => {
  await t.throwsAsync(startCharter({ host: '0.0.0.0' }), { message: 'host: "0.0.0.0" is not a loopback address; the reference Charter binds 127.0.0.1, localhost or ::1 only' });
  await t.throwsAsync(startCharter({ tickMs: -1 }), { message: 'tickMs: expected an integer >= 0, got -1' });
});

test('faults through the test API: inject, list, delete; errors', async (t) => {
  const c = await charterForTest(t);
  const r = await call(c, 'POST', '/api/v1/test/faults', { body: { kind: 'bad_rollout', subject: 'pol-pii' } });
  t.is(r.status, 201);
  t.like(r.body, { id: 'fault-1', kind: 'bad_rollout', subject: 'pol-pii', state: 'active', origin: 'test_api' });
  const dup = await call(c, 'POST', '/api/v1/test/faults', { body: { kind: 'bad_rollout', subject: 'pol-pii' } });
  t.deepEqual([dup.status, dup.body], [409, { error: { code: 'fault_already_active', message: 'fault bad_rollout on "pol-pii" is already active (fault-1)', field: 'subject' } }]);
  const badKind = await call(c, 'POST', '/api/v1/test/faults', { body: { kind: 'meteor' } });
  t.deepEqual(badKind.body, { error: { code: 'invalid_body', message: 'kind: must be one of bad_rollout, rogue_target, committee_overload, validation_slowdown, policy_load_failure', field: 'kind' } });
  const noKind = await call(c, 'POST', '/api/v1/test/faults', { body: {} });
  t.is(noKind.body.error.message, 'kind: required');
  const badSubject = await call(c, 'POST', '/api/v1/test/faults', { body: { kind: 'rogue_target', subject: 'pol-pii' } });
  t.deepEqual([badSubject.status, badSubject.body.error.field], [400, 'subject']);
  const list = await call(c, 'GET', '/api/v1/test/faults');
  t.deepEqual(list.body.map((f: any) => f.id), ['fault-1']);
  const del = await call(c, 'DELETE', '/api/v1/test/faults/fault-1');
  t.like(del.body, { id: 'fault-1', state: 'cleared', clearedBy: 'test_api' });
  const missing = await call(c, 'DELETE', '/api/v1/test/faults/fault-9');
  t.deepEqual([missing.status, missing.body], [404, { error: { code: 'fault_not_found', message: 'fault "fault-9" does not exist' } }]);
  // The test API is not in the write log.
  t.is(c.writes.list().length, 0);
  t.is(c.groundTruth().cleared.length, 1);
});

test('client faults: validation of the config', async (t) => {
  const c = await charterForTest(t);
  const bad = await call(c, 'POST', '/api/v1/test/client-faults', { body: { errorRate: 2 } });
  t.deepEqual(bad.body, { error: { code: 'invalid_body', message: 'errorRate: expected a number from 0 to 1', field: 'errorRate' } });
  const routes = await call(c, 'POST', '/api/v1/test/client-faults', { body: { routes: ['api'] } });
  t.deepEqual(routes.body, { error: { code: 'invalid_body', message: 'routes[0]: expected a path prefix starting with "/"', field: 'routes[0]' } });
  const empty = await call(c, 'POST', '/api/v1/test/client-faults', { body: { routes: [] } });
  t.is(empty.body.error.message, 'routes: expected a non-empty array of path prefixes');
  const lat = await call(c, 'POST', '/api/v1/test/client-faults', { body: { latencyMs: -1 } });
  t.is(lat.body.error.message, 'latencyMs: expected an integer from 0 to 60000');
  const ok = await call(c, 'POST', '/api/v1/test/client-faults', { body: { timeoutRate: 0.25 } });
  t.deepEqual(ok.body, { latencyMs: 0, errorRate: 0, timeoutRate: 0.25, routes: ['/api/v1/'] });
  t.deepEqual((await call(c, 'GET', '/api/v1/test/client-faults')).body, ok.body);
});

test('client faults: an error rate of 1 answers 503 injected_fault without applying, and is counted', async (t) => {
  const c = await charterForTest(t);
  await call(c, 'POST', '/api/v1/test/client-faults', { body: { errorRate: 1 } });
  const r = await call(c, 'PUT', '/api/v1/targets/node-a', { body: { quarantined: true }, headers: { 'idempotency-key': 'q1' } });
  t.deepEqual([r.status, r.body], [503, { error: { code: 'injected_fault', message: 'injected error (client fault); retry later' } }]);
  t.false(c.world.getTarget('node-a').quarantined);
  t.is((await call(c, 'GET', '/healthz')).status, 200, '/healthz is outside the default routes');
  const m = (await call(c, 'GET', '/metrics')).body as string;
  t.is(sample(m, 'westworld_charter_api_requests_total', { method: 'PUT', route: '/api/v1/targets/{id}', code: '503' }), 1);
  await call(c, 'POST', '/api/v1/test/client-faults', { body: {} });
  const retry = await call(c, 'PUT', '/api/v1/targets/node-a', { body: { quarantined: true }, headers: { 'idempotency-key': 'q1' } });
  t.is(retry.status, 200);
  t.is(retry.headers.get('idempotent-replayed'), null, 'a 503 was not remembered');
  t.true(c.world.getTarget('node-a').quarantined);
});

test('client faults: an error rate below 1 follows the seed', async (t) => {
  const statuses = async (): Promise<number[]> => {
    const c = await charterForTest(t, { seed: 5 });
    await call(c, 'POST', '/api/v1/test/client-faults', { body: { errorRate: 0.5, routes: ['/api/v1/targets'] } });
    const out: number[] = [];
    for (let i = 0; i < 16; i++) out.push((await call(c, 'GET', '/api/v1/targets')).status);
    return out;
  };
  const a = await statuses();
  t.deepEqual(a, await statuses());
  t.true(a.includes(503) && a.includes(200));
});

test('client faults: latency makes a short client timeout expire', async (t) => {
  const c = await charterForTest(t);
  await call(c, 'POST', '/api/v1/test/client-faults', { body: { latencyMs: 3000, routes: ['/api/v1/policies'] } });
  t.is(await failure(fetch(`${c.url}/api/v1/policies`, { signal: AbortSignal.timeout(100) })), 'TimeoutError');
  t.is((await call(c, 'GET', '/api/v1/targets')).status, 200, 'other routes are not delayed');
  await call(c, 'POST', '/api/v1/test/client-faults', { body: {} });
});

test('client faults: a timed-out write was applied; the retry with its key is replayed', async (t) => {
  const c = await charterForTest(t);
  await call(c, 'POST', '/api/v1/test/client-faults', { body: { timeoutRate: 1 } });
  const body = JSON.stringify({ capacity: 8 });
  const headers = { 'content-type': 'application/json', 'idempotency-key': 'scale-1' };
  t.is(await failure(fetch(`${c.url}/api/v1/committees/committee-ops`, { method: 'PUT', body, headers, signal: AbortSignal.timeout(300) })), 'TimeoutError');
  // The client gave up after 300 ms; on a loaded machine the server may take longer to process it.
  for (let i = 0; i < 50 && c.world.getCommittee('committee-ops').capacity !== 8; i++) await new Promise((r) => setTimeout(r, 100));
  t.is(c.world.getCommittee('committee-ops').capacity, 8, 'processed although never answered');
  await call(c, 'POST', '/api/v1/test/client-faults', { body: {} });
  const retry = await call(c, 'PUT', '/api/v1/committees/committee-ops', { body: { capacity: 8 }, headers: { 'idempotency-key': 'scale-1' } });
  t.deepEqual([retry.status, retry.headers.get('idempotent-replayed'), retry.body.version], [200, 'true', 2]);
  t.is(c.writes.applied().length, 1);
});

test('restart drops the idempotency cache and open connections; state persists', async (t) => {
  const c = await charterForTest(t);
  const h = { 'idempotency-key': 'cap' };
  await call(c, 'PUT', '/api/v1/committees/committee-safety', { body: { capacity: 6 }, headers: h });
  // A hanging request is cut by the restart.
  await call(c, 'POST', '/api/v1/test/client-faults', { body: { timeoutRate: 1, routes: ['/api/v1/targets'] } });
  const hanging = fetch(`${c.url}/api/v1/targets`);
  await new Promise((r) => setTimeout(r, 50));
  const r = await call(c, 'POST', '/api/v1/test/restart');
  t.deepEqual([r.status, r.body], [200, { restarted: true }]);
  await t.throwsAsync(hanging);
  await call(c, 'POST', '/api/v1/test/client-faults', { body: {} });
  t.is(c.world.getCommittee('committee-safety').capacity, 6);
  // Same key, different body: no longer known, so applied.
  const after = await call(c, 'PUT', '/api/v1/committees/committee-safety', { body: { capacity: 7 }, headers: h });
  t.deepEqual([after.status, after.body.capacity], [200, 7]);
});

test('reset returns to the seeded state', async (t) => {
  const c = await charterForTest(t);
  await call(c, 'POST', '/api/v1/test/faults', { body: { kind: 'validation_slowdown' } });
  await call(c, 'POST', '/api/v1/test/client-faults', { body: { latencyMs: 5 } });
  await call(c, 'PUT', '/api/v1/settings', { body: { validationCache: true } });
  c.tick(3);
  const r = await call(c, 'POST', '/api/v1/test/reset');
  t.deepEqual(r.body, { reset: true });
  t.deepEqual(c.world.getSettings(), { validationCache: false, version: 1 });
  t.deepEqual(c.faults.all(), []);
  t.deepEqual(c.writes.list(), []);
  t.is(c.clientFaults.config.latencyMs, 0);
  t.is(c.world.ticks, 0);
});

test('the handle: tick advances a manual clock, restart and reset from code, groundTruth', async (t) => {
  const c = await charterForTest(t);
  const start = c.world.now();
  c.tick(4);
  t.is(Date.parse(c.world.now()) - Date.parse(start), 1000);
  await call(c, 'PUT', '/api/v1/settings', { body: { validationCache: true }, headers: { 'idempotency-key': 'x' } });
  c.restart();
  const again = await call(c, 'PUT', '/api/v1/settings', { body: { validationCache: true }, headers: { 'idempotency-key': 'x' } });
  t.is(again.headers.get('idempotent-replayed'), null);
  const gt = c.groundTruth();
  t.deepEqual([gt.seed, gt.ticks, gt.writes.length, gt.writes.map((w) => w.applied)], [1, 4, 2, [true, false]]);
  c.reset();
  t.is(c.world.getSettings().validationCache, false);
});

test('with tickMs > 0 the world ticks by itself', async (t) => {
  const c = await startCharter({ tickMs: 5 });
  t.teardown(() => c.close());
  while (c.world.ticks < 3) await new Promise((r) => setTimeout(r, 5));
  t.true(c.world.ticks >= 3);
});

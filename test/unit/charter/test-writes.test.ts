import test from 'ava';
import { startCharter } from '../../../src/charter/index.js';
import { call, charterForTest } from '../../support/charter.js';

test('GET /api/v1/test/writes: the write log, oldest first, with key, status, applied and replayed', async (t) => {
  const c = await charterForTest(t);
  t.deepEqual((await call(c, 'GET', '/api/v1/test/writes')).body, []);
  const put = { body: { capacity: 9 }, headers: { 'idempotency-key': 'k-1', 'if-match': '"committee-ops-v1"' } };
  await call(c, 'PUT', '/api/v1/committees/committee-ops', put);
  await call(c, 'PUT', '/api/v1/committees/committee-ops', put);
  await call(c, 'PUT', '/api/v1/targets/node-a', { body: { quarantined: false } });
  const r = await call(c, 'GET', '/api/v1/test/writes');
  t.is(r.status, 200);
  t.deepEqual(
    r.body.map((w: any) => [w.id, w.method, w.path, w.body, w.idempotencyKey, w.ifMatch, w.status, w.applied, w.replayed]),
    [
      [1, 'PUT', '/api/v1/committees/committee-ops', { capacity: 9 }, 'k-1', '"committee-ops-v1"', 200, true, false],
      [2, 'PUT', '/api/v1/committees/committee-ops', { capacity: 9 }, 'k-1', '"committee-ops-v1"', 200, false, true],
      [3, 'PUT', '/api/v1/targets/node-a', { quarantined: false }, undefined, undefined, 200, false, false],
    ],
  );
  t.deepEqual(r.body, JSON.parse(JSON.stringify(c.writes.list())));
  // Reading the log is not a write.
  t.is(c.writes.list().length, 3);
});

test('GET /api/v1/test/writes is 404 with the test API off', async (t) => {
  const c = await startCharter({ tickMs: 0 });
  t.teardown(() => c.close());
  t.is((await call(c, 'GET', '/api/v1/test/writes')).status, 404);
});

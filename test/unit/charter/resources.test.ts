import test from 'ava';
import { call, charterForTest } from '../../support/charter.js';

test('targets: list, get with ETag, quarantine and release (version bumps only on change)', async (t) => {
  const c = await charterForTest(t);
  const list = await call(c, 'GET', '/api/v1/targets');
  t.deepEqual(list.body.map((x: any) => x.id), ['node-a', 'node-b', 'node-c', 'node-d', 'node-e', 'node-f', 'svc-billing', 'svc-auth']);
  const one = await call(c, 'GET', '/api/v1/targets/node-a');
  t.deepEqual([one.body, one.headers.get('etag')], [{ id: 'node-a', quarantined: false, version: 1 }, '"node-a-v1"']);
  const q = await call(c, 'PUT', '/api/v1/targets/node-a', { body: { quarantined: true, reason: 'rogue' }, headers: { 'if-match': '"node-a-v1"' } });
  t.deepEqual([q.status, q.body, q.headers.get('etag')], [200, { id: 'node-a', quarantined: true, version: 2, reason: 'rogue' }, '"node-a-v2"']);
  const same = await call(c, 'PUT', '/api/v1/targets/node-a', { body: { quarantined: true } });
  t.is(same.body.version, 2);
  const stale = await call(c, 'PUT', '/api/v1/targets/node-a', { body: { quarantined: false }, headers: { 'if-match': '"node-a-v1"' } });
  t.deepEqual(stale.body, { error: { code: 'version_conflict', message: 'If-Match "node-a-v1" does not match the current ETag "node-a-v2" of target "node-a"' } });
  const release = await call(c, 'PUT', '/api/v1/targets/node-a', { body: { quarantined: false } });
  t.deepEqual(release.body, { id: 'node-a', quarantined: false, version: 3 });
  t.deepEqual(c.writes.list().map((w) => w.applied), [true, false, false, true]);
});

test('targets: errors name the field', async (t) => {
  const c = await charterForTest(t);
  t.deepEqual((await call(c, 'GET', '/api/v1/targets/node-z')).body, { error: { code: 'target_not_found', message: 'target "node-z" does not exist' } });
  t.deepEqual((await call(c, 'PUT', '/api/v1/targets/node-a', { body: {} })).body, { error: { code: 'invalid_body', message: 'quarantined: required', field: 'quarantined' } });
  t.deepEqual((await call(c, 'PUT', '/api/v1/targets/node-a', { body: { quarantined: 'yes' } })).body, { error: { code: 'invalid_body', message: 'quarantined: expected true or false', field: 'quarantined' } });
  t.deepEqual((await call(c, 'PUT', '/api/v1/targets/node-z', { body: { quarantined: true } })).body, { error: { code: 'target_not_found', message: 'target "node-z" does not exist' } });
});

test('committees: list, get, scale; capacity is validated', async (t) => {
  const c = await charterForTest(t);
  const list = await call(c, 'GET', '/api/v1/committees');
  t.deepEqual(list.body, [
    { id: 'committee-safety', capacity: 4, queueDepth: 0, version: 1 },
    { id: 'committee-ops', capacity: 4, queueDepth: 0, version: 1 },
  ]);
  const one = await call(c, 'GET', '/api/v1/committees/committee-ops');
  t.is(one.headers.get('etag'), '"committee-ops-v1"');
  const up = await call(c, 'PUT', '/api/v1/committees/committee-ops', { body: { capacity: 6 }, headers: { 'idempotency-key': 's1' } });
  t.deepEqual(up.body, { id: 'committee-ops', capacity: 6, queueDepth: 0, version: 2 });
  const bad = await call(c, 'PUT', '/api/v1/committees/committee-ops', { body: { capacity: 65 } });
  t.deepEqual(bad.body, { error: { code: 'invalid_body', message: 'capacity: expected an integer from 1 to 64', field: 'capacity' } });
  t.deepEqual((await call(c, 'PUT', '/api/v1/committees/committee-ops', { body: { capacity: 5, members: 1 } })).body.error.field, 'members');
  t.is((await call(c, 'GET', '/api/v1/committees/nope')).body.error.code, 'committee_not_found');
});

test('settings: get and put with ETag', async (t) => {
  const c = await charterForTest(t);
  const s = await call(c, 'GET', '/api/v1/settings');
  t.deepEqual([s.body, s.headers.get('etag')], [{ validationCache: false, version: 1 }, '"settings-v1"']);
  const on = await call(c, 'PUT', '/api/v1/settings', { body: { validationCache: true }, headers: { 'if-match': '"settings-v1"' } });
  t.deepEqual([on.body, on.headers.get('etag')], [{ validationCache: true, version: 2 }, '"settings-v2"']);
  const stale = await call(c, 'PUT', '/api/v1/settings', { body: { validationCache: false }, headers: { 'if-match': '"settings-v1"' } });
  t.is(stale.body.error.message, 'If-Match "settings-v1" does not match the current ETag "settings-v2" of the settings');
  t.deepEqual((await call(c, 'PUT', '/api/v1/settings', { body: { validationCache: 1 } })).body, { error: { code: 'invalid_body', message: 'validationCache: expected true or false', field: 'validationCache' } });
});

test('reload answers ReloadResult and honours Idempotency-Key', async (t) => {
  const c = await charterForTest(t);
  c.faults.inject('policy_load_failure', 'pol-pii');
  const h = { 'idempotency-key': 'reload-1' };
  const r = await call(c, 'POST', '/api/v1/policies/reload', { headers: h });
  t.is(r.status, 200);
  const again = await call(c, 'POST', '/api/v1/policies/reload', { headers: h });
  t.deepEqual(again.body, r.body);
  t.is(again.headers.get('idempotent-replayed'), 'true');
  // Only the first reload drew.
  t.is(c.faults.all()[0]!.attempts.length, 1);
  const { loaded, failed } = r.body;
  t.is(loaded + failed.length, 5);
});

test('violations: filters and their validation', async (t) => {
  const c = await charterForTest(t);
  c.faults.inject('bad_rollout', 'pol-pii');
  c.tick(2);
  const since = c.world.now();
  c.faults.inject('rogue_target', 'node-b');
  c.tick(2);
  const all = await call(c, 'GET', '/api/v1/violations');
  t.true(all.body.length >= 2 * 8 + 2);
  const crit = await call(c, 'GET', '/api/v1/violations?severity=critical&policy_id=pol-pii');
  t.true(crit.body.every((v: any) => v.severity === 'critical' && v.policyId === 'pol-pii' && v.policyName === 'PII handling'));
  t.is(crit.body.length, 4 * 8);
  const rogue = await call(c, 'GET', '/api/v1/violations?node_or_service=node-b&severity=high');
  t.is(rogue.body.length, 2);
  const recent = await call(c, 'GET', `/api/v1/violations?since=${encodeURIComponent(since)}&policy_id=pol-pii`);
  t.true(recent.body.every((v: any) => v.timestamp >= since));
  // `since` is inclusive: the tick stamped exactly `since` counts, plus the two after it.
  t.is(recent.body.filter((v: any) => v.severity === 'critical').length, 3 * 8);
  const limited = await call(c, 'GET', '/api/v1/violations?limit=3');
  t.deepEqual(limited.body, all.body.slice(-3));
  const none = await call(c, 'GET', '/api/v1/violations?policy_id=pol-unknown');
  t.deepEqual(none.body, []);
});

const badQueries: [string, object][] = [
  ['since=yesterday', { code: 'invalid_parameter', message: 'since: "yesterday" is not an ISO-8601 timestamp (e.g. 2026-01-01T00:00:00Z)', field: 'since' }],
  ['since=2026-01-01', { code: 'invalid_parameter', message: 'since: "2026-01-01" is not an ISO-8601 timestamp (e.g. 2026-01-01T00:00:00Z)', field: 'since' }],
  ['severity=urgent', { code: 'invalid_parameter', message: 'severity: "urgent" is not one of critical, high, medium, low', field: 'severity' }],
  ['policy_id=%20x', { code: 'invalid_parameter', message: 'policy_id: " x" is not a valid id', field: 'policy_id' }],
  ['node_or_service=a/b', { code: 'invalid_parameter', message: 'node_or_service: "a/b" is not a valid id', field: 'node_or_service' }],
  ['limit=0', { code: 'invalid_parameter', message: 'limit: "0" is not an integer from 1 to 10000', field: 'limit' }],
  ['limit=abc', { code: 'invalid_parameter', message: 'limit: "abc" is not an integer from 1 to 10000', field: 'limit' }],
  ['policyId=pol-pii', { code: 'unknown_parameter', message: 'policyId: unknown query parameter (allowed: since, policy_id, severity, node_or_service, limit)', field: 'policyId' }],
  ['severity=low&severity=high', { code: 'invalid_parameter', message: 'severity: given more than once', field: 'severity' }],
];
for (const [q, error] of badQueries) {
  test(`violations refuses ?${q}`, async (t) => {
    const c = await charterForTest(t);
    const r = await call(c, 'GET', `/api/v1/violations?${q}`);
    t.is(r.status, 400);
    t.deepEqual(r.body, { error });
  });
}

test('violations are kept 10 minutes', async (t) => {
  const c = await charterForTest(t);
  c.faults.inject('bad_rollout', 'pol-pii');
  c.tick(1);
  c.faults.clear(c.faults.all()[0]!.id);
  t.is(c.world.violations({ severity: 'critical' }).length, 8);
  c.clock!.advance(10 * 60_000 + 1);
  t.is(c.world.violations({ severity: 'critical' }).length, 0);
});

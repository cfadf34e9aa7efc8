import test from 'ava';
import { call, charterForTest } from '../../support/charter.js';

const spec = { name: 'Access control', revision: '2026-02-01.1', enforcementMode: 'enforce', rules: ['require-mfa'] };

test('lists the seeded policies and serves one with its ETag and history', async (t) => {
  const c = await charterForTest(t);
  const list = await call(c, 'GET', '/api/v1/policies');
  t.is(list.status, 200);
  t.deepEqual(list.body.map((p: any) => p.id), ['pol-access', 'pol-data-retention', 'pol-network', 'pol-pii', 'pol-audit']);
  const one = await call(c, 'GET', '/api/v1/policies/pol-access');
  t.is(one.status, 200);
  t.is(one.headers.get('etag'), '"pol-access-v1"');
  t.is(one.body.version, 1);
  t.is(one.body.loadState, 'loaded');
  t.is(one.body.history.length, 1);
  t.is(one.body.history[0].appliedBy, 'seed');
});

test('an unknown policy is 404 policy_not_found', async (t) => {
  const c = await charterForTest(t);
  const r = await call(c, 'GET', '/api/v1/policies/pol-nope');
  t.is(r.status, 404);
  t.deepEqual(r.body, { error: { code: 'policy_not_found', message: 'policy "pol-nope" does not exist' } });
});

test('POST applies a new version (201, new ETag), an identical spec changes nothing (200)', async (t) => {
  const c = await charterForTest(t);
  const r = await call(c, 'POST', '/api/v1/policies', { body: { policyId: 'pol-access', spec, appliedBy: 'me', reason: 'tighten' } });
  t.is(r.status, 201);
  t.is(r.headers.get('etag'), '"pol-access-v2"');
  t.is(r.body.version, 2);
  t.deepEqual(r.body.spec, spec);
  t.is(r.body.history[1].appliedBy, 'me');
  t.is(r.body.history[1].reason, 'tighten');
  const again = await call(c, 'POST', '/api/v1/policies', { body: { policyId: 'pol-access', spec } });
  t.is(again.status, 200);
  t.is(again.body.version, 2);
  t.deepEqual(c.writes.list().map((w) => [w.status, w.applied]), [[201, true], [200, false]]);
});

test('If-Match and expectedVersion: a stale one is 412 version_conflict with the current ETag', async (t) => {
  const c = await charterForTest(t);
  const ok = await call(c, 'POST', '/api/v1/policies', { body: { policyId: 'pol-access', spec, expectedVersion: 1 }, headers: { 'if-match': '"pol-access-v1"' } });
  t.is(ok.status, 201);
  const stale = await call(c, 'POST', '/api/v1/policies', { body: { policyId: 'pol-access', spec: { ...spec, revision: 'x' } }, headers: { 'if-match': '"pol-access-v1"' } });
  t.is(stale.status, 412);
  t.is(stale.headers.get('etag'), '"pol-access-v2"');
  t.deepEqual(stale.body, { error: { code: 'version_conflict', message: 'If-Match "pol-access-v1" does not match the current ETag "pol-access-v2" of policy "pol-access"' } });
  const staleVersion = await call(c, 'POST', '/api/v1/policies', { body: { policyId: 'pol-access', spec: { ...spec, revision: 'x' }, expectedVersion: 1 } });
  t.is(staleVersion.status, 412);
  t.deepEqual(staleVersion.body, { error: { code: 'version_conflict', message: 'expectedVersion 1 does not match the current version 2 of policy "pol-access"' } });
  const star = await call(c, 'POST', '/api/v1/policies', { body: { policyId: 'pol-access', spec: { ...spec, revision: 'y' } }, headers: { 'if-match': '*' } });
  t.is(star.status, 201);
  const weakList = await call(c, 'POST', '/api/v1/policies', { body: { policyId: 'pol-access', spec: { ...spec, revision: 'z' } }, headers: { 'if-match': '"other", W/"pol-access-v3"' } });
  t.is(weakList.status, 201);
  t.is(c.world.getPolicy('pol-access').version, 4);
});

test('Idempotency-Key: a retry replays the first answer and applies once; a different body is 422', async (t) => {
  const c = await charterForTest(t);
  const headers = { 'idempotency-key': 'apply-1' };
  const first = await call(c, 'POST', '/api/v1/policies', { body: { policyId: 'pol-access', spec }, headers });
  // Same request, keys in another order: still the same request.
  const reordered = { spec: { rules: spec.rules, enforcementMode: spec.enforcementMode, revision: spec.revision, name: spec.name }, policyId: 'pol-access' };
  const retry = await call(c, 'POST', '/api/v1/policies', { body: reordered, headers });
  t.is(first.status, 201);
  t.is(retry.status, 201);
  t.is(retry.headers.get('idempotent-replayed'), 'true');
  t.is(retry.headers.get('etag'), '"pol-access-v2"');
  t.deepEqual(retry.body, first.body);
  t.is(c.world.getPolicy('pol-access').version, 2);
  t.is(c.writes.applied('/api/v1/policies').length, 1);
  t.deepEqual(c.writes.list().map((w) => [w.idempotencyKey, w.replayed, w.applied]), [['apply-1', false, true], ['apply-1', true, false]]);
  const reused = await call(c, 'POST', '/api/v1/policies', { body: { policyId: 'pol-access', spec: { ...spec, revision: 'other' } }, headers });
  t.is(reused.status, 422);
  t.deepEqual(reused.body, { error: { code: 'idempotency_key_reused', message: 'Idempotency-Key "apply-1" was already used with a different request', field: 'Idempotency-Key' } });
  const empty = await call(c, 'POST', '/api/v1/policies', { body: { policyId: 'pol-access', spec }, headers: { 'idempotency-key': ' ' } });
  t.deepEqual(empty.body, { error: { code: 'invalid_header', message: 'Idempotency-Key: expected 1 to 255 characters', field: 'Idempotency-Key' } });
});

test('a replayed 412 stays a 412', async (t) => {
  const c = await charterForTest(t);
  const h = { 'idempotency-key': 'k', 'if-match': '"pol-pii-v9"' };
  const a = await call(c, 'POST', '/api/v1/policies', { body: { policyId: 'pol-pii', spec }, headers: h });
  const b = await call(c, 'POST', '/api/v1/policies', { body: { policyId: 'pol-pii', spec }, headers: h });
  t.is(a.status, 412);
  t.is(b.status, 412);
  t.is(b.headers.get('idempotent-replayed'), 'true');
});

const invalidCases: [string, unknown, number, object][] = [
  ['not an object', [1], 400, { code: 'invalid_body', message: 'body: expected a JSON object', field: 'body' }],
  ['unknown field', { policyId: 'pol-pii', spec, extra: 1 }, 400, { code: 'unknown_field', message: 'extra: unknown field (allowed: policyId, spec, expectedVersion, appliedBy, reason)', field: 'extra' }],
  ['missing policyId', { spec }, 400, { code: 'invalid_body', message: 'policyId: required', field: 'policyId' }],
  ['policyId not a string', { policyId: 3, spec }, 400, { code: 'invalid_body', message: 'policyId: expected a string', field: 'policyId' }],
  ['missing spec', { policyId: 'pol-pii' }, 400, { code: 'invalid_body', message: 'spec: required', field: 'spec' }],
  ['empty name', { policyId: 'pol-pii', spec: { ...spec, name: ' ' } }, 400, { code: 'invalid_body', message: 'spec.name: must not be empty', field: 'spec.name' }],
  ['bad mode', { policyId: 'pol-pii', spec: { ...spec, enforcementMode: 'strict' } }, 400, { code: 'invalid_body', message: 'spec.enforcementMode: must be one of enforce, audit, disabled', field: 'spec.enforcementMode' }],
  ['missing mode', { policyId: 'pol-pii', spec: { name: 'n', revision: 'r', rules: [] } }, 400, { code: 'invalid_body', message: 'spec.enforcementMode: required', field: 'spec.enforcementMode' }],
  ['rules not array', { policyId: 'pol-pii', spec: { ...spec, rules: 'x' } }, 400, { code: 'invalid_body', message: 'spec.rules: expected an array of strings', field: 'spec.rules' }],
  ['missing rules', { policyId: 'pol-pii', spec: { name: 'n', revision: 'r', enforcementMode: 'audit' } }, 400, { code: 'invalid_body', message: 'spec.rules: required', field: 'spec.rules' }],
  ['too many rules', { policyId: 'pol-pii', spec: { ...spec, rules: Array.from({ length: 201 }, (_, i) => `r${i}`) } }, 400, { code: 'invalid_body', message: 'spec.rules: more than 200 rules', field: 'spec.rules' }],
  ['bad rule', { policyId: 'pol-pii', spec: { ...spec, rules: ['a', 2] } }, 400, { code: 'invalid_body', message: 'spec.rules[1]: expected a non-empty string', field: 'spec.rules[1]' }],
  ['unknown spec field', { policyId: 'pol-pii', spec: { ...spec, owner: 'x' } }, 400, { code: 'unknown_field', message: 'spec.owner: unknown field (allowed: name, revision, enforcementMode, rules)', field: 'spec.owner' }],
  ['long revision', { policyId: 'pol-pii', spec: { ...spec, revision: 'r'.repeat(101) } }, 400, { code: 'invalid_body', message: 'spec.revision: longer than 100 characters', field: 'spec.revision' }],
  ['bad expectedVersion', { policyId: 'pol-pii', spec, expectedVersion: 0 }, 400, { code: 'invalid_body', message: `expectedVersion: expected an integer from 1 to ${Number.MAX_SAFE_INTEGER}`, field: 'expectedVersion' }],
  ['unknown policy', { policyId: 'pol-nope', spec }, 404, { code: 'policy_not_found', message: 'policy "pol-nope" does not exist', field: 'policyId' }],
];
for (const [name, body, status, error] of invalidCases) {
  test(`POST /api/v1/policies refuses: ${name}`, async (t) => {
    const c = await charterForTest(t);
    const r = await call(c, 'POST', '/api/v1/policies', { body });
    t.is(r.status, status);
    t.deepEqual(r.body, { error });
    t.is(c.writes.list()[0]!.status, status);
    t.false(c.writes.list()[0]!.applied);
  });
}

test('malformed JSON, wrong content type, no body, too large', async (t) => {
  const c = await charterForTest(t);
  const bad = await call(c, 'POST', '/api/v1/policies', { raw: '{"policyId":', headers: { 'content-type': 'application/json' } });
  t.is(bad.status, 400);
  t.is(bad.body.error.code, 'invalid_json');
  t.regex(bad.body.error.message, /^body: not valid JSON \(/);
  t.is(c.writes.list()[0]!.body, '{"policyId":');
  const text = await call(c, 'POST', '/api/v1/policies', { raw: 'x', headers: { 'content-type': 'text/plain' } });
  t.deepEqual(text.body, { error: { code: 'unsupported_media_type', message: 'Content-Type: expected application/json, got "text/plain"', field: 'Content-Type' } });
  const none = await call(c, 'POST', '/api/v1/policies', {});
  t.deepEqual(none.body, { error: { code: 'invalid_body', message: 'body: expected a JSON object', field: 'body' } });
  const huge = await call(c, 'POST', '/api/v1/policies', { raw: JSON.stringify({ policyId: 'x'.repeat(1024 * 1024 + 1) }), headers: { 'content-type': 'application/json' } });
  t.is(huge.status, 413);
  t.deepEqual(huge.body, { error: { code: 'body_too_large', message: 'body: larger than 1048576 bytes', field: 'body' } });
});

test('unknown routes are 404, wrong methods 405 with Allow', async (t) => {
  const c = await charterForTest(t);
  const r = await call(c, 'GET', '/api/v1/nope');
  t.deepEqual(r.body, { error: { code: 'route_not_found', message: 'no route for GET /api/v1/nope' } });
  const m = await call(c, 'DELETE', '/api/v1/policies/pol-pii');
  t.is(m.status, 405);
  t.is(m.headers.get('allow'), 'GET');
  t.deepEqual(m.body, { error: { code: 'method_not_allowed', message: 'DELETE is not allowed on /api/v1/policies/pol-pii (allowed: GET)' } });
  const reload = await call(c, 'GET', '/api/v1/policies/reload');
  t.is(reload.status, 404);
  t.is(reload.body.error.code, 'policy_not_found');
});

test('healthz', async (t) => {
  const c = await charterForTest(t);
  const r = await call(c, 'GET', '/healthz');
  t.deepEqual([r.status, r.body], [200, { status: 'ok' }]);
});

/**
 * CharterClient against the reference Charter (in process): every endpoint, ETags and
 * If-Match, idempotent writes, and the client faults (latency, 5xx, timeouts).
 */
import anyTest, { type TestFn } from 'ava';
import { startCharter, type CharterHandle } from '../../src/charter/index.js';
import { CharterClient } from '../../src/integration/charter-client.js';
import { CharterApiError, CharterConflictError, HttpTimeoutError } from '../../src/integration/errors.js';

const test = anyTest as TestFn<{ charter: CharterHandle }>;

test.before(async (t) => {
  t.context.charter = await startCharter({ port: 0, testApi: true, tickMs: 250, seed: 1 });
});
test.after.always(async (t) => {
  await t.context.charter?.close();
});
test.afterEach.always((t) => {
  t.context.charter.clientFaults.set({});
});

const client = (c: CharterHandle, o: Partial<ConstructorParameters<typeof CharterClient>[0]> = {}): CharterClient =>
  new CharterClient({ baseUrl: c.url, sleep: async () => {}, ...o });

test.serial('reads: health, policies, violations, targets, committees, settings', async (t) => {
  const c = client(t.context.charter);
  t.true(await c.health());
  const policies = await c.listPolicies();
  t.deepEqual(policies.map((p) => p.id).sort(), ['pol-access', 'pol-audit', 'pol-data-retention', 'pol-network', 'pol-pii']);
  const p = await c.getPolicy('pol-audit');
  t.is(p.value.spec.enforcementMode, 'audit');
  t.is(p.etag, `"pol-audit-v${p.value.version}"`);
  t.is((await c.listTargets()).length, 8);
  const tgt = await c.getTarget('svc-auth');
  t.like(tgt, { value: { id: 'svc-auth', quarantined: false }, etag: `"svc-auth-v${tgt.value.version}"` });
  const com = await c.getCommittee('committee-ops');
  t.is(com.value.capacity, 4);
  t.is((await c.getSettings()).value.validationCache, false);
  t.context.charter.faults.inject('bad_rollout', 'pol-pii');
  t.context.charter.tick(2);
  const v = await c.listViolations({ policyId: 'pol-pii', severity: 'critical', since: '2020-01-01T00:00:00Z' });
  t.true(v.length >= 8);
  t.true(v.every((x) => x.policyId === 'pol-pii' && x.severity === 'critical'));
  t.true((await c.listViolations({ nodeOrService: 'node-a', policyId: 'pol-pii' })).every((x) => x.nodeOrService === 'node-a'));
});

test.serial('a stale If-Match is a CharterConflictError (412), terminal, with Charter\'s message', async (t) => {
  const c = client(t.context.charter);
  const { value, etag } = await c.getTarget('node-e');
  await c.putTarget('node-e', { quarantined: true, reason: 'test' }, { ifMatch: etag });
  const err = await t.throwsAsync(c.putTarget('node-e', { quarantined: false }, { ifMatch: etag }), { instanceOf: CharterConflictError });
  t.is(err!.name, 'CharterConflictError');
  t.is(err!.status, 412);
  t.is(err!.code, 'version_conflict');
  t.false(err!.retryable);
  t.is(err!.detail, `If-Match "node-e-v${value.version}" does not match the current ETag "node-e-v${value.version + 1}" of target "node-e"`);
  const again = await c.getTarget('node-e');
  const back = await c.putTarget('node-e', { quarantined: false }, { ifMatch: again.etag });
  t.false(back.value.quarantined);
  const stale = await t.throwsAsync(c.applyPolicy({ policyId: 'pol-audit', spec: { name: 'Audit logging', revision: 'x', enforcementMode: 'audit', rules: ['a'] }, expectedVersion: 99 }), { instanceOf: CharterConflictError });
  t.regex(stale!.detail, /^expectedVersion 99 does not match the current version \d+ of policy "pol-audit"$/);
});

test.serial('4xx are terminal CharterApiErrors with the server\'s message and field', async (t) => {
  const c = client(t.context.charter, { retries: 3 });
  const before = t.context.charter.writes.list().length;
  const nf = await t.throwsAsync(c.getPolicy('pol-nope'), { instanceOf: CharterApiError });
  t.is(nf!.message, `charter GET ${t.context.charter.url}/api/v1/policies/pol-nope answered 404 policy_not_found: policy "pol-nope" does not exist`);
  t.false(nf!.retryable);
  const bad = await t.throwsAsync(c.putCommittee('committee-ops', { capacity: 0 }), { instanceOf: CharterApiError });
  t.is(bad!.status, 400);
  t.is(bad!.field, 'capacity');
  t.false(bad!.retryable);
  t.is(t.context.charter.writes.list().length, before + 1);
});

test.serial('a retried write with the same Idempotency-Key applies once', async (t) => {
  const c = client(t.context.charter);
  const { value, etag } = await c.getCommittee('committee-ops');
  const first = await c.putCommittee('committee-ops', { capacity: value.capacity + 1 }, { ifMatch: etag, idempotencyKey: 'k-scale-ops' });
  const second = await c.putCommittee('committee-ops', { capacity: value.capacity + 1 }, { ifMatch: etag, idempotencyKey: 'k-scale-ops' });
  t.deepEqual(second, first);
  const writes = t.context.charter.writes.list().filter((w) => w.idempotencyKey === 'k-scale-ops');
  t.deepEqual(writes.map((w) => [w.applied, w.replayed]), [[true, false], [false, true]]);
  const reused = await t.throwsAsync(c.putCommittee('committee-ops', { capacity: value.capacity + 5 }, { idempotencyKey: 'k-scale-ops' }), { instanceOf: CharterApiError });
  t.is(reused!.status, 422);
  t.is(reused!.code, 'idempotency_key_reused');
  // Without a key from the caller, the client still sends one.
  await c.reloadPolicies();
  const last = t.context.charter.writes.list().at(-1);
  t.regex(last?.idempotencyKey ?? '', /^[0-9a-f-]{36}$/);
});

test.serial('injected 503s are retryable and retried; with enough retries the read succeeds', async (t) => {
  const charter = t.context.charter;
  charter.clientFaults.set({ errorRate: 1 });
  const c = client(charter, { retries: 2 });
  const err = await t.throwsAsync(c.listTargets(), { instanceOf: CharterApiError });
  t.is(err!.status, 503);
  t.is(err!.code, 'injected_fault');
  t.true(err!.retryable);
  t.false(await c.health().then(() => false, () => true)); // health never throws
  charter.clientFaults.set({ errorRate: 0.5 });
  const ok = await client(charter, { retries: 8 }).listTargets();
  t.is(ok.length, 8);
});

test.serial('added latency beyond the timeout is a retryable HttpTimeoutError; within it the call succeeds', async (t) => {
  const charter = t.context.charter;
  charter.clientFaults.set({ latencyMs: 300 });
  const err = await t.throwsAsync(client(charter, { timeoutMs: 100, retries: 1 }).listPolicies(), { instanceOf: HttpTimeoutError });
  t.is(err!.message, `GET ${charter.url}/api/v1/policies timed out after 100 ms`);
  t.true(err!.retryable);
  t.is((await client(charter, { timeoutMs: 2000 }).listPolicies()).length, 5);
  charter.clientFaults.set({ latencyMs: 300, routes: ['/healthz'] });
  t.false(await client(charter, { healthTimeoutMs: 100 }).health());
  t.true(await client(charter, { healthTimeoutMs: 2000 }).health());
});

test.serial('a write whose answer never comes is retried with the same key and applied once', async (t) => {
  const charter = t.context.charter;
  const c = client(charter, { timeoutMs: 300, retries: 1 });
  const { value, etag } = await c.getSettings();
  charter.clientFaults.set({ timeoutRate: 1 });
  await t.throwsAsync(c.putSettings({ validationCache: !value.validationCache }, { ifMatch: etag, idempotencyKey: 'k-cache' }), { instanceOf: HttpTimeoutError });
  charter.clientFaults.set({});
  // The write landed although no answer came; the caller retries with the same key.
  const retried = await c.putSettings({ validationCache: !value.validationCache }, { ifMatch: etag, idempotencyKey: 'k-cache' });
  t.is(retried.value.validationCache, !value.validationCache);
  const writes = charter.writes.list().filter((w) => w.idempotencyKey === 'k-cache');
  t.is(writes.filter((w) => w.applied).length, 1);
  t.true(writes.at(-1)!.replayed);
});

test.serial('a closed Charter: health is false and reads fail with a retryable connection error', async (t) => {
  const other = await startCharter({ port: 0, tickMs: 0 });
  await other.close();
  const c = new CharterClient({ baseUrl: other.url, retries: 1, sleep: async () => {} });
  t.false(await c.health());
  const err = await t.throwsAsync(c.listPolicies());
  t.is(err!.name, 'HttpConnectionError');
  t.true((err as CharterApiError).retryable);
});

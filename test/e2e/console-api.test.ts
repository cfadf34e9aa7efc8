/**
 * Remote approvals against the real service: POST /api/v1/approvals/{id} over HTTP on a
 * Service wired to the reference Charter, and `mapek approve|reject --url`. A committee
 * fault leaves a high-risk scale-up waiting; the verdict is recorded (who, when, why) and
 * the next cycle acts on it: approved → Charter gets the write; rejected → nothing written.
 */
import test from 'ava';
import { decide } from '../../src/cli/approve.js';
import { captureIo } from '../support/io.js';
import { CONSOLE_TOKEN, consoleWorld, postVerdict, waitingApproval } from '../support/console-world.js';
import { waitUntil } from '../support/stack.js';

const run = async (verb: 'approve' | 'reject', argv: string[], io: ReturnType<typeof captureIo>, env: Record<string, string>): Promise<number> => {
  try {
    return await decide(verb, argv, io, () => new Date(), env);
  } catch (err) {
    io.err(`mapek ${verb}: ${(err as Error).message}`);
    return 2;
  }
};

const committeeWrites = (w: { charter: { writes: { list(): readonly { path: string; applied: boolean }[] } } }, id: string) =>
  w.charter.writes.list().filter((r) => r.path === `/api/v1/committees/${id}` && r.applied);

test('POST /api/v1/approvals/{id}: 401, 400, 404, then approve is recorded and acted on, then 409', async (t) => {
  t.timeout(60_000);
  const w = await consoleWorld(t);
  const a = await waitingApproval(w, 'committee-safety');
  t.is(a.ruleId, 'scale-committee-high-risk');
  t.deepEqual(committeeWrites(w, 'committee-safety'), []);

  const none = await postVerdict(w.url(), a.id, { verdict: 'approve', by: 'mallory' }, null);
  t.is(none.status, 401);
  t.deepEqual(await none.json(), { error: { code: 'unauthorized', message: 'missing or wrong bearer token' } });
  t.is((await postVerdict(w.url(), a.id, { verdict: 'approve', by: 'mallory' }, 'wrong')).status, 401);

  const bad = await postVerdict(w.url(), a.id, { verdict: 'maybe', by: '', extra: 1 });
  t.is(bad.status, 400);
  t.deepEqual(await bad.json(), {
    error: {
      code: 'invalid_body',
      message: 'invalid verdict: extra: unknown field (expected verdict, by, reason) (and 2 more)',
      issues: ['extra: unknown field (expected verdict, by, reason)', 'verdict: must be "approve" or "reject", got "maybe"', 'by: must be a non-empty string (who decides)'],
    },
  });

  const unknown = await postVerdict(w.url(), 'no-such-id', { verdict: 'approve', by: 'dana' });
  t.is(unknown.status, 404);
  t.deepEqual(await unknown.json(), { error: { code: 'not_found', message: 'no approval with id "no-such-id"' } });
  t.is((await w.store.getApproval(a.id))?.state, 'waiting');

  const ok = await postVerdict(w.url(), a.id, { verdict: 'approve', by: 'dana', reason: 'capacity is cheap' });
  t.is(ok.status, 200);
  const body = (await ok.json()) as { approval: Record<string, unknown> };
  t.like(body.approval, { id: a.id, state: 'approved', resolvedBy: 'dana', reason: 'capacity is cheap' });
  const stored = await w.store.getApproval(a.id);
  t.like(stored, { state: 'approved', resolvedBy: 'dana', reason: 'capacity is cheap' });
  t.true(Date.parse(stored?.resolvedAt ?? '') > Date.parse(a.requestedAt));

  // Acted on in the next cycle: Charter receives exactly one write for that committee.
  await waitUntil(() => (committeeWrites(w, 'committee-safety').length > 0 ? true : undefined), 20_000, 'the approved scale-up at Charter', 100);
  t.is(committeeWrites(w, 'committee-safety').length, 1);
  t.truthy(w.log.find('approval resolved over http'));

  const again = await postVerdict(w.url(), a.id, { verdict: 'reject', by: 'erin' });
  t.is(again.status, 409);
  t.deepEqual(await again.json(), { error: { code: 'not_waiting', message: `approval "${a.id}" is no longer waiting (it was approved by dana)` } });
  t.is((await fetch(`${w.url()}/api/v1/approvals/${a.id}`)).status, 405);
});

test('no api token configured: approving over http is refused with 403', async (t) => {
  const w = await consoleWorld(t, { apiToken: undefined });
  const r = await postVerdict(w.url(), 'x', { verdict: 'approve', by: 'dana' });
  t.is(r.status, 403);
  t.deepEqual(await r.json(), { error: { code: 'no_api_token', message: 'approving over http is off: the service has no api token (set MAPEK_API_TOKEN)' } });
});

test('mapek reject --url: recorded with who and why, nothing written to Charter; approve --url again exits 1', async (t) => {
  t.timeout(60_000);
  const w = await consoleWorld(t);
  const a = await waitingApproval(w, 'committee-ops');
  const env = { MAPEK_API_TOKEN: CONSOLE_TOKEN };
  const io = captureIo();
  t.is(await run('reject', [a.id, '--url', w.url(), '--by', 'frank', '--reason', 'not during the freeze'], io, env), 0);
  t.is(io.stdout(), `rejected ${a.id}: scale_committee "committee-ops" (rule scale-committee-high-risk); the service acts on it in its next cycle\n`);
  t.like(await w.store.getApproval(a.id), { state: 'rejected', resolvedBy: 'frank', reason: 'not during the freeze' });
  await waitUntil(async () => ((await w.store.findExecutions({ id: a.id }))[0]?.status === 'rejected' ? true : undefined), 20_000, 'the intent closed as rejected', 100);
  t.deepEqual(committeeWrites(w, 'committee-ops'), []);

  const again = captureIo();
  t.is(await run('approve', [a.id, '--url', w.url(), '--json'], again, env), 1);
  t.is(again.stderr(), `mapek approve: ${new URL(w.url()).origin} answered 409: approval "${a.id}" is no longer waiting (it was rejected by frank)\n`);
  const noToken = captureIo();
  t.is(await run('approve', [a.id, '--url', w.url()], noToken, {}), 2);
  t.is(noToken.stderr(), 'mapek approve: MAPEK_API_TOKEN is not set (the service\'s API token)\n');
  const wrong = captureIo();
  t.is(await run('approve', [a.id, '--url', w.url()], wrong, { MAPEK_API_TOKEN: 'nope' }), 1);
  t.is(wrong.stderr(), `mapek approve: ${new URL(w.url()).origin} answered 401: missing or wrong bearer token\n`);
  const down = captureIo();
  t.is(await run('approve', [a.id, '--url', 'http://127.0.0.1:1'], down, env), 3);
  t.regex(down.stderr(), /^mapek approve: cannot reach http:\/\/127\.0\.0\.1:1: /);
});

test('console routes: the page and its assets are public; state needs the token when consoleReadAuth is set', async (t) => {
  const w = await consoleWorld(t, { consoleReadAuth: true });
  const page = await fetch(`${w.url()}/`);
  t.is(page.status, 200);
  t.regex(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  t.regex(await page.text(), /<script type="module" src="\/console\/app\.js">/);
  const hooks = await (await fetch(`${w.url()}/console/vendor/hooks.mjs`)).text();
  t.true(hooks.includes('from"./preact.mjs"'));
  t.false(/from\s*["']preact["']/.test(hooks));
  t.is((await fetch(`${w.url()}/console/../package.json`)).status, 404);
  t.is((await fetch(`${w.url()}/console/nope.js`)).status, 404);
  const denied = await fetch(`${w.url()}/api/v1/console/state`);
  t.is(denied.status, 401);
  t.deepEqual(await denied.json(), { error: { code: 'unauthorized', message: 'missing or wrong bearer token' } });
  t.is((await fetch(`${w.url()}/api/v1/console/events`)).status, 401);
  const ok = await fetch(`${w.url()}/api/v1/console/state`, { headers: { authorization: `Bearer ${CONSOLE_TOKEN}` } });
  t.is(ok.status, 200);
  const s = (await ok.json()) as { now: { ruleSet: { sets: string[] } }; approvals: unknown[] };
  t.deepEqual(s.now.ruleSet.sets, ['console-test-committees@1.0.0']);
  t.deepEqual(s.approvals, []);
});

test('open read access answers only loopback host names (no DNS rebinding)', async (t) => {
  const w = await consoleWorld(t);
  const { request } = await import('node:http');
  const get = (host: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const r = request(`${w.url()}/api/v1/console/state`, { headers: { host } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      r.on('error', reject);
      r.end();
    });
  const evil = await get('evil.example:9400');
  t.is(evil.status, 403);
  t.deepEqual(JSON.parse(evil.body), { error: { code: 'host_not_allowed', message: 'host "evil.example" is not a loopback name; open the console at http://127.0.0.1:PORT/' } });
  t.is((await get('localhost:9400')).status, 200);
  t.is((await get('[::1]:9400')).status, 200);
});

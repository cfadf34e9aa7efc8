import test from 'ava';
import { createServer } from 'node:net';
import { main } from '../../../src/cli/main.js';
import { parseFault, runCharter } from '../../../src/cli/charter.js';
import { captureIo } from '../../support/io.js';

test('mapek charter --help', async (t) => {
  const io = captureIo();
  t.is(await main(['charter', '--help'], io), 0);
  t.true(io.stdout().startsWith('usage: mapek charter [options]\n'));
  t.true(io.stdout().includes('--enable-test-api'));
  t.true(io.stdout().includes('--fault KIND:SUBJECT'));
});

test('starts, logs one line with the URL, serves, and stops on the signal', async (t) => {
  const io = captureIo();
  let stop!: (s: string) => void;
  const stopped = new Promise<string>((r) => (stop = r));
  const run = runCharter(['--port', '0', '--seed', '3', '--tick-ms', '0', '--enable-test-api', '--fault', 'bad_rollout:pol-pii', '--fault', 'validation_slowdown'], io, () => stopped);
  while (!io.stdout()) await new Promise((r) => setTimeout(r, 5));
  const m = /^mapek charter: listening on (http:\/\/127\.0\.0\.1:\d+) \(seed 3, test API enabled, faults: bad_rollout:pol-pii validation_slowdown\)\n$/.exec(io.stdout());
  t.truthy(m, io.stdout());
  const faults = (await (await fetch(`${m![1]}/api/v1/test/faults`)).json()) as { kind: string; origin: string }[];
  t.deepEqual(faults.map((f) => [f.kind, f.origin]), [['bad_rollout', 'code'], ['validation_slowdown', 'code']]);
  stop('SIGTERM');
  t.is(await run, 0);
  t.true(io.stdout().endsWith('mapek charter: stopped (SIGTERM)\n'));
  await t.throwsAsync(fetch(`${m![1]}/healthz`));
});

test('--json prints the start line as JSON', async (t) => {
  const io = captureIo();
  const run = runCharter(['--port', '0', '--json', '--tick-ms', '0'], io, async () => {
    while (!io.stdout()) await new Promise((r) => setTimeout(r, 5));
    return 'SIGINT';
  });
  t.is(await run, 0);
  const line = JSON.parse(io.stdout()) as { url: string; port: number; seed: number; testApi: boolean };
  t.like(line, { seed: 1, testApi: false });
  t.is(line.url, `http://127.0.0.1:${line.port}`);
});

test('usage errors exit 2 with a message naming the flag', async (t) => {
  const cases: [string[], string][] = [
    [['--port', 'x'], 'mapek charter: --port: expected an integer from 0 to 65535, got "x"\n'],
    [['--host', '0.0.0.0'], 'mapek charter: --host: "0.0.0.0" is not a loopback address (127.0.0.1, localhost or ::1)\n'],
    [['--fault', 'meteor:x'], 'mapek charter: --fault: unknown kind "meteor" (one of bad_rollout, rogue_target, committee_overload, validation_slowdown, policy_load_failure)\n'],
    [['--fault', 'rogue_target:'], 'mapek charter: --fault: "rogue_target:" has an empty subject\n'],
    [['extra'], 'mapek charter: unexpected argument "extra"\n'],
    [['--port', '0', '--fault', 'rogue_target:node-z'], 'mapek charter: cannot start on 127.0.0.1:0: subject: unknown subject "node-z"; fault rogue_target needs a target id\n'],
  ];
  for (const [argv, message] of cases) {
    const io = captureIo();
    t.is(await main(['charter', ...argv], io), 2, argv.join(' '));
    t.is(io.stderr(), message);
  }
});

test('a port in use exits 3', async (t) => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.teardown(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  const io = captureIo();
  t.is(await runCharter(['--port', String(port)], io, async () => 'SIGINT'), 3);
  t.regex(io.stderr(), new RegExp(`^mapek charter: cannot start on 127\\.0\\.0\\.1:${port}: listen EADDRINUSE`));
});

test('parseFault', (t) => {
  t.deepEqual(parseFault('validation_slowdown'), { kind: 'validation_slowdown' });
  t.deepEqual(parseFault('rogue_target:svc-auth'), { kind: 'rogue_target', subject: 'svc-auth' });
});

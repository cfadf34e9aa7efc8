/**
 * `mapek demo` in-process (embedded mode: the reference Charter, no Prometheus): two faults
 * remediated with --json, and the usage errors with their exact messages.
 */
import test from 'ava';
import { command } from '../../../src/cli/demo.js';
import { EXIT } from '../../../src/cli/command.js';
import { captureIo } from '../../support/io.js';

test('mapek demo --faults committee_overload,validation_slowdown --json: both remediated, exit 0, the summary last', async (t) => {
  t.timeout(60_000);
  const io = captureIo();
  const code = await command.run(['--faults', 'committee_overload,validation_slowdown', '--json', '--seed', '7'], io);
  const lines = io.stdout().trim().split('\n').map((l) => JSON.parse(l) as { kind: string; [k: string]: unknown });
  t.is(code, EXIT.ok, io.stderr());
  t.like(lines[0], { kind: 'start', seed: 7, faults: 2, mode: 'embedded' });
  t.deepEqual(lines.filter((l) => l.kind === 'outcome').map((l) => [l['fault'], l['remediated'], l['by']]), [
    ['committee_overload', true, 'scale_committee'],
    ['validation_slowdown', true, 'enable_validation_cache'],
  ]);
  const last = lines[lines.length - 1];
  t.is(last?.kind, 'summary');
  t.like(last?.['summary'], { remediated: 2, successRate: 1 });
  t.false(lines.some((l) => l.kind === 'metrics'), 'no service /metrics without --stack');
});

test('mapek demo: usage errors name the flag and the bad value', async (t) => {
  const io = captureIo();
  t.is(await command.run(['--seed=-1'], io), EXIT.usage);
  t.is(io.stderr(), 'mapek demo: --seed: expected an integer ≥ 0, got "-1"\n');
  const io2 = captureIo();
  t.is(await command.run(['--faults', 'bad_rollout,meteor'], io2), EXIT.usage);
  t.is(io2.stderr(), 'mapek demo: --faults: unknown fault kind "meteor" (expected bad_rollout, rogue_target, committee_overload, validation_slowdown, policy_load_failure)\n');
});

test('mapek demo --help: prints the usage, exit 0', async (t) => {
  const io = captureIo();
  t.is(await command.run(['--help'], io), EXIT.ok);
  t.true(io.stdout().startsWith('usage: mapek demo [--seed N]'));
  t.true(io.stdout().includes('3 --stack binaries missing'));
});

import test from 'ava';
import { main } from '../../../src/cli/main.js';
import { captureIo } from '../../support/io.js';

test('--help lists every command and exits 0', async (t) => {
  const io = captureIo();
  t.is(await main(['--help'], io), 0);
  for (const c of ['validate', 'simulate', 'run', 'demo', 'charter', 'knowledge', 'explain']) {
    t.regex(io.stdout(), new RegExp(`^  ${c} `, 'm'));
  }
});

test('no command prints usage and exits 2', async (t) => {
  const io = captureIo();
  t.is(await main([], io), 2);
  t.regex(io.stdout(), /usage: mapek COMMAND/);
});

test('an unknown command is a usage error naming it', async (t) => {
  const io = captureIo();
  t.is(await main(['frobnicate'], io), 2);
  t.is(io.stderr(), 'mapek: unknown command "frobnicate" (see mapek --help)\n');
});

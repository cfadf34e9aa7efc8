import test from 'ava';
import { main } from '../../../src/cli/main.js';
import { editDistance, nearest } from '../../../src/cli/suggest.js';
import { captureIo } from '../../support/io.js';

const COMMANDS = ['validate', 'simulate', 'rules', 'run', 'demo', 'record', 'charter', 'approve', 'reject', 'knowledge', 'explain'];

test('every command: an unknown option is named in our words with the way to its help, exit 2', async (t) => {
  for (const c of COMMANDS) {
    const io = captureIo();
    t.is(await main([c, '--bogus'], io), 2, c);
    t.is(io.stderr(), `mapek ${c}: unknown option --bogus (see mapek ${c} --help)\n`, c);
    t.is(io.stdout(), '', c);
  }
});

test('a near miss suggests the known option', async (t) => {
  const cases: [string[], string][] = [
    [['validate', '--jsn'], 'mapek validate: unknown option --jsn, did you mean --json? (see mapek validate --help)\n'],
    [['simulate', '--covrage'], 'mapek simulate: unknown option --covrage, did you mean --coverage? (see mapek simulate --help)\n'],
    [['run', '--prometheus-ulr', 'http://x'], 'mapek run: unknown option --prometheus-ulr, did you mean --prometheus-url? (see mapek run --help)\n'],
    [['demo', '--verb'], 'mapek demo: unknown option --verb, did you mean --verbose? (see mapek demo --help)\n'],
  ];
  for (const [argv, message] of cases) {
    const io = captureIo();
    t.is(await main(argv, io), 2);
    t.is(io.stderr(), message);
  }
});

test('an unknown short option, a missing value and a value given to a switch', async (t) => {
  const cases: [string[], string][] = [
    [['charter', '-x'], 'mapek charter: unknown option -x (see mapek charter --help)\n'],
    [['run', '--interval'], 'mapek run: option --interval needs a value (see mapek run --help)\n'],
    [['record', '--out', '-x'], 'mapek record: option --out needs a value (one starting with "-" is written --out=-x) (see mapek record --help)\n'],
    [['validate', '--json=1'], 'mapek validate: option --json takes no value, got "1" (see mapek validate --help)\n'],
  ];
  for (const [argv, message] of cases) {
    const io = captureIo();
    t.is(await main(argv, io), 2);
    t.is(io.stderr(), message);
  }
});

test('a mistyped command suggests the nearest one', async (t) => {
  const io = captureIo();
  t.is(await main(['valdate'], io), 2);
  t.is(io.stderr(), 'mapek: unknown command "valdate", did you mean validate? (see mapek --help)\n');
});

test('nearest: close names only', (t) => {
  t.is(editDistance('jsn', 'json'), 1);
  t.is(editDistance('josn', 'json'), 1);
  t.is(nearest('jsn', ['json', 'rules']), 'json');
  t.is(nearest('bogus', ['json', 'rules', 'coverage']), undefined);
  t.is(nearest('cov', ['json', 'coverage']), 'coverage');
  t.is(nearest('xy', ['json', 'x']), 'x');
  t.is(nearest('ab', ['json']), undefined);
});

import test from 'ava';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { COMMAND_TABLE } from '../../../src/cli/commands.js';
import { COMMANDS } from '../../../src/cli/main.js';
import { REPO_ROOT } from '../../support/stack.js';

test('the lazy table (bin/mapek.js) names the same commands as the static one (main.ts), module by module', async (t) => {
  t.deepEqual(Object.keys(COMMAND_TABLE), Object.keys(COMMANDS));
  for (const [name, entry] of Object.entries(COMMAND_TABLE)) {
    const module = (await import(pathToFileURL(path.join(REPO_ROOT, 'dist', 'src', 'cli', entry.module)).href)) as Record<string, unknown>;
    t.is(module[entry.export], COMMANDS[name], name);
    t.is(COMMANDS[name]?.name, name);
  }
});

test('bin/mapek.js: --version, a lazily loaded command, an unknown command', (t) => {
  const bin = path.join(REPO_ROOT, 'bin', 'mapek.js');
  const version = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
  t.is(version.status, 0);
  t.is(version.stdout, '0.1.0\n');
  const bad = spawnSync(process.execPath, [bin, 'validate', '--jsn'], { encoding: 'utf8' });
  t.is(bad.status, 2);
  t.is(bad.stderr, 'mapek validate: unknown option --jsn, did you mean --json? (see mapek validate --help)\n');
  const unknown = spawnSync(process.execPath, [bin, 'constructor'], { encoding: 'utf8' });
  t.is(unknown.status, 2, 'a name inherited from Object.prototype is not a command');
  t.is(unknown.stderr, 'mapek: unknown command "constructor" (see mapek --help)\n');
});

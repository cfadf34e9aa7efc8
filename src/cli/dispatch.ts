/**
 * The dispatcher: usage, --version, unknown commands (with the nearest one), and usage
 * errors printed the same way for every command. How a command is loaded is the caller's:
 * main.ts passes statically imported commands, bin/mapek.js loads only the one it runs.
 */
import { EXIT, processIo, UsageError, type Command, type Io } from './command.js';
import { COMMAND_TABLE } from './commands.js';
import { nearest } from './suggest.js';

export const VERSION = '0.1.0';

export type CommandLoader = (name: string) => Promise<Command>;

function usage(): string {
  const width = Math.max(...Object.keys(COMMAND_TABLE).map((n) => n.length));
  const lines = Object.entries(COMMAND_TABLE).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`);
  return [
    'mapek — a MAPE-K self-healing controller for Charter',
    '',
    'usage: mapek COMMAND [options]     (mapek COMMAND --help for its options)',
    '',
    'commands:',
    ...lines,
    '',
    'exit codes: 0 ok, 1 check failed, 2 usage error, 3 dependency unavailable, 70 internal error',
  ].join('\n');
}

export async function dispatch(argv: readonly string[], load: CommandLoader, io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version') {
    io.out(VERSION);
    return EXIT.ok;
  }
  if (!Object.hasOwn(COMMAND_TABLE, name)) {
    const guess = nearest(name, Object.keys(COMMAND_TABLE));
    io.err(`mapek: unknown command "${name}"${guess === undefined ? '' : `, did you mean ${guess}?`} (see mapek --help)`);
    return EXIT.usage;
  }
  const command = await load(name);
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`mapek ${name}: ${err.message}${err.seeHelp ? ` (see mapek ${name} --help)` : ''}`);
      return EXIT.usage;
    }
    throw err;
  }
}

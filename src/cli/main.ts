import { approve, reject } from './approve.js';
import { command as charter } from './charter.js';
import { processIo, type Command, type Io } from './command.js';
import { command as demo } from './demo.js';
import { dispatch } from './dispatch.js';
import { command as explain } from './explain.js';
import { command as knowledge } from './knowledge.js';
import { command as record } from './record.js';
import { command as rules } from './rules.js';
import { command as run } from './run.js';
import { command as simulate } from './simulate.js';
import { command as validate } from './validate.js';

/**
 * Every command, imported statically (tests and in-process callers). `bin/mapek.js` does not
 * come through here: it loads only the command it runs (src/cli/commands.ts), so
 * `mapek --version` does not load the whole controller.
 */
export const COMMANDS: Readonly<Record<string, Command>> = { validate, simulate, rules, run, demo, record, charter, approve, reject, knowledge, explain };

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  return dispatch(argv, async (name) => COMMANDS[name] as Command, io);
}

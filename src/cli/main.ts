import { approve, reject } from './approve.js';
import { command as charter } from './charter.js';
import { EXIT, processIo, UsageError, type Command, type Io } from './command.js';
import { command as demo } from './demo.js';
import { command as explain } from './explain.js';
import { command as knowledge } from './knowledge.js';
import { command as record } from './record.js';
import { command as rules } from './rules.js';
import { command as run } from './run.js';
import { command as simulate } from './simulate.js';
import { nearest } from './suggest.js';
import { command as validate } from './validate.js';

/**
 * Every command. Imported statically: no dynamic import anywhere on the path from a rule file
 * or a webhook to an action (docs/SECURITY.md), at the cost of ~0.1 s more start-up.
 */
const COMMANDS: Readonly<Record<string, { summary: string; command: Command }>> = {
  validate: { summary: 'check rule files and fixtures; FILE:LINE:COL for every issue', command: validate },
  simulate: { summary: 'replay fixtures through the planner and check their expectations', command: simulate },
  rules: { summary: 'rule-set tools: `rules diff --base REF|DIR` (what-if for a rule change)', command: rules },
  run: { summary: 'run the controller as a service', command: run },
  demo: { summary: 'run the loop against an in-process reference Charter with injected faults', command: demo },
  record: { summary: 'record live snapshots into a simulation fixture', command: record },
  charter: { summary: 'start the reference Charter service', command: charter },
  approve: { summary: 'approve a high-risk action waiting in the queue', command: approve },
  reject: { summary: 'reject a high-risk action waiting in the queue', command: reject },
  knowledge: { summary: 'inspect the knowledge store: `weights [--explain]`, `history`', command: knowledge },
  explain: { summary: 'print one decision in full', command: explain },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(width)}  ${c.summary}`);
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

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version') {
    io.out('0.1.0');
    return EXIT.ok;
  }
  const entry = COMMANDS[name];
  if (entry === undefined) {
    const guess = nearest(name, Object.keys(COMMANDS));
    io.err(`mapek: unknown command "${name}"${guess === undefined ? '' : `, did you mean ${guess}?`} (see mapek --help)`);
    return EXIT.usage;
  }
  const command = entry.command;
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

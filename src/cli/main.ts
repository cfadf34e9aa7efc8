import { EXIT, processIo, UsageError, type Command, type Io } from './command.js';

/** Every command, loaded lazily so `mapek validate` does not load the HTTP stack. */
const COMMANDS: Readonly<Record<string, { summary: string; load: () => Promise<Command> }>> = {
  validate: { summary: 'check rule files and fixtures; FILE:LINE:COL for every issue', load: async () => (await import('./validate.js')).command },
  simulate: { summary: 'replay fixtures through the planner and check their expectations', load: async () => (await import('./simulate.js')).command },
  rules: { summary: 'rule-set tools: `rules diff --base REF|DIR` (what-if for a rule change)', load: async () => (await import('./rules.js')).command },
  run: { summary: 'run the controller as a service', load: async () => (await import('./run.js')).command },
  demo: { summary: 'run the loop against an in-process reference Charter with injected faults', load: async () => (await import('./demo.js')).command },
  record: { summary: 'record live snapshots into a simulation fixture', load: async () => (await import('./record.js')).command },
  charter: { summary: 'start the reference Charter service', load: async () => (await import('./charter.js')).command },
  approve: { summary: 'approve a high-risk action waiting in the queue', load: async () => (await import('./approve.js')).approve },
  reject: { summary: 'reject a high-risk action waiting in the queue', load: async () => (await import('./approve.js')).reject },
  knowledge: { summary: 'inspect the knowledge store: `weights [--explain]`, `history`', load: async () => (await import('./knowledge.js')).command },
  explain: { summary: 'print one decision in full', load: async () => (await import('./explain.js')).command },
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
    io.err(`mapek: unknown command "${name}" (see mapek --help)`);
    return EXIT.usage;
  }
  const command = await entry.load();
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`mapek ${name}: ${err.message}`);
      return EXIT.usage;
    }
    throw err;
  }
}

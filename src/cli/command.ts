import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit codes shared by every command. */
export const EXIT = {
  ok: 0,
  /** Expectations failed, validation issues found, a check did not pass. */
  failed: 1,
  /** Bad usage: unknown flag, missing argument. */
  usage: 2,
  /** Could not reach a dependency (Charter, Prometheus, the store). */
  unavailable: 3,
  internal: 70,
} as const;

export interface Io {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

export const processIo: Io = {
  out: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  err: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
};

export interface Command {
  readonly name: string;
  /** One line for `mapek --help`. */
  readonly summary: string;
  run(argv: readonly string[], io: Io): Promise<number>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * parseArgs with `--help` built in and strict unknown-flag errors turned into UsageError.
 * Returns null when help was printed.
 */
export function parseCommandArgs<O extends Options>(
  argv: readonly string[],
  options: O,
  help: string,
  io: Io,
): { values: Record<string, unknown>; positionals: string[] } | null {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const values = parsed.values as Record<string, unknown>;
  if (values['help'] === true) {
    io.out(help);
    return null;
  }
  return { values, positionals: parsed.positionals };
}

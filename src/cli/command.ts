import { parseArgs, type ParseArgsConfig } from 'node:util';
import { nearest } from './suggest.js';

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
  /** The dispatcher adds "(see mapek COMMAND --help)" to the message. */
  readonly seeHelp: boolean;
  constructor(message: string, opts: { seeHelp?: boolean } = {}) {
    super(message);
    this.name = 'UsageError';
    this.seeHelp = opts.seeHelp ?? false;
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** `--name` or `-n` as the user would type it. */
const shown = (name: string): string => (name.length === 1 ? `-${name}` : `--${name}`);

/**
 * The first mistake in `argv` against `options`, in our own words: an unknown option (with
 * the nearest known one), a value missing after an option that takes one, or a value given
 * to a switch. Found on parseArgs' tokens, so Node's own message never reaches the user.
 */
function firstMistake(argv: readonly string[], options: Options): UsageError | undefined {
  const { tokens } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: false, tokens: true });
  const longNames = Object.keys(options).filter((n) => n.length > 1);
  const shortNames = new Map(Object.entries(options).flatMap(([n, o]) => (o.short === undefined ? [] : [[o.short, n] as const])));
  for (const tok of tokens) {
    if (tok.kind !== 'option') continue;
    const name = tok.rawName.startsWith('--') ? tok.name : shortNames.get(tok.name) ?? tok.name;
    const spec = Object.hasOwn(options, name) ? options[name] : undefined;
    if (spec === undefined || (!tok.rawName.startsWith('--') && !shortNames.has(tok.name))) {
      const guess = tok.rawName.startsWith('--') ? nearest(tok.name, longNames) : undefined;
      return new UsageError(`unknown option ${tok.rawName}${guess === undefined ? '' : `, did you mean --${guess}?`}`, { seeHelp: true });
    }
    if (spec.type === 'string' && tok.value === undefined) return new UsageError(`option ${shown(name)} needs a value`, { seeHelp: true });
    if (spec.type === 'string' && tok.inlineValue === false && tok.value.startsWith('-')) {
      return new UsageError(`option ${shown(name)} needs a value (one starting with "-" is written ${shown(name)}=${tok.value})`, { seeHelp: true });
    }
    if (spec.type === 'boolean' && tok.inlineValue === true) return new UsageError(`option ${shown(name)} takes no value, got "${tok.value ?? ''}"`, { seeHelp: true });
  }
  return undefined;
}

/**
 * parseArgs with `--help` built in; every mistake (unknown option, missing value) is a
 * UsageError with our message and the dispatcher's "(see mapek COMMAND --help)", the same
 * for every command. Returns null when help was printed.
 */
export function parseCommandArgs<O extends Options>(
  argv: readonly string[],
  options: O,
  help: string,
  io: Io,
): { values: Record<string, unknown>; positionals: string[] } | null {
  const all: Options = { ...options, help: { type: 'boolean', short: 'h' } };
  const mistake = firstMistake(argv, all);
  if (mistake !== undefined) throw mistake;
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: all, allowPositionals: true, strict: true });
  } catch (err) {
    // What firstMistake does not catch, e.g. `--out -x` (a value that looks like an option).
    const text = err instanceof Error ? err.message : String(err);
    throw new UsageError(text.split('\n')[0]!.split('. ')[0]!.replace(/^\w/, (c) => c.toLowerCase()).replace(/'/g, ''), { seeHelp: true });
  }
  const values = parsed.values as Record<string, unknown>;
  if (values['help'] === true) {
    io.out(help);
    return null;
  }
  return { values, positionals: parsed.positionals };
}

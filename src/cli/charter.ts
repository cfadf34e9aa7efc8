/** `mapek charter`: run the reference Charter service until SIGINT/SIGTERM. */
import { startCharter } from '../charter/index.js';
import { FAULT_KINDS, type FaultKind } from '../types/charter.js';
import { EXIT, parseCommandArgs, UsageError, type Command, type Io } from './command.js';

const HELP = `usage: mapek charter [options]

Start the reference Charter service (docs/CHARTER_API.md) on a loopback address.

options:
  --port N            port to listen on (default 8000; 0 = a free port)
  --host HOST         127.0.0.1 (default), localhost or ::1
  --seed N            seed of traffic, remediation draws and client faults (default 1)
  --tick-ms N         simulation tick period in ms (default 250; 0 = no ticks)
  --enable-test-api   serve the test-only control API under /api/v1/test/
  --fault KIND:SUBJECT
                      inject a fault at start (repeatable); KIND is one of
                      ${FAULT_KINDS.join(', ')};
                      validation_slowdown takes no subject (KIND alone)
  --json              print the start line as JSON ({"url","port","seed","testApi"})
  -h, --help          this help

Stops cleanly on SIGINT or SIGTERM. Exit codes: 0 stopped, 2 usage error, 3 could not listen.`;

function integer(name: string, v: unknown, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  if (!/^\d+$/.test(s) || Number(s) < min || Number(s) > max) throw new UsageError(`--${name}: expected an integer from ${min} to ${max}, got "${s}"`);
  return Number(s);
}

export function parseFault(s: string): { kind: FaultKind; subject?: string } {
  const i = s.indexOf(':');
  const kind = i < 0 ? s : s.slice(0, i);
  const subject = i < 0 ? undefined : s.slice(i + 1);
  if (!FAULT_KINDS.includes(kind as FaultKind)) throw new UsageError(`--fault: unknown kind "${kind}" (one of ${FAULT_KINDS.join(', ')})`);
  if (subject === '') throw new UsageError(`--fault: "${s}" has an empty subject`);
  return subject === undefined ? { kind: kind as FaultKind } : { kind: kind as FaultKind, subject };
}

/** Resolves when the process is asked to stop. Replaceable in tests. */
export type StopSignal = () => Promise<string>;

const processStop: StopSignal = () =>
  new Promise((resolve) => {
    const on = (sig: string) => () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(sig);
    };
    const onInt = on('SIGINT');
    const onTerm = on('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });

export async function runCharter(argv: readonly string[], io: Io, stop: StopSignal = processStop): Promise<number> {
  const parsed = parseCommandArgs(
    argv,
    {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      'tick-ms': { type: 'string' },
      'enable-test-api': { type: 'boolean' },
      fault: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    },
    HELP,
    io,
  );
  if (parsed === null) return EXIT.ok;
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const port = integer('port', values['port'], 0, 65535) ?? 8000;
  const seed = integer('seed', values['seed'], 0, 2 ** 32 - 1);
  const tickMs = integer('tick-ms', values['tick-ms'], 0, 3_600_000);
  const host = (values['host'] as string | undefined) ?? '127.0.0.1';
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) throw new UsageError(`--host: "${host}" is not a loopback address (127.0.0.1, localhost or ::1)`);
  const faults = ((values['fault'] as string[] | undefined) ?? []).map(parseFault);
  const testApi = values['enable-test-api'] === true;

  let charter;
  try {
    charter = await startCharter({ port, host, testApi, faults, ...(seed !== undefined ? { seed } : {}), ...(tickMs !== undefined ? { tickMs } : {}) });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    io.err(`mapek charter: cannot start on ${host}:${port}: ${message}`);
    // A listen error (EADDRINUSE, EACCES) carries a syscall; anything else is a bad option.
    return (err as { syscall?: string }).syscall === undefined ? EXIT.usage : EXIT.unavailable;
  }
  const s = seed ?? 1;
  if (values['json'] === true) io.out(JSON.stringify({ url: charter.url, port: charter.port, seed: s, testApi }));
  else io.out(`mapek charter: listening on ${charter.url} (seed ${s}${testApi ? ', test API enabled' : ''}${faults.length ? `, faults: ${faults.map((f) => f.subject ? `${f.kind}:${f.subject}` : f.kind).join(' ')}` : ''})`);
  const sig = await stop();
  await charter.close();
  if (values['json'] !== true) io.out(`mapek charter: stopped (${sig})`);
  return EXIT.ok;
}

export const command: Command = {
  name: 'charter',
  summary: 'start the reference Charter service',
  run: (argv, io) => runCharter(argv, io),
};

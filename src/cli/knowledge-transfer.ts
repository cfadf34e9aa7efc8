/**
 * `mapek knowledge export` / `import`: a store's records as NDJSON (src/knowledge/transfer.ts),
 * to move a single node's journal files into the shared PostgreSQL store (or back) without
 * losing history or learned weights.
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { BREAKER_STATE } from '../execute/breaker-store.js';
import { GUARD_STATES } from '../execute/guard-memory.js';
import { describeStore, exportRecords, importRecords, openStore, parseTransfer, TRANSFER_ORDER, type ImportSummary } from '../knowledge/index.js';
import { EXIT, parseCommandArgs, UsageError, type Io } from './command.js';
import { openCliStore, STORE_HELP, STORE_OPTIONS, storeLocation } from './store-option.js';

const EXPORT_HELP = `usage: mapek knowledge export [--out FILE] [--dir DIR | --store-url URL] [--json]

Writes every record of the store as NDJSON, one a line: {"collection": C, "record": R}, oldest
first per collection (${TRANSFER_ORDER.join(', ')}; controller: the circuit breaker and the
guard rails' state). Reads only: safe while the service runs.

options:
  --out FILE        write to FILE (default: standard output; the summary then goes to stderr)
${STORE_HELP}
  --json            the summary as JSON: { store, out, lines, collections }
  -h, --help        this help

exit codes: 0 ok, 2 usage error, 3 no knowledge store at DIR or the database unreachable`;

const IMPORT_HELP = `usage: mapek knowledge import FILE [--dir DIR | --store-url URL] [--json]

Reads an export (mapek knowledge export) into the store. Every line is checked first, with
the schemas every read is checked with; when one is bad nothing is written and each issue
names FILE:LINE. Idempotent: a record equal to the stored one is left alone, a changed one
replaced, so importing the same file twice changes nothing the second time. Into a directory,
stop the service that uses it first (the store is opened for writing).

options:
${STORE_HELP}
  --json            the summary as JSON: { store, file, lines, created, updated, unchanged }
  -h, --help        this help

exit codes: 0 ok, 1 a line is invalid (nothing written), 2 usage error,
3 the file or the store cannot be opened, or the database unreachable`;

const CONTROLLER_STATES = [BREAKER_STATE, ...GUARD_STATES];

export async function exportCommand(argv: readonly string[], io: Io, env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const parsed = parseCommandArgs(argv, { ...STORE_OPTIONS, out: { type: 'string' }, json: { type: 'boolean' } }, EXPORT_HELP, io);
  if (!parsed) return EXIT.ok;
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
  const where = storeLocation(parsed.values, env);
  const out = parsed.values['out'] as string | undefined;
  let store;
  try {
    store = await openCliStore(where);
  } catch (err) {
    io.err(`mapek knowledge export: ${(err as Error).message}`);
    return EXIT.unavailable;
  }
  const counts: Record<string, number> = Object.fromEntries(TRANSFER_ORDER.map((c) => [c, 0]));
  let lines = 0;
  const file = out !== undefined ? createWriteStream(out) : undefined;
  try {
    for await (const line of exportRecords(store, CONTROLLER_STATES)) {
      const text = `${JSON.stringify(line)}\n`;
      if (file) {
        if (!file.write(text)) await once(file, 'drain');
      } else io.out(text);
      counts[line.collection] = (counts[line.collection] ?? 0) + 1;
      lines += 1;
    }
  } finally {
    await store.close();
    if (file) await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
  const report = parsed.values['json'] === true
    ? JSON.stringify({ store: describeStore(where), out: out ?? '-', lines, collections: counts })
    : `exported ${lines} records from ${describeStore(where)}${out !== undefined ? ` to ${out}` : ''}: ${TRANSFER_ORDER.map((c) => `${counts[c]} ${c}`).join(', ')}`;
  (out !== undefined ? io.out : io.err)(report);
  return EXIT.ok;
}

function summaryText(s: ImportSummary, store: string, file: string): string {
  const part = (k: 'created' | 'updated' | 'unchanged'): string => `${Object.values(s[k]).reduce((a, b) => a + b, 0)} ${k}`;
  return `imported ${s.lines} records from ${file} into ${store}: ${part('created')}, ${part('updated')}, ${part('unchanged')}`;
}

export async function importCommand(argv: readonly string[], io: Io, env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const parsed = parseCommandArgs(argv, { ...STORE_OPTIONS, json: { type: 'boolean' } }, IMPORT_HELP, io);
  if (!parsed) return EXIT.ok;
  const [file, ...extra] = parsed.positionals;
  if (file === undefined) throw new UsageError('expected the FILE to import: an NDJSON file written by mapek knowledge export');
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const where = storeLocation(parsed.values, env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    io.err(`mapek knowledge import: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return EXIT.unavailable;
  }
  const checked = parseTransfer(text, file);
  if (!checked.ok) {
    for (const i of checked.issues) io.err(i);
    io.err(`mapek knowledge import: ${checked.issues.length} invalid line${checked.issues.length === 1 ? '' : 's'}; nothing written`);
    return EXIT.failed;
  }
  let store;
  try {
    store = await openStore(where);
  } catch (err) {
    io.err(`mapek knowledge import: ${where.url !== undefined ? `--store-url ${describeStore(where)}: ` : ''}${(err as Error).message}`);
    return EXIT.unavailable;
  }
  let summary: ImportSummary;
  try {
    summary = await importRecords(store, checked.lines);
  } finally {
    await store.close();
  }
  io.out(parsed.values['json'] === true ? JSON.stringify({ store: describeStore(where), file, ...summary }) : summaryText(summary, describeStore(where), file));
  return EXIT.ok;
}

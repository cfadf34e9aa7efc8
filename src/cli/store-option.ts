/**
 * `--dir DIR | --store-url URL` of the commands that read the knowledge store (knowledge,
 * explain, approve, reject, export, import): the same choice the service makes, with
 * MAPEK_STORE_URL as the default of --store-url, so a command on any machine reaches the
 * shared PostgreSQL store.
 */
import { describeStore, isPostgresUrl, openStoreView, type StoreLocation } from '../knowledge/index.js';
import type { ExtendedKnowledgeStore } from '../types/knowledge.js';
import { redactCredentials } from '../types/redact.js';
import { UsageError } from './command.js';

export const STORE_OPTIONS = { dir: { type: 'string' }, 'store-url': { type: 'string' } } as const;

export const STORE_HELP = `  --dir DIR         knowledge store directory (default: knowledge)
  --store-url URL   a PostgreSQL knowledge store (postgres://USER@HOST:PORT/DB), the one the
                    replicas share; default $MAPEK_STORE_URL. Excludes --dir`;

/** Where the store is, from the flags and the environment; a bad choice is a UsageError. */
export function storeLocation(values: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>>): StoreLocation {
  const dir = values['dir'] as string | undefined;
  const flag = values['store-url'] as string | undefined;
  if (dir !== undefined && flag !== undefined) throw new UsageError('--dir and --store-url exclude each other');
  const fromEnv = dir === undefined && flag === undefined && env['MAPEK_STORE_URL'] ? env['MAPEK_STORE_URL'] : undefined;
  const url = flag ?? fromEnv;
  if (url !== undefined && !isPostgresUrl(url)) {
    throw new UsageError(`${flag !== undefined ? '--store-url' : 'MAPEK_STORE_URL'}: must be a postgres:// or postgresql:// URL, got "${redactCredentials(url)}"`);
  }
  return { url, dir: dir ?? 'knowledge' };
}

/** Opens it for the command; the error names the option and host:port (the caller exits 3). */
export async function openCliStore(loc: StoreLocation): Promise<ExtendedKnowledgeStore> {
  try {
    return await openStoreView(loc, { connection: { retryForMs: 2_000 } });
  } catch (err) {
    throw new Error(loc.url !== undefined ? `--store-url ${describeStore(loc)}: ${(err as Error).message}` : (err as Error).message, { cause: err });
  }
}

/**
 * Versioned SQL migrations for the PostgreSQL store: `migrations/postgres/NNNN_name.sql` in the
 * repository, applied in order at start, each in its own transaction, under a transaction-level
 * advisory lock so that replicas starting together migrate once (the others wait, then find
 * nothing to do). `mapek_schema` records what was applied; a database at a version this code
 * does not know (a newer release migrated it) is refused with a clear error.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { MapekError } from '../../types/errors.js';

/** Advisory lock key for migrations (any constant; "mapek" in ASCII). */
export const MIGRATION_LOCK = 0x6d61_7065_6bn;

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export class SchemaVersionError extends MapekError {
  constructor(found: number, known: number) {
    super(
      `the PostgreSQL store is at schema version ${found}, newer than this mapek knows (${known}): upgrade mapek on this machine, or point it at another database`,
      false,
    );
    this.name = 'SchemaVersionError';
  }
}

/** The repository's migrations directory (this code runs from src/ or dist/src/). */
export function migrationsDir(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'migrations', 'postgres');
    if (existsSync(candidate) && existsSync(path.join(dir, 'package.json'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new MapekError(`migrations/postgres not found above ${from}`, false);
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads and orders the migration files; a misnamed file or a repeated version is an error. */
export function loadMigrations(dir: string = migrationsDir()): readonly Migration[] {
  const out: Migration[] = [];
  for (const f of readdirSync(dir).sort()) {
    const m = FILE.exec(f);
    if (!m) throw new MapekError(`${path.join(dir, f)}: a migration is named NNNN_name.sql (lower case)`, false);
    const version = Number(m[1]);
    if (out.some((x) => x.version === version)) throw new MapekError(`${path.join(dir, f)}: version ${version} appears twice`, false);
    out.push({ version, name: m[2]!, sql: readFileSync(path.join(dir, f), 'utf8') });
  }
  return out;
}

export interface MigrateResult {
  /** Versions this call applied (empty when another replica had, or nothing was new). */
  readonly applied: readonly number[];
  readonly version: number;
}

/** Applies what is missing; `client` must be one connection (not a pool). */
export async function migrate(client: pg.ClientBase, migrations: readonly Migration[] = loadMigrations()): Promise<MigrateResult> {
  const known = migrations.reduce((v, m) => Math.max(v, m.version), 0);
  const applied: number[] = [];
  // The lock is per transaction: two replicas serialise here, the second sees the first's work.
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS mapek_schema (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM mapek_schema');
    const current = rows[0]?.v ?? 0;
    if (current > known) throw new SchemaVersionError(current, known);
    for (const m of migrations) {
      if (m.version <= current) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO mapek_schema (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return { applied, version: Math.max(current, ...applied) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

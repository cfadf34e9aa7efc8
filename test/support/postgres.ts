/**
 * Test harness for a real PostgreSQL server: `initdb` into a temporary directory (as the
 * `postgres` OS user when the tests run as root, since initdb refuses root), started with
 * `pg_ctl` on a free port, listening on 127.0.0.1 only with its socket in the same directory,
 * and stopped (then deleted) afterwards. Nothing else on the machine is touched: the packaged
 * cluster stays as it is, and only the postmaster this harness started is ever signalled.
 *
 * A missing binary is an error naming the Debian package; tests that need PostgreSQL fail,
 * they never skip (scripts/ensure-stack.sh installs it).
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../src/app/stack/index.js';

const run = promisify(execFile);

export interface Postgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** URL of another database on the same server (created by createDatabase). */
  urlFor(database: string): string;
  /** CREATE DATABASE name; returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** The postmaster's pid (read from postmaster.pid), for SIGKILL/SIGSTOP in fault tests. */
  pid(): Promise<number>;
  /** `pg_ctl restart -m fast`: every connection is cut, the data stays. */
  restart(): Promise<void>;
  /** `pg_ctl stop -m fast` and removal of the directory; idempotent. */
  stop(): Promise<void>;
}

/** The newest /usr/lib/postgresql/N/bin that has initdb (Debian's layout), or PATH. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length > 0) return path.join(root, versions[0]!, 'bin');
  throw new Error(
    `PostgreSQL server binaries not found under ${root}/*/bin: install the Debian package \`postgresql\` (scripts/ensure-stack.sh does, as root)`,
  );
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** Runs a PostgreSQL binary, as the `postgres` user when this process is root. */
async function pgRun(bin: string, args: readonly string[]): Promise<string> {
  const exe = path.join(postgresBinDir(), bin);
  const quoted = [exe, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const { stdout } = isRoot()
    ? await run('su', ['postgres', '-s', '/bin/sh', '-c', quoted], { timeout: 60_000 })
    : await run(exe, [...args], { timeout: 60_000 });
  return stdout;
}

export interface PostgresOptions {
  /** Extra `-c name=value` server settings. */
  readonly settings?: Readonly<Record<string, string>>;
}

/** Starts a fresh server. */
export async function startPostgres(o: PostgresOptions = {}): Promise<Postgres> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-pg-'));
  if (isRoot()) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  await chmod(dir, 0o700);
  const data = path.join(dir, 'data');
  const port = await freePort();
  const settings = { listen_addresses: '127.0.0.1', port: String(port), unix_socket_directories: dir, ...o.settings };
  const opts = Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(' ');
  let stopped = false;
  try {
    await pgRun('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    await pgRun('pg_ctl', ['-D', data, '-o', opts, '-l', path.join(dir, 'pg.log'), '-w', '-t', '60', 'start']);
  } catch (err) {
    const log = await readFile(path.join(dir, 'pg.log'), 'utf8').catch(() => '');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start in ${dir}: ${err instanceof Error ? err.message : String(err)}\n${log}`);
  }
  const urlFor = (db: string): string => `postgres://postgres@127.0.0.1:${port}/${db}`;
  return {
    url: urlFor('postgres'),
    port,
    dir,
    urlFor,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name "${name}" is not a plain identifier`);
      await pgRun('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-qc', `CREATE DATABASE ${name}`]);
      return urlFor(name);
    },
    async pid() {
      const text = await readFile(path.join(data, 'postmaster.pid'), 'utf8');
      return Number(text.split('\n')[0]);
    },
    async restart() {
      await pgRun('pg_ctl', ['-D', data, '-o', opts, '-l', path.join(dir, 'pg.log'), '-m', 'fast', '-w', '-t', '60', 'restart']);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await pgRun('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '30', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** For one test file or test: starts a server and registers its stop with t.teardown. */
export async function startPostgresFor(t: { teardown(fn: () => Promise<void>): void }, o?: PostgresOptions): Promise<Postgres> {
  const pg = await startPostgres(o);
  t.teardown(() => pg.stop());
  return pg;
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';

export { freePort } from './free-port.js';

/** Polls `fn` until it returns a value other than undefined; throws after timeoutMs naming `what`. */
export async function waitUntil<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
      if (err instanceof ExitedError) throw err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** GET a URL on loopback with node:http; resolves status and body (never throws on status). */
export function httpGet(url: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

/** A started server binary. */
export interface ManagedProcess {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly child: ChildProcess;
  /** The command line and the last lines of its stderr/stdout, for failure messages. */
  logs(): string;
  /** SIGTERM, wait (SIGKILL after 5 s), remove its temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** The process exited during startup (its logs are in the message). */
export class ExitedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExitedError';
  }
}

export interface StartManagedOptions {
  readonly name: string;
  /** Writes the config into `dir` and returns the command line for `port`. */
  readonly prepare: (dir: string, port: number) => Promise<readonly [string, readonly string[]]>;
  /** Listen on this port; default a free one (retried when another process takes it first). */
  readonly port?: number;
  /** How long to wait for GET /-/ready to answer 200 [30 s]. */
  readonly readyTimeoutMs?: number;
}

/**
 * Starts a Prometheus-style server (it answers GET /-/ready) in a fresh temp directory on
 * 127.0.0.1 and waits until it is ready. A port taken between probing and binding is
 * retried with another port; any other startup failure throws with the process's logs.
 */
export async function startManaged(o: StartManagedOptions): Promise<ManagedProcess> {
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = await mkdtemp(path.join(os.tmpdir(), `mapek-${o.name}-`));
    const port = o.port ?? (await freePort());
    const [bin, args] = await o.prepare(dir, port);
    const p = spawnManaged(o.name, bin, args, dir, port);
    try {
      await waitUntil(async () => {
        if (p.child.pid === undefined || p.child.exitCode !== null || p.child.signalCode !== null) throw new ExitedError(`${o.name} exited (${p.child.exitCode ?? p.child.signalCode}) during startup: ${p.logs()}`);
        const r = await httpGet(`${p.url}/-/ready`, 1000).catch(() => undefined);
        return r?.status === 200 ? true : undefined;
      }, o.readyTimeoutMs ?? 30_000, `${o.name} to be ready on ${p.url}`, 100);
      return p;
    } catch (err) {
      await p.stop();
      lastError = err as Error;
      if (o.port !== undefined || !(err instanceof ExitedError) || !/address already in use/.test(lastError.message)) break;
    }
  }
  throw lastError ?? new Error(`${o.name} did not start`);
}

function spawnManaged(name: string, bin: string, args: readonly string[], dir: string, port: number): ManagedProcess {
  const child = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (buf: Buffer): void => {
    lines.push(...buf.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (err) => lines.push(`spawn error: ${err.message}`));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    child.once('exit', () => resolve());
  });
  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dir,
    child,
    logs: () => `${name} ${args.join(' ')}\n${lines.join('\n')}`,
    stop: () => {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(killer);
        }
        await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

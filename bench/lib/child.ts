/** `mapek run` as a child process, and how much CPU and memory it uses (from /proc). */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { freePort } from '../../test/support/stack.js';
import { get } from './webhook.js';
import { sleep } from './section.js';

export interface RunningService {
  readonly child: ChildProcess;
  readonly url: string;
  readonly token: string;
  logs(): string;
  stop(): Promise<number | null>;
}

export interface StartOptions {
  /** How long it may take to answer /readyz 200 (default 20 s). */
  readonly readyTimeoutMs?: number;
  /** Called once the process exists (before it is ready): to sample it while it starts. */
  readonly onSpawn?: (child: ChildProcess) => void;
}

export async function startMapekRun(args: readonly string[], env: Record<string, string> = {}, o: StartOptions = {}): Promise<RunningService> {
  const port = await freePort();
  const token = `bench-${process.pid}-${port}`;
  const child = spawn(process.execPath, ['bin/mapek.js', 'run', '--port', String(port), ...args], {
    env: { ...process.env, MAPEK_WEBHOOK_TOKEN: token, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  o.onSpawn?.(child);
  let out = '';
  const keep = (d: Buffer): void => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const readyMs = o.readyTimeoutMs ?? 20_000;
  const deadline = Date.now() + readyMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mapek run exited ${child.exitCode}: ${out.slice(-2000)}`);
    const r = await get(`${url}/readyz`).catch(() => undefined);
    if (r?.status === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`mapek run not ready after ${readyMs / 1000} s: ${out.slice(-2000)}`);
    }
    await sleep(100);
  }
  return {
    child,
    url,
    token,
    logs: () => out,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** Resident set size, MiB. */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU share (% of one core) and RSS over `ms`, sampled every second. */
export async function footprint(pid: number, ms: number): Promise<{ cpuPercent: number; rssMiB: number; rssMaxMiB: number }> {
  const c0 = await cpuSeconds(pid);
  const t0 = performance.now();
  let max = 0;
  let last = 0;
  while (performance.now() - t0 < ms) {
    await sleep(Math.min(1000, ms));
    last = await rssMiB(pid);
    max = Math.max(max, last);
  }
  const c1 = await cpuSeconds(pid);
  return { cpuPercent: ((c1 - c0) / ((performance.now() - t0) / 1000)) * 100, rssMiB: last, rssMaxMiB: max };
}

/**
 * Run the fault proxy in a child process: the same proxy, but a test can freeze it
 * (`pause()` = SIGSTOP: connections are accepted by the kernel and never answered) and
 * thaw it (`resume()` = SIGCONT), or kill it. Rules and the request log go over IPC.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { FaultAction, Matcher, ProxyRequest } from './fault-proxy.js';

const MAIN = join(process.cwd(), 'dist/test/support/fault-proxy-main.js');

export interface FaultProxyChild {
  readonly url: string;
  readonly pid: number;
  rule(match: Matcher, action: FaultAction): Promise<void>;
  clearRules(): Promise<void>;
  requests(): Promise<ProxyRequest[]>;
  /** SIGSTOP: the process is frozen; the listening socket still accepts connections. */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
  /** SIGCONT (a stopped process cannot exit), then SIGKILL; resolves when it has exited. */
  close(): Promise<void>;
}

export async function startFaultProxyChild(upstream: string): Promise<FaultProxyChild> {
  const child: ChildProcess = spawn(process.execPath, [MAIN, upstream], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /LISTENING (\S+)\n/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.once('exit', (code) => reject(new Error(`fault proxy child exited (${code}) before listening: ${err.trim()}`)));
  });
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (m: { id: number; reply: unknown; error?: string }) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== undefined) p?.reject(new Error(m.error));
    else p?.resolve(m.reply);
  });
  const ask = (cmd: Record<string, unknown>): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      child.send({ id, ...cmd });
    });
  return {
    url,
    pid: child.pid!,
    rule: async (match, action) => {
      await ask({ op: 'rule', ...match, ...(match.path ? { path: { source: match.path.source, flags: match.path.flags } } : {}), ...(match.idempotencyKey ? { idempotencyKey: { source: match.idempotencyKey.source, flags: match.idempotencyKey.flags } } : {}), action });
    },
    clearRules: async () => {
      await ask({ op: 'clearRules' });
    },
    requests: async () => (await ask({ op: 'requests' })) as ProxyRequest[],
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        child.kill('SIGKILL');
      }
      await exited;
    },
  };
}

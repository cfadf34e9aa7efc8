/**
 * The fault proxy as a child process (so a test can SIGSTOP it, or SIGKILL it): started by
 * startFaultProxyChild with the upstream URL as its argument; prints "LISTENING <url>" and
 * takes commands over the IPC channel (see fault-proxy-child.ts).
 */
import { startFaultProxy, type FaultAction } from './fault-proxy.js';

export type ChildCommand =
  | { readonly id: number; readonly op: 'rule'; readonly method?: string; readonly path?: { readonly source: string; readonly flags: string }; readonly idempotencyKey?: { readonly source: string; readonly flags: string }; readonly nth?: number; readonly times?: number; readonly action: FaultAction }
  | { readonly id: number; readonly op: 'clearRules' }
  | { readonly id: number; readonly op: 'requests' };

async function main(): Promise<void> {
  const upstream = process.argv[2];
  if (!upstream) throw new Error('usage: fault-proxy-main UPSTREAM_URL');
  const proxy = await startFaultProxy({ upstream });
  process.on('message', (m: ChildCommand) => {
    let reply: unknown = null;
    let error: string | undefined;
    try {
      switch (m.op) {
        case 'rule':
          proxy.rule({ ...(m.method !== undefined ? { method: m.method } : {}), ...(m.path !== undefined ? { path: new RegExp(m.path.source, m.path.flags) } : {}), ...(m.idempotencyKey !== undefined ? { idempotencyKey: new RegExp(m.idempotencyKey.source, m.idempotencyKey.flags) } : {}), ...(m.nth !== undefined ? { nth: m.nth } : {}), ...(m.times !== undefined ? { times: m.times } : {}) }, m.action);
          break;
        case 'clearRules':
          proxy.clearRules();
          break;
        case 'requests':
          reply = proxy.requests();
          break;
      }
    } catch (err) {
      error = (err as Error).message;
    }
    process.send?.({ id: m.id, reply, ...(error !== undefined ? { error } : {}) });
  });
  process.on('disconnect', () => {
    void proxy.close().then(() => process.exit(0));
  });
  process.stdout.write(`LISTENING ${proxy.url}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`fault-proxy-main: ${(err as Error).message}\n`);
  process.exit(1);
});

import { accessSync, constants } from 'node:fs';
import path from 'node:path';

export type StackBinary = 'prometheus' | 'prometheus-alertmanager' | 'promtool' | 'amtool';

export const INSTALL_HINT = 'apt-get install prometheus prometheus-alertmanager';

/** A binary of the monitoring stack is not installed: not retryable, the message says how to install it. */
export class StackUnavailableError extends Error {
  readonly retryable = false;
  constructor(readonly binary: StackBinary) {
    super(`${binary} not found on PATH; install it: ${INSTALL_HINT} (Debian packages; or run scripts/ensure-stack.sh)`);
    this.name = 'StackUnavailableError';
  }
}

/** Where binaries are looked for: PATH, then /usr/bin and /usr/local/bin (Debian's place). */
export function searchDirs(pathEnv: string | undefined = process.env['PATH']): string[] {
  return [...(pathEnv ?? '').split(path.delimiter), '/usr/bin', '/usr/local/bin'];
}

/** Absolute path of an executable in `dirs`; throws StackUnavailableError saying how to install it. */
export function requireBinary(name: StackBinary, dirs: readonly string[] = searchDirs()): string {
  for (const d of dirs) {
    if (!d) continue;
    const p = path.join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // try the next directory
    }
  }
  throw new StackUnavailableError(name);
}

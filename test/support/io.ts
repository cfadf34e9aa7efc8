import type { Io } from '../../src/cli/command.js';

/** Captures a command's output for assertions. */
export function captureIo(): Io & { stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (s) => out.push(s.endsWith('\n') ? s : `${s}\n`),
    err: (s) => err.push(s.endsWith('\n') ? s : `${s}\n`),
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
}

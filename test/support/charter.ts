/** Start a reference Charter for one test on a free 127.0.0.1 port; it stops at teardown. */
import type { ExecutionContext } from 'ava';
import { ManualClock, startCharter, type CharterHandle, type StartCharterOptions } from '../../src/charter/index.js';

/**
 * Deterministic by default: a ManualClock, no automatic ticks (step with `charter.tick()`),
 * seed 1, test API on. Pass options to change any of that.
 */
export async function charterForTest(t: ExecutionContext, opts: StartCharterOptions = {}): Promise<CharterHandle & { clock: ManualClock | undefined }> {
  const clock = opts.clock === undefined ? new ManualClock() : undefined;
  const charter = await startCharter({ tickMs: 0, seed: 1, testApi: true, ...(clock ? { clock } : {}), ...opts });
  t.teardown(() => charter.close());
  return Object.assign(charter, { clock });
}

/** fetch JSON from the Charter: status, headers and the parsed body. */
export async function call(
  charter: { url: string },
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string>; raw?: string } = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const headers: Record<string, string> = { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers };
  const res = await fetch(`${charter.url}${path}`, { method, headers, ...(opts.raw !== undefined ? { body: opts.raw } : opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // /metrics is text
  }
  return { status: res.status, headers: res.headers, body };
}

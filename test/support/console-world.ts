/**
 * A service (in-process, real HTTP on 127.0.0.1) over the reference Charter with the
 * console tests' own rule set (test/data/rules/console: a HIGH-risk scale-up) and approval
 * required at high risk, so an injected committee_overload leaves an action waiting.
 */
import path from 'node:path';
import type { Approval } from '../../src/types/knowledge.js';
import { serviceWorld, type ServiceWorld } from './service-harness.js';
import { REPO_ROOT, waitUntil } from './stack.js';

export const CONSOLE_TOKEN = 'console-test-token';
export const CONSOLE_RULES = path.join(REPO_ROOT, 'test/data/rules/console');
export const CONSOLE_EXECUTOR = { approvalRisk: 'high', cooldownMs: 0, hysteresis: { minCycles: 1 } } as const;

export function consoleWorld(t: { teardown(fn: () => Promise<void>): void }, config: Record<string, unknown> = {}): Promise<ServiceWorld> {
  return serviceWorld(t, {
    config: { rules: [CONSOLE_RULES], apiToken: CONSOLE_TOKEN, intervalMs: 500, ...config },
    parts: { executorOptions: CONSOLE_EXECUTOR },
  });
}

/** Injects committee_overload on `committee` and waits until its scale-up waits for approval. */
export async function waitingApproval(w: ServiceWorld, committee: string, timeoutMs = 20_000): Promise<Approval> {
  w.charter.faults.inject('committee_overload', committee);
  return waitUntil(
    async () => (await w.store.listApprovals(['waiting'])).find((a) => a.action.target === committee),
    timeoutMs,
    `an approval waiting for ${committee}`,
    100,
  );
}

export function postVerdict(url: string, id: string, body: unknown, token: string | null = CONSOLE_TOKEN): Promise<Response> {
  return fetch(`${url}/api/v1/approvals/${encodeURIComponent(id)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token !== null ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

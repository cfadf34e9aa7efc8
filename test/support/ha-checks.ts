/**
 * What the HA suites check after every case, and the remediation they drive: a bad rollout
 * injected into the reference Charter, remediated by whichever replica leads.
 */
import type { ExecutionContext } from 'ava';
import type { ExecutionRecord } from '../../src/types/execution.js';
import { writesOutsideTenure, type HaWorld } from './ha-world.js';
import { waitUntil } from './stack.js';

/** Injects a bad rollout of `policy`; resolves once a rollback of it is recorded succeeded. */
export async function remediate(w: HaWorld, policy: string, ms = 60_000): Promise<ExecutionRecord> {
  const f = w.charter.faults.inject('bad_rollout', policy);
  try {
    await waitUntil(() => (w.charter.faults.get(f.id)?.state === 'cleared' ? true : undefined), ms, `the bad rollout of ${policy} cleared`, 100);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${await story(w)}`);
  }
  return waitUntil(async () => (await w.executions()).find((r) => r.action.target === policy && r.status === 'succeeded'), ms, `a succeeded rollback of ${policy} in the store`, 200);
}

/** Resolves the first record (any status) of an action on `policy` once one exists. */
export function intentOf(w: HaWorld, policy: string, pred: (r: ExecutionRecord) => boolean = () => true, ms = 45_000): Promise<ExecutionRecord> {
  return waitUntil(async () => (await w.executions()).find((r) => r.action.target === policy && pred(r)), ms, `an intent on ${policy}`, 50);
}

/** When the replica in `slot` logged `msg` (epoch ms) at or after `after`, waiting for it. */
export async function loggedAt(w: HaWorld, slot: number, msg: string, after: number, ms = 20_000): Promise<number> {
  const l = await w.replicas[slot]!.waitForLog((x) => x['msg'] === msg && Date.parse(String(x['time'])) >= after, ms, msg);
  return Date.parse(String(l['time']));
}

/**
 * Exactly once, since `since`: every execution that wrote has one applied Charter write under
 * its key, and no key (nor keyless path) was applied twice. Resolves the executions that
 * wrote and a sentence per violation (none when it held).
 */
export async function appliedOnce(w: HaWorld, since: string): Promise<{ wrote: ExecutionRecord[]; violations: string[] }> {
  const perKey = new Map<string, number>();
  for (const x of w.appliedWrites(since)) {
    const key = x.idempotencyKey ?? `(no key) ${x.path}`;
    perKey.set(key, (perKey.get(key) ?? 0) + 1);
  }
  const wrote = (await w.executions()).filter((r) => r.createdAt >= since && ['applied', 'succeeded', 'failed', 'rolled_back'].includes(r.status) && r.action.type !== 'notify');
  const missing = wrote.filter((r) => !perKey.has(r.key)).map((r) => `${r.key} (${r.status}): no applied Charter write under its key`);
  const twice = [...perKey.entries()].filter(([, n]) => n > 1).map(([key, n]) => `${key}: applied ${n} times`);
  return { wrote, violations: [...missing, ...twice] };
}

/**
 * The case's invariants: exactly one applied Charter write per remediation (each execution
 * that wrote, under its key) and none without one, since `since`; no decision committed
 * outside its replica's tenure; no record left half-done; `mapek knowledge audit` agrees.
 * Resolves how many remediations wrote.
 */
export async function checkInvariants(t: ExecutionContext, w: HaWorld, since: string): Promise<number> {
  const { wrote, violations } = await appliedOnce(w, since);
  t.deepEqual(violations, [], 'one applied write per remediation, no key applied twice');
  const records = await w.executions();
  t.deepEqual(await writesOutsideTenure(w), [], 'a deposed leader recorded nothing after it lost the lease');
  t.deepEqual(records.filter((r) => r.status === 'pending' || r.status === 'rolling_back').map((r) => `${r.key} ${r.status}`), [], 'nothing left half-done');
  const audit = await w.audit();
  t.deepEqual(audit.disagreements.map((d) => d.message), [], 'mapek knowledge audit');
  return wrote.length;
}

/** What the replicas said lately (not the per-cycle lines) and the store's records: for a failure message. */
export async function story(w: HaWorld): Promise<string> {
  const lines = w.replicas.flatMap((r, slot) => (r?.logs() ?? []).filter((l) => !['cycle done', 'cycle start', 'planned', 'webhook'].includes(String(l['msg']))).slice(-15).map((l) => `r${slot}: ${JSON.stringify(l)}`));
  const recs = (await w.executions()).map((r) => `${r.key} ${r.status} ${r.error ?? ''}`);
  return [...lines, ...recs].join('\n');
}

/** ms between two ISO times. */
export const between = (from: number, isoTo: unknown): number => Date.parse(String(isoTo)) - from;

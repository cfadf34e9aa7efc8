/**
 * One failover trial on the HA world (bench section 11). Charter holds every policy write for
 * HOLD_MS; a bad rollout of `policy` is injected; once the leader has journaled its intent
 * with the prior state (it sends the write right after), the leader is SIGKILLed while that
 * write is held, and the hold is lifted. From the kill: the new leader's 'leader lease
 * acquired' log line, and its first Charter write (Charter's write log: `at` is when Charter
 * handled it). The killed leader's held write lands HOLD_MS after it was sent, so it is told
 * apart by its time; the new leader's re-send comes seconds earlier. Then the remediation is
 * left to finish (fault cleared, intent verified), the killed slot restarted and seen a
 * standby, and Charter's writes since the trial began checked: one applied write per key.
 */
import type { FaultRecord, WriteRecord } from '../../src/charter/index.js';
import type { ExecutionRecord } from '../../src/types/execution.js';
import { appliedOnce, intentOf, loggedAt } from '../../test/support/ha-checks.js';
import type { HaWorld } from '../../test/support/ha-world.js';
import { waitUntil } from '../../test/support/stack.js';
import { sleep } from './section.js';

/** How long Charter holds a policy write: far past the failover, so the killed leader's write lands after the new leader's. */
export const HOLD_MS = 10_000;
/** Between the journaled intent (the write is sent right after it) and the SIGKILL: the write is surely held by then. */
const IN_FLIGHT_MS = 1_000;

/** What became of the killed leader's write. */
export type HeldWrite = 'replayed after the new leader acted' | 'applied after the kill' | 'landed before the kill' | 'never reached Charter' | 'unknown';

export interface Trial {
  readonly n: number;
  readonly policy: string;
  /** Replica ids. */
  readonly killed: string;
  readonly next?: string;
  /** From the SIGKILL, ms. */
  readonly electedMs?: number;
  readonly resumedMs?: number;
  readonly firstWriteMs?: number;
  /** The new leader's first write was the killed leader's intent re-sent (same Idempotency-Key). */
  readonly resent?: boolean;
  readonly held: HeldWrite;
  /** Exactly-once violations in Charter's write log, and writes between the kill and the election. */
  readonly violations: readonly string[];
  /** The fault was still active when the trial ended and was cleared by hand. */
  readonly clearedByHand: boolean;
  /** Why the trial failed (a wait that timed out); undefined when it completed. */
  readonly error?: string;
}

interface Measured {
  next?: string;
  electedMs?: number;
  resumedMs?: number;
  firstWriteMs?: number;
  resent?: boolean;
  intent?: ExecutionRecord;
  killedAt?: number;
  violations: string[];
}

const idOfLeader = (h: Record<string, unknown> | undefined): string | undefined => (h?.['leader'] as { id: string } | null | undefined)?.id;

/** Waits until all three replicas answer, one leads and the others are standbys naming it; resolves its slot. */
export async function settledLeader(w: HaWorld, ms = 20_000): Promise<number> {
  return waitUntil(async () => {
    const hs = await w.health();
    const leader = hs.findIndex((h) => h?.['role'] === 'leader');
    if (leader < 0) return undefined;
    const ok = hs.every((h, slot) => h?.['role'] === (slot === leader ? 'leader' : 'standby') && idOfLeader(h) === w.idOf(leader));
    return ok ? leader : undefined;
  }, ms, 'one leader and two standbys naming it', 100);
}

function heldOutcome(w: HaWorld, m: Measured): HeldWrite {
  const { intent, killedAt } = m;
  if (intent?.sentAt === undefined || killedAt === undefined) return 'unknown';
  const keyed = w.charter.writes.list().filter((x) => x.idempotencyKey === intent.key);
  if (keyed.some((x) => Date.parse(x.at) <= killedAt)) return 'landed before the kill';
  const held = keyed.find((x) => Date.parse(x.at) >= Date.parse(intent.sentAt!) + HOLD_MS);
  if (held !== undefined) return held.replayed ? 'replayed after the new leader acted' : 'applied after the kill';
  return Date.now() >= Date.parse(intent.sentAt) + HOLD_MS + 500 ? 'never reached Charter' : 'unknown';
}

/** Sleeps until the killed leader's held write has surely landed (so that it is in this trial's log, not the next one's). */
async function untilHeldLanded(m: Measured): Promise<void> {
  const sent = m.intent?.sentAt;
  if (sent !== undefined) await sleep(Math.max(0, Date.parse(sent) + HOLD_MS + 500 - Date.now()));
}

async function measure(w: HaWorld, leader: number, policy: string, since: string, fault: FaultRecord, m: Measured): Promise<void> {
  const killed = w.idOf(leader);
  const intent = await intentOf(w, policy, (r) => r.createdAt >= since && r.sentAt !== undefined, 30_000);
  m.intent = intent;
  const owner = w.cycleOwners().get(intent.cycleId);
  if (owner !== killed) throw new Error(`the intent on ${policy} was journaled by ${owner ?? 'an unknown replica'}, not by the leader ${killed}`);
  await sleep(IN_FLIGHT_MS);
  const killedAt = Date.now();
  m.killedAt = killedAt;
  await w.replicas[leader]!.kill();
  w.charter.clientFaults.set({ latencyMs: 0 });
  const next = await w.waitForLeader('a new leader', leader, 15_000);
  m.next = w.idOf(next);
  const electedAt = await loggedAt(w, next, 'leader lease acquired', killedAt, 5_000);
  m.electedMs = electedAt - killedAt;
  const heldAt = Date.parse(intent.sentAt!) + HOLD_MS;
  const held = (x: WriteRecord): boolean => x.idempotencyKey === intent.key && Date.parse(x.at) >= heldAt;
  const first = await waitUntil(() => w.charter.writes.list().find((x) => Date.parse(x.at) > killedAt && !held(x)), 15_000, 'the new leader\'s first Charter write', 20);
  m.firstWriteMs = Date.parse(first.at) - killedAt;
  m.resent = first.idempotencyKey === intent.key;
  if (Date.parse(first.at) < electedAt) m.violations.push(`${first.method} ${first.path} at ${first.at}, before the new leader was elected`);
  m.resumedMs = (await loggedAt(w, next, 'leader: cycles resume', killedAt, 5_000)) - killedAt;
  // All settled, not the first rejection: the slot must not be started twice.
  const done = await Promise.allSettled([
    w.start(leader),
    waitUntil(() => (w.charter.faults.get(fault.id)?.state === 'cleared' ? true : undefined), 30_000, `the bad rollout of ${policy} cleared`, 100),
    waitUntil(async () => (await w.executions()).find((r) => r.key === intent.key && r.status === 'succeeded'), 45_000, 'the intent verified by the new leader', 200),
  ]);
  for (const d of done) if (d.status === 'rejected') throw d.reason;
  await untilHeldLanded(m);
  await waitUntil(async () => ((await w.health())[leader]?.['role'] === 'standby' ? true : undefined), 20_000, `the restarted ${w.idOf(leader)} a standby`, 100);
  m.violations.push(...(await appliedOnce(w, since)).violations);
}

/** Runs trial `n` on `policy` (no fault of it active); never throws: a failed wait is the trial's `error`, and the world is put back (three replicas, no fault, no hold). */
export async function runTrial(w: HaWorld, n: number, policy: string): Promise<Trial> {
  const since = new Date().toISOString();
  const leader = await settledLeader(w).catch(() => undefined);
  if (leader === undefined) return { n, policy, killed: '?', held: 'unknown', violations: [], clearedByHand: false, error: 'no settled leader with two standbys within 20 s' };
  const killed = w.idOf(leader);
  const m: Measured = { violations: [] };
  let error: string | undefined;
  w.charter.clientFaults.set({ latencyMs: HOLD_MS, routes: ['/api/v1/policies'], methods: ['POST', 'PUT'] });
  const fault = w.charter.faults.inject('bad_rollout', policy);
  try {
    await measure(w, leader, policy, since, fault, m);
  } catch (err) {
    error = (err as Error).message;
  } finally {
    w.charter.clientFaults.set({ latencyMs: 0 });
  }
  const clearedByHand = w.charter.faults.get(fault.id)?.state === 'active';
  if (clearedByHand) w.charter.faults.clear(fault.id);
  const r = w.replicas[leader];
  if (r === undefined || r.child.exitCode !== null || r.child.signalCode !== null) await w.start(leader).catch((err: unknown) => (error ??= `restarting slot ${leader}: ${(err as Error).message}`));
  if (error !== undefined) await untilHeldLanded(m);
  const { next, electedMs, resumedMs, firstWriteMs, resent, violations } = m;
  return { n, policy, killed, next, electedMs, resumedMs, firstWriteMs, resent, held: heldOutcome(w, m), violations, clearedByHand, ...(error !== undefined ? { error } : {}) };
}

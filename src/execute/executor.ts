/** The composition root of Execute: the stages wired by plain composition. */
import type { Candidate, Decision, DuplicateIntent } from '../types/decision.js';
import type { ExecutionRecord } from '../types/execution.js';
import type { BreakerState, Executor, ExecutorDebt, PendingVerification, RepeatedRefusal } from '../types/executor.js';
import type { Snapshot } from '../types/snapshot.js';
import { loadGuardMemory, saveHysteresis } from './guard-memory.js';
import { closeRejected } from './dedup-stage.js';
import { recordDecisions, rememberRefusals, type ScreenedPlan } from './decision-stage.js';
import type { ExecutorDeps } from './deps.js';
import { isDuplicate, nextBest, releaseUnstarted, runCandidate, screen, type Screened } from './pipeline.js';
import { abandonStale, recover } from './recover.js';
import { behindCount, flushBehind, readRecord } from './record.js';
import { errorText } from './retry.js';
import { recordShadow } from './shadow-stage.js';
import { createState, type ExecState } from './state.js';
import { dueKeys, verifyOne, VERIFY_RETRY_MS } from './verify-stage.js';

/**
 * Moves due verifications VERIFY_RETRY_MS ahead: they are checked again later, and the
 * controller (which wakes up for the next due one) does not spin on a time in the past.
 */
function postpone(st: ExecState, due: readonly string[], msg: string, fields: Readonly<Record<string, unknown>>): void {
  const at = st.now() + VERIFY_RETRY_MS;
  for (const key of due) st.queue.set(key, at);
  st.log.warn(msg, { ...fields, due: due.length, retryInMs: VERIFY_RETRY_MS });
}

/** `cycleId`: the cycle verifying (a next-best attempt is recorded under it), if any. */
async function verifyDue(st: ExecState, signal?: AbortSignal, cycleId?: string): Promise<ExecutionRecord[]> {
  const due = dueKeys(st, st.now());
  if (due.length === 0) return [];
  let snapshot: Snapshot;
  try {
    snapshot = await st.monitor.observe();
  } catch (err) {
    postpone(st, due, 'verification postponed: monitor failed', { error: errorText(err) });
    return [];
  }
  if (snapshot.sources.charter?.ok === false) {
    // A verdict on a partial view would teach the learner noise (facts missing → inconclusive).
    postpone(st, due, 'verification postponed: Charter unavailable', { error: snapshot.sources.charter.error });
    return [];
  }
  const out: ExecutionRecord[] = [];
  for (const key of due) {
    if (signal?.aborted === true) break; // the rest stay queued (and are re-queued by recover() after a restart)
    try {
      const r = await verifyOne(st, key, snapshot);
      if (!r) continue;
      out.push(r);
      if (r.verify === 'failed' && r.status !== 'rolling_back') out.push(...(await nextBest(st, r, snapshot, cycleId)));
    } catch (err) {
      st.log.error('verification failed to run', { key, error: errorText(err) });
    }
  }
  return out;
}

/** Next-best attempts for executions whose undo recovery finished (recovery has no snapshot). */
async function nextBestAfterRecovery(st: ExecState, snapshot: Snapshot, cycleId: string): Promise<ExecutionRecord[]> {
  const out: ExecutionRecord[] = [];
  for (const key of [...st.nextBestDue]) {
    st.nextBestDue.delete(key);
    try {
      const r = await readRecord(st, key);
      if (r) out.push(...(await nextBest(st, r, snapshot, cycleId)));
    } catch (err) {
      st.log.error('next-best after recovery failed to run', { key, error: errorText(err) });
    }
  }
  return out;
}

function abortReason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  return r instanceof Error ? r.message : typeof r === 'string' ? r : 'the cycle was stopped';
}

function duplicateOf(c: Candidate, s: Screened): DuplicateIntent {
  const r = s.seen.kind === 'new' ? undefined : s.seen.record;
  return { ruleId: c.ruleId, target: c.action.target, key: s.key, executionId: r?.id ?? '', status: r?.status ?? 'unknown', cycleId: r?.cycleId ?? '' };
}

interface Todo {
  readonly d: Decision;
  readonly c: Candidate;
  readonly s: Screened;
}

/**
 * Runs the chosen actions one after another. When `signal` aborts (shutdown, timeout) the
 * action in flight finishes, and every action not yet started is recorded `released` at
 * once — while the one in flight may still be waiting for Charter — so that they are on
 * record even if the store is closed before that action returns.
 */
async function runAll(st: ExecState, todo: readonly Todo[], snapshot: Snapshot, cycleId: string, signal?: AbortSignal): Promise<ExecutionRecord[]> {
  const out: ExecutionRecord[] = [];
  let started = 0;
  let releasing: Promise<void> | undefined;
  const releaseRest = (): Promise<void> =>
    (releasing ??= (async () => {
      const why = signal ? abortReason(signal) : 'the cycle was stopped';
      for (const { d, c, s } of todo.slice(started)) {
        try {
          out.push(...(await releaseUnstarted(st, d, c, s, cycleId, why)));
        } catch (err) {
          st.log.error('action not started and not recorded', { cycleId, decision: d.id, rule: c.ruleId, error: errorText(err) });
        }
      }
    })());
  const onAbort = (): void => void releaseRest();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    while (started < todo.length && signal?.aborted !== true) {
      const { d, c, s } = todo[started++] as Todo;
      try {
        out.push(...(await runCandidate(st, { decision: d, candidate: c, snapshot, cycleId, fallback: false }, s)));
      } catch (err) {
        st.log.error('action failed to run', { cycleId, decision: d.id, rule: c.ruleId, error: errorText(err) });
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted === true) await releaseRest();
  return out;
}

/** The shared state with a logger that adds `cycleId` to every line (maps and sets shared). */
function cycleState(st: ExecState, cycleId: string): ExecState {
  const add = (f?: Readonly<Record<string, unknown>>): Record<string, unknown> => ({ cycleId, ...f });
  return { ...st, log: { info: (m, f) => st.log.info(m, add(f)), warn: (m, f) => st.log.warn(m, add(f)), error: (m, f) => st.log.error(m, add(f)) } };
}

export function createExecutor(deps: ExecutorDeps): Executor & { readonly options: ExecState['o'] } {
  const shared = createState(deps);
  const st = shared;
  let recoverAgain = false;
  let lastUnrecorded: ReadonlyMap<string, string> = new Map();
  let lastRefusedAgain: readonly RepeatedRefusal[] = [];
  let guardsLoaded: Promise<void> | undefined;
  // Once, before the executor first acts or verifies: a restart keeps an open breaker open.
  const loadOnce = (): Promise<void> => (guardsLoaded ??= loadGuardMemory(st));

  const doRecover = async (): Promise<ExecutionRecord[]> => {
    await loadOnce();
    const { records, incomplete } = await recover(st);
    recoverAgain = incomplete;
    return records;
  };

  return {
    options: st.o,

    async execute(decisions: readonly Decision[], snapshot: Snapshot, cycleId: string, signal?: AbortSignal): Promise<readonly ExecutionRecord[]> {
      // Every line logged while this cycle executes carries its cycle id.
      const st = cycleState(shared, cycleId);
      const out: ExecutionRecord[] = [];
      lastUnrecorded = new Map();
      lastRefusedAgain = [];
      await loadOnce();
      // Charter down: reconciling and verifying would rest on a partial view; both wait for
      // a cycle that sees Charter. Each chosen action is still recorded (charter_unavailable).
      const charterDown = snapshot.sources.charter?.ok === false;
      try {
        // Records the store did not take are written first, so that what follows reads them.
        await flushBehind(shared);
        if ((recoverAgain || shared.needsReconcile.size > 0) && !charterDown) out.push(...(await doRecover()));
        await st.store.syncApprovals();
        await closeRejected(st);
        out.push(...(await abandonStale(st)));
      } catch (err) {
        st.log.error('execute: housekeeping failed', { cycleId, error: errorText(err) });
      }
      if (charterDown) {
        const due = dueKeys(st, st.now());
        if (due.length > 0) postpone(st, due, 'verification postponed: Charter unavailable', { cycleId, error: snapshot.sources.charter?.error });
      } else if (signal?.aborted !== true) {
        out.push(...(await verifyDue(st, signal, cycleId)));
        out.push(...(await nextBestAfterRecovery(st, snapshot, cycleId)));
      }
      st.hysteresis.observe(cycleId, decisions.filter((d) => d.chosen.length > 0).map((d) => d.incidentId), st.now());
      await saveHysteresis(st);
      // Screen every chosen action first, so that each stored decision says which already
      // have an intent (and whose); then store the cycle's decisions in one write, before
      // any intent: every chosen action is accounted for, and no action runs unrecorded.
      // A decision that repeats the incident's last recorded one unchanged, with nothing to
      // run, is not stored again within the refresh period (decision-stage.ts).
      const plans: ScreenedPlan[] = [];
      for (const d of decisions) {
        const screened: { c: Candidate; s: Screened }[] = [];
        for (const c of d.chosen) {
          try {
            screened.push({ c, s: await screen(st, d, c, snapshot) });
          } catch (err) {
            st.log.error('action failed to run', { cycleId, decision: d.id, rule: c.ruleId, error: errorText(err) });
          }
        }
        const duplicates = screened.flatMap(({ c, s }) => (isDuplicate(s) ? [duplicateOf(c, s)] : []));
        plans.push({ d: duplicates.length > 0 ? { ...d, duplicates } : d, screened });
      }
      const { saved, unrecorded, refusals } = await recordDecisions(st, plans, snapshot, cycleId);
      lastUnrecorded = unrecorded;
      lastRefusedAgain = refusals;
      out.push(...(await recordShadow(st, plans.filter((p) => saved.has(p.d.id)).map((p) => p.d), snapshot, cycleId)));
      const todo: Todo[] = [];
      for (const { d, screened } of plans) {
        if (!saved.has(d.id)) continue;
        for (const { c, s } of screened) {
          if (s.seen.kind === 'closed') out.push(s.seen.record); // an approval rejected or expired just now
          if (!isDuplicate(s)) todo.push({ d, c, s });
        }
      }
      const ran = await runAll(st, todo, snapshot, cycleId, signal);
      rememberRefusals(st, plans, saved, ran, cycleId);
      out.push(...ran);
      return out;
    },

    verifyDue: async () => {
      await loadOnce();
      return verifyDue(st);
    },

    recover: doRecover,

    unrecorded: () => lastUnrecorded,

    refusedAgain: () => lastRefusedAgain,

    async reloadState(): Promise<void> {
      guardsLoaded = loadGuardMemory(st);
      await guardsLoaded;
    },

    pending(): readonly PendingVerification[] {
      return [...st.queue].map(([key, dueAt]) => ({ key, dueAt })).sort((a, b) => a.dueAt - b.dueAt);
    },

    async drain(): Promise<readonly ExecutionRecord[]> {
      const out: ExecutionRecord[] = [];
      while (st.queue.size > 0) {
        const next = Math.min(...st.queue.values());
        const wait = next - st.now();
        if (wait > 0) await st.sleep(wait);
        out.push(...(await verifyDue(st)));
      }
      return out;
    },

    breaker(): BreakerState {
      return st.breaker.state(st.now());
    },

    debt(): ExecutorDebt {
      return { behind: behindCount(st), reconciling: st.needsReconcile.size };
    },
  };
}

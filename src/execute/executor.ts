/** The composition root of Execute: the stages wired by plain composition. */
import type { Decision } from '../types/decision.js';
import type { ExecutionRecord } from '../types/execution.js';
import type { BreakerState, Executor, PendingVerification } from '../types/executor.js';
import type { Snapshot } from '../types/snapshot.js';
import { loadBreaker } from './breaker-store.js';
import { closeRejected } from './dedup-stage.js';
import type { ExecutorDeps } from './deps.js';
import { nextBest, runCandidate } from './pipeline.js';
import { recover } from './recover.js';
import { errorText } from './retry.js';
import { createState, type ExecState } from './state.js';
import { dueKeys, verifyOne } from './verify-stage.js';

async function verifyDue(st: ExecState): Promise<ExecutionRecord[]> {
  const due = dueKeys(st, st.now());
  if (due.length === 0) return [];
  let snapshot: Snapshot;
  try {
    snapshot = await st.monitor.observe();
  } catch (err) {
    st.log.warn('verification postponed: monitor failed', { error: errorText(err) });
    return [];
  }
  const out: ExecutionRecord[] = [];
  for (const key of due) {
    try {
      const r = await verifyOne(st, key, snapshot);
      if (!r) continue;
      out.push(r);
      if (r.verify === 'failed') out.push(...(await nextBest(st, r, snapshot)));
    } catch (err) {
      st.log.error('verification failed to run', { key, error: errorText(err) });
    }
  }
  return out;
}

export function createExecutor(deps: ExecutorDeps): Executor & { readonly options: ExecState['o'] } {
  const st = createState(deps);
  let recoverAgain = false;
  let breakerLoaded: Promise<void> | undefined;
  // Once, before the executor first acts or verifies: a restart keeps an open breaker open.
  const loadOnce = (): Promise<void> => (breakerLoaded ??= loadBreaker(st));

  const doRecover = async (): Promise<ExecutionRecord[]> => {
    await loadOnce();
    const { records, incomplete } = await recover(st);
    recoverAgain = incomplete;
    return records;
  };

  return {
    options: st.o,

    async execute(decisions: readonly Decision[], snapshot: Snapshot, cycleId: string): Promise<readonly ExecutionRecord[]> {
      const out: ExecutionRecord[] = [];
      await loadOnce();
      try {
        if (recoverAgain) out.push(...(await doRecover()));
        await st.store.syncApprovals();
        await closeRejected(st);
      } catch (err) {
        st.log.error('execute: housekeeping failed', { cycleId, error: errorText(err) });
      }
      out.push(...(await verifyDue(st)));
      st.hysteresis.observe(cycleId, decisions.filter((d) => d.chosen.length > 0).map((d) => d.incidentId), st.now());
      for (const d of decisions) {
        try {
          await st.store.saveDecision(d);
        } catch (err) {
          st.log.error('decision not recorded; its actions are skipped', { decision: d.id, error: errorText(err) });
          continue;
        }
        for (const c of d.chosen) {
          try {
            out.push(...(await runCandidate(st, { decision: d, candidate: c, snapshot, cycleId, fallback: false })));
          } catch (err) {
            st.log.error('action failed to run', { decision: d.id, rule: c.ruleId, error: errorText(err) });
          }
        }
      }
      return out;
    },

    verifyDue: async () => {
      await loadOnce();
      return verifyDue(st);
    },

    recover: doRecover,

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
  };
}

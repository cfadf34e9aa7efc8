/**
 * The executor loop of the learning bench, in process. What is real: the knowledge store
 * (MemoryKnowledgeStore), the service's learning step (`relearn`, as the service calls it
 * after every cycle that verified something), the planner's weight rule (priority × the
 * situated weight, else the rule's, else 1) and the executor's escalation test
 * (`expectedSuccess` from src/execute/escalate.ts). What is modelled: the Charter (a seeded
 * draw per incident and rule against the world's true probability), the executor's
 * next-best order (plan-time effective priority, at most 1 + maxFallbacks attempts,
 * candidates below the threshold skipped) and time: a fix costs `fixMs` and every further
 * attempt `retryMs`, the medians measured on the real service at the bench's time scale
 * (sixth session: 180 ms for a first-attempt fix, 1,720 ms for a fix at the second attempt).
 * `LEARNING_BENCH=model` runs only this model (seconds, not half an hour), with learner
 * options from `LEARNING_MODEL_OPTIONS` (JSON), to compare learner settings before the real run.
 */
import { expectedSuccess } from '../../src/execute/escalate.js';
import { seededStream } from '../../src/knowledge/beta.js';
import { MemoryKnowledgeStore } from '../../src/knowledge/memory-store.js';
import { relearn } from '../../src/knowledge/relearn.js';
import type { LearnerOptions, PlanRuleInfo } from '../../src/knowledge/learner.js';
import type { Candidate } from '../../src/types/decision.js';
import { situatedKey } from '../../src/types/rules.js';
import type { World, WorldRule } from './learning-worlds.js';

export type Mode = 'learner on' | 'learner off' | 'oracle';

export interface LoopOptions {
  readonly maxFallbacks: number;
  readonly minExpectedSuccess: number;
  /** Modelled time to remediate at the first attempt. */
  readonly fixMs: number;
  /** Modelled time each further attempt adds (a failed verification, then the next action). */
  readonly retryMs: number;
  /** Learner options passed to `relearn` (default: the service's). */
  readonly learner?: Partial<LearnerOptions>;
}

export const DEFAULT_LOOP: LoopOptions = { maxFallbacks: 2, minExpectedSuccess: 0.15, fixMs: 180, retryMs: 1_540 };

export interface IncidentRun {
  readonly n: number;
  readonly kind: string;
  readonly first: string;
  /** The first choice was the action with the highest true probability for this kind now. */
  readonly firstBest: boolean;
  readonly firstSuccess: boolean;
  readonly attempts: number;
  readonly remediated: boolean;
  readonly escalated: boolean;
  /** Modelled: fixMs + retryMs per attempt after the first, up to the successful one (or the escalation). */
  readonly ttrMs: number;
}

export interface WorldRun {
  readonly incidents: readonly IncidentRun[];
  /** Weight changes the learner saved for notify rules (must be 0). */
  readonly notifyChanges: number;
}

const T0 = Date.UTC(2026, 10, 1);
const iso = (ms: number): string => new Date(ms).toISOString();

function bestOf(rules: readonly WorldRule[], kind: string, n: number): string {
  return [...rules].sort((a, b) => b.p(kind, n) - a.p(kind, n) || (a.id < b.id ? -1 : 1))[0]?.id ?? '';
}

const asCandidate = (r: WorldRule, eff: number): Candidate => ({ rule: `${r.id}@1`, ruleId: r.id, priority: r.priority, weight: eff / r.priority, effectivePriority: eff, utility: (r.benefit - r.cost) * r.declared, action: { type: 'reload_policies', target: 'x', params: {}, cost: r.cost, benefit: r.benefit, risk: 'low', verify: { afterMs: r.verifyMs, conditions: { all: [] } }, cooldownMs: 0 } });

export async function runWorld(w: World, seed: number, mode: Mode, incidents: number, o: LoopOptions = DEFAULT_LOOP): Promise<WorldRun> {
  const store = new MemoryKnowledgeStore();
  for (const [id, to] of Object.entries(w.initialWeights)) await store.saveWeightChange({ ruleId: id, from: 1, to, samples: 0, successRate: 0, reason: 'bench: initial weights', at: iso(T0) });
  const infos: PlanRuleInfo[] = w.rules.map((r) => ({ id: r.id, priority: r.priority, successProbability: r.declared, benefit: r.benefit, cost: r.cost, ...(r.notify ? { notify: true } : {}) }));
  const out: IncidentRun[] = [];
  for (let n = 1; n <= incidents; n++) {
    const kind = w.kinds[(n - 1) % w.kinds.length] ?? '';
    const serving = w.rules.filter((r) => r.kinds.includes(kind));
    const change = serving.filter((r) => r.notify !== true);
    const weights = await store.currentWeights();
    const eff = (r: WorldRule): number => r.priority * (weights[situatedKey(r.id, kind)] ?? weights[r.id] ?? 1);
    const order = [...change].sort((a, b) =>
      mode === 'oracle' ? b.p(kind, n) - a.p(kind, n) || (a.id < b.id ? -1 : 1) : eff(b) - eff(a) || (b.benefit - b.cost) * b.declared - (a.benefit - a.cost) * a.declared || (a.id < b.id ? -1 : 1),
    );
    const best = bestOf(change, kind, n);
    const start = T0 + n * 3_600_000;
    let at = start;
    let current = order[0];
    const tried = new Set<string>();
    let remediated = false;
    let escalated = false;
    let firstSuccess = false;
    const incidentId = `inc-${n}`;
    while (current !== undefined) {
      tried.add(current.id);
      const ok = seededStream(seed, `draw|${n}|${current.id}`)() < current.p(kind, n);
      if (tried.size === 1) firstSuccess = ok;
      const appliedAt = at + 1_000;
      at = appliedAt + current.verifyMs + 1_000;
      await store.recordOutcome({ key: `${incidentId}|${current.id}`, ruleId: current.id, incidentKind: kind, actionType: 'reload_policies', result: ok ? 'succeeded' : 'failed', at: iso(at), incidentId, appliedAt: iso(appliedAt) });
      if (ok) {
        // the bystander: a notify beside it "succeeds" because the alert went away
        for (const r of serving.filter((x) => x.notify === true)) await store.recordOutcome({ key: `${incidentId}|${r.id}`, ruleId: r.id, incidentKind: kind, actionType: 'notify', result: 'succeeded', at: iso(at), incidentId, appliedAt: iso(start) });
      }
      if (mode === 'learner on') await relearn(store, infos, iso(at), { ...o.learner, seed });
      if (ok) {
        remediated = true;
        break;
      }
      if (tried.size > o.maxFallbacks) {
        escalated = true;
        break;
      }
      const latest = mode === 'learner on' ? await store.latestWeightChanges() : {};
      const left = order.filter((r) => !tried.has(r.id));
      // the oracle knows the best order, not more: it escalates by the same (declared) test as learner off
      const likely = left.filter((r) => !((expectedSuccess(asCandidate(r, eff(r)), kind, latest) ?? 1) < o.minExpectedSuccess));
      current = likely[0];
      if (current === undefined) escalated = true;
    }
    out.push({ n, kind, first: order[0]?.id ?? '', firstBest: order[0]?.id === best, firstSuccess, attempts: tried.size, remediated, escalated, ttrMs: o.fixMs + o.retryMs * (tried.size - 1) });
  }
  const notifyIds = new Set(w.rules.filter((r) => r.notify === true).map((r) => r.id));
  const notifyChanges = (await store.weightHistory(1_000_000)).filter((c) => notifyIds.has(c.rule ?? c.ruleId)).length;
  return { incidents: out, notifyChanges };
}

/**
 * Incidents (of the kind, counted from `from`) until the first choice is the best action in
 * at least 4 of 5 consecutive incidents; NaN when it never is.
 */
export function incidentsUntilPrefers(best: readonly boolean[], from = 0): number {
  for (let i = from; i + 5 <= best.length; i++) if (best.slice(i, i + 5).filter(Boolean).length >= 4) return i - from + 1;
  return Number.NaN;
}

/** Times the first choice went from the best action back to a worse one, after it first preferred the best. */
export function flipsBack(best: readonly boolean[], from = 0): number {
  const k = incidentsUntilPrefers(best, from);
  if (Number.isNaN(k)) return Number.NaN;
  let flips = 0;
  for (let i = from + k; i < best.length; i++) if (best[i - 1] === true && best[i] === false) flips += 1;
  return flips;
}

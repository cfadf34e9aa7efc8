import { competitionKey } from '../../analyze/compete.js';
import type { CycleReport } from '../../loop/cycle.js';
import { incidentId as incidentIdOf, subjectOf } from '../../monitor/incidents.js';
import type { Alert } from '../../types/alert.js';
import type { KnowledgeStore } from '../../types/ports.js';
import type { DemoEvent } from './events.js';

/** The fault being watched: its incident, when it was injected and (once seen) detected. */
export interface WatchedFault {
  readonly incident: string;
  readonly injectedAt: number;
  detectedAt?: number;
}

/** mapek's own notifications (notify's "MapekNotification", label service="mapek") are not symptoms. */
export function isSymptom(a: Alert): boolean {
  return a.state === 'firing' && a.labels['service'] !== 'mapek';
}

/**
 * Turns cycle reports into the demo's timeline: detection of the watched fault, analysis,
 * plans, actions, verifications and weight changes, each told once.
 */
export class DemoTimeline {
  current: WatchedFault | undefined;
  private readonly printed = new Set<string>();
  private readonly weightsSeen = new Set<string>();
  private readonly actions = new Map<string, number>();

  /**
   * @param hysteresisCycles the executor's `hysteresis.minCycles`: an action held by that
   *   guard is told as waiting for confirmation, not as blocked.
   */
  constructor(
    private readonly emit: (e: DemoEvent) => void,
    private readonly now: () => number,
    private readonly store: KnowledgeStore,
    private readonly hysteresisCycles = 2,
  ) {}

  /** Applied or unchanged actions per incident so far. */
  actionsFor(incident: string): number {
    return this.actions.get(incident) ?? 0;
  }

  private once(key: string, e: DemoEvent): void {
    if (this.printed.has(key)) return;
    this.printed.add(key);
    this.emit(e);
  }

  onCycle(r: CycleReport): void {
    const now = this.now();
    const cur = this.current;
    if (cur && cur.detectedAt === undefined && r.snapshot) {
      const alerts = r.snapshot.alerts.filter((a) => isSymptom(a) && incidentIdOf(subjectOf(a)) === cur.incident).map((a) => a.name);
      if (alerts.length > 0) {
        cur.detectedAt = now;
        this.emit({ kind: 'detected', t: now, incident: cur.incident, alerts: [...new Set(alerts)].sort(), afterMs: now - cur.injectedAt });
      }
    }
    for (const d of r.decisions) {
      if (Object.keys(d.derived).length > 0) this.once(`analysis|${d.incidentId}|${JSON.stringify(d.derived)}`, { kind: 'analysis', t: now, incident: d.incidentId, derived: d.derived });
      for (const c of d.chosen) {
        // Only the proposals this one competed with (same competition key): a notification's
        // plan line does not carry the comparison of the remediations it never competed with.
        const key = competitionKey(c.action);
        const losers = d.candidates.filter((x) => x.rejected !== undefined && competitionKey(x.action) === key).map((x) => `${x.ruleId} (${x.rejected})`);
        this.once(`plan|${d.incidentId}|${c.rule}|${c.action.target}`, {
          kind: 'plan', t: now, incident: d.incidentId, rule: c.rule, action: c.action.type, target: c.action.target,
          why: `priority ${c.priority} × weight ${c.weight.toFixed(2)} = ${c.effectivePriority.toFixed(1)}, utility ${c.utility.toFixed(2)}`, alternatives: losers,
        });
      }
    }
    for (const x of r.executions) {
      if (x.status === 'blocked' && x.guard === 'hysteresis') {
        // "seen in 1 consecutive cycle(s), needs 2" (src/execute/guards/hysteresis.ts)
        const m = /seen in (\d+) consecutive cycle/.exec(x.guardDetail ?? '');
        const needs = Number(/needs (\d+)/.exec(x.guardDetail ?? '')?.[1] ?? this.hysteresisCycles);
        this.once(`waiting|${x.ruleId}|${x.action.target}`, { kind: 'waiting', t: now, action: x.action.type, target: x.action.target, needs, ...(m ? { seen: Number(m[1]) } : {}) });
        continue;
      }
      const detail = x.guard ? `guard ${x.guard}${x.guardDetail ? `: ${x.guardDetail}` : ''}` : x.error;
      this.once(`action|${x.ruleId}|${x.action.target}|${x.status}|${x.guard ?? ''}`, { kind: 'action', t: now, action: x.action.type, target: x.action.target, status: x.status, ...(detail ? { detail } : {}) });
      if (x.status === 'applied' || x.status === 'unchanged') this.actions.set(x.incidentId, this.actionsFor(x.incidentId) + 1);
      if (x.verify !== undefined) this.once(`verify|${x.key}|${x.verify}`, { kind: 'verification', t: now, action: x.action.type, target: x.action.target, result: x.verify });
    }
    if (r.executions.some((x) => x.verify !== undefined)) void this.weights();
  }

  /** New learner changes that moved a weight visibly (the learner re-scores every rule each time). */
  private async weights(): Promise<void> {
    const h = await this.store.weightHistory(1_000);
    const fresh = h.filter((c) => !this.weightsSeen.has(`${c.at}|${c.ruleId}`));
    for (const c of fresh) this.weightsSeen.add(`${c.at}|${c.ruleId}`);
    const visible = fresh.filter((c) => Math.abs(c.to - c.from) >= 0.05);
    if (visible.length > 0) this.emit({ kind: 'weights', t: this.now(), changes: visible.map((c) => ({ rule: c.ruleId, from: c.from, to: c.to, reason: c.reason, ...(c.situation !== undefined ? { situation: c.situation } : {}), ...(c.estimate ? { estimate: c.estimate } : {}) })) });
  }
}

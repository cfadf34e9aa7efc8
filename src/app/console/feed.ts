/**
 * The console's live state: what the last cycle saw and decided, plus the store's
 * executions, approvals and weight history; pushed to every open page as a server-sent
 * event after each cycle, rule reload and verdict (coalesced: one build per burst).
 */
import type { ServerResponse } from 'node:http';
import type { CycleReport } from '../../loop/cycle.js';
import type { Logger } from '../../observability/logger.js';
import type { Decision } from '../../types/decision.js';
import type { ExtendedKnowledgeStore } from '../../types/knowledge.js';
import type { RuleSet } from '../../types/rules.js';
import type { Snapshot } from '../../types/snapshot.js';
import { approvalsView, consoleJson, executionsView, incidentsView, learningView } from './view-model.js';

export interface ReloadNote {
  readonly at: string;
  readonly ok: boolean;
  readonly hash?: string;
  readonly issues?: readonly string[];
}

export interface FeedDeps {
  readonly store: ExtendedKnowledgeStore;
  readonly ruleSet: () => RuleSet | undefined;
  readonly health: () => Readonly<Record<string, unknown>>;
  /** Epoch ms. */
  readonly now: () => number;
  readonly log: Logger;
  /** Most executions and weight changes shown. */
  readonly limit?: number;
}

const RATE_WINDOW_MS = 5 * 60_000;
const HEARTBEAT_MS = 15_000;

export class ConsoleFeed {
  private snapshot: Snapshot | undefined;
  private decisions: readonly Decision[] = [];
  private unrecorded: ReadonlyMap<string, string> = new Map();
  private cycleTimes: number[] = [];
  private lastCycle: { id: string; status: string; at: string; durationMs: number } | undefined;
  private reload: ReloadNote | undefined;
  private readonly clients = new Set<ServerResponse>();
  private building: Promise<void> | undefined;
  private again = false;
  private heartbeat: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly d: FeedDeps) {}

  observeCycle(r: CycleReport): void {
    const now = this.d.now();
    if (r.snapshot) this.snapshot = r.snapshot;
    if (r.status === 'ok' && r.snapshot) {
      this.decisions = r.decisions;
      this.unrecorded = r.unrecorded ?? new Map();
    }
    this.cycleTimes = [...this.cycleTimes.filter((t) => now - t < RATE_WINDOW_MS), now];
    const durationMs = Object.values(r.durationsMs).reduce<number>((s, v) => s + (v ?? 0), 0);
    this.lastCycle = { id: r.cycleId, status: r.status, at: new Date(now).toISOString(), durationMs: Math.round(durationMs) };
    this.changed();
  }

  observeReload(n: ReloadNote): void {
    this.reload = n;
    this.changed();
  }

  /** The whole state, as the page renders it. */
  async state(): Promise<Record<string, unknown>> {
    const limit = this.d.limit ?? 200;
    const store = this.d.store;
    const [executions, approvals, history, weights] = await Promise.all([
      store.findExecutions({ limit }),
      store.listApprovals(),
      store.weightHistory(limit),
      store.currentWeights(),
    ]);
    const waiting = approvals.filter((a) => a.state === 'waiting');
    const byId = new Map<string, Decision>(this.decisions.map((x) => [x.id, x]));
    for (const a of waiting) {
      if (!byId.has(a.decisionId)) {
        const dec = await store.getDecision(a.decisionId);
        if (dec) byId.set(dec.id, dec);
      }
    }
    const rs = this.d.ruleSet();
    const now = this.d.now();
    const recent = this.cycleTimes.filter((t) => now - t < RATE_WINDOW_MS);
    const span = recent.length > 1 ? (recent.at(-1)! - recent[0]!) / 60_000 : 0;
    return {
      at: new Date(now).toISOString(),
      now: {
        health: this.d.health(),
        sources: this.snapshot?.sources ?? {},
        ruleSet: rs ? { hash: rs.hash, files: rs.files, sets: [...new Set(rs.rules.map((r) => r.ruleSet))], rules: rs.rules.map((r) => `${r.id}@${r.version}`) } : undefined,
        lastReload: this.reload,
        cyclesPerMinute: span > 0 ? Math.round(((recent.length - 1) / span) * 10) / 10 : undefined,
        lastCycle: this.lastCycle,
      },
      incidents: incidentsView(this.decisions, this.snapshot, this.unrecorded),
      executions: executionsView(executions, new Map(approvals.map((a) => [a.id, a]))),
      approvals: approvalsView(waiting, byId),
      decided: approvals.filter((a) => a.state !== 'waiting').sort((a, b) => (b.resolvedAt ?? '').localeCompare(a.resolvedAt ?? '')).slice(0, 10),
      learning: learningView(history, weights, rs ? rs.rules.filter((r) => r.stage === 'plan').map((r) => r.id) : []),
    };
  }

  /** Keeps `res` open as an event stream; the current state goes first. */
  subscribe(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(': connected\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    this.heartbeat ??= setInterval(() => {
      for (const c of this.clients) c.write(': ping\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref?.();
    void this.sendTo([res]);
  }

  /** Something changed: rebuild once and push to every page (coalesces overlapping calls). */
  changed(): void {
    if (this.clients.size === 0) return;
    if (this.building) {
      this.again = true;
      return;
    }
    this.building = this.sendTo([...this.clients]).finally(() => {
      this.building = undefined;
      if (this.again) {
        this.again = false;
        this.changed();
      }
    });
  }

  close(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const c of this.clients) c.end();
    this.clients.clear();
  }

  private async sendTo(targets: readonly ServerResponse[]): Promise<void> {
    let text: string;
    try {
      text = `event: state\ndata: ${consoleJson(await this.state())}\n\n`;
    } catch (err) {
      this.d.log.warn('console state failed', { error: (err as Error).message });
      return;
    }
    for (const c of targets) if (this.clients.has(c)) c.write(text);
  }
}

/**
 * The knowledge store over Collections: one implementation of every query, shared by the
 * memory and the nedb backends so that simulation and the service behave the same.
 */
import type { Decision } from '../types/decision.js';
import { MapekError } from '../types/errors.js';
import type { ExecutionRecord, ExecutionStatus, WeightChange } from '../types/execution.js';
import type { Approval, ApprovalState, ExecutionQuery, ExtendedKnowledgeStore, LoadReport, Outcome, RetentionResult } from '../types/knowledge.js';
import type { Weights } from '../types/rules.js';
import type { Collection, Filter, StoredDoc } from './collection.js';
import { LIVE_STATUSES, overflow, type RetentionOptions } from './retention.js';

export interface Collections {
  readonly decisions: Collection;
  readonly executions: Collection;
  readonly outcomes: Collection;
  readonly weights: Collection;
  readonly approvals: Collection;
  /** Small named values of the controller (circuit breaker state). */
  readonly controller: Collection;
}

/** Indexed fields per collection (nedb builds an index for each). */
export const INDEXES: Readonly<Record<keyof Collections, readonly string[]>> = {
  decisions: ['at', 'incidentId'],
  executions: ['id', 'status', 'ruleId', 'target', 'createdAt', 'decisionId'],
  outcomes: ['ruleId', 'at'],
  weights: ['ruleId', 'at'],
  approvals: ['state'],
  controller: [],
};

function parse<T>(d: StoredDoc): T {
  return JSON.parse(d.body) as T;
}

function executionDoc(r: ExecutionRecord): StoredDoc {
  return {
    _id: r.key,
    id: r.id,
    status: r.status,
    ruleId: r.ruleId,
    target: r.action.target,
    incidentId: r.incidentId,
    decisionId: r.decisionId,
    createdAt: r.createdAt,
    body: JSON.stringify(r),
  };
}

export class DocumentKnowledgeStore implements ExtendedKnowledgeStore {
  private chain: Promise<unknown> = Promise.resolve();
  private writes = 0;
  private weightSeq = 0;

  constructor(
    protected readonly c: Collections,
    private readonly retention: RetentionOptions,
    private readonly reports: readonly LoadReport[] = [],
  ) {}

  /** Serialises read-modify-write sequences within this process. */
  protected exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async wrote(): Promise<void> {
    this.writes += 1;
    if (this.writes % this.retention.retainEvery === 0) await this.retain();
  }

  loadReports(): readonly LoadReport[] {
    return this.reports;
  }

  // ------------------------------------------------------------ decisions

  async saveDecision(d: Decision): Promise<void> {
    await this.c.decisions.upsert({ _id: d.id, at: d.at, cycleId: d.cycleId, incidentId: d.incidentId, body: JSON.stringify(d) });
    await this.wrote();
  }

  async getDecision(id: string): Promise<Decision | undefined> {
    const d = await this.c.decisions.get(id);
    return d ? parse<Decision>(d) : undefined;
  }

  async recentDecisions(limit: number): Promise<readonly Decision[]> {
    return (await this.c.decisions.find({}, { sort: { field: 'at', dir: -1 }, limit })).map((d) => parse<Decision>(d));
  }

  // ------------------------------------------------------------ executions

  async recordIntent(r: ExecutionRecord): Promise<boolean> {
    const ok = await this.c.executions.insert(executionDoc(r));
    if (ok) await this.wrote();
    return ok;
  }

  async updateExecution(key: string, patch: Partial<ExecutionRecord>): Promise<void> {
    await this.exclusive(async () => {
      const d = await this.c.executions.get(key);
      if (!d) throw new MapekError(`no execution with key "${key}"`, false);
      await this.c.executions.upsert(executionDoc({ ...parse<ExecutionRecord>(d), ...patch, key }));
    });
  }

  async transition(key: string, from: readonly ExecutionStatus[], patch: Partial<ExecutionRecord>): Promise<boolean> {
    return this.exclusive(async () => {
      const d = await this.c.executions.get(key);
      if (!d) return false;
      const r = parse<ExecutionRecord>(d);
      if (!from.includes(r.status)) return false;
      await this.c.executions.upsert(executionDoc({ ...r, ...patch, key }));
      return true;
    });
  }

  async getExecution(key: string): Promise<ExecutionRecord | undefined> {
    const d = await this.c.executions.get(key);
    return d ? parse<ExecutionRecord>(d) : undefined;
  }

  async findExecutions(q: ExecutionQuery): Promise<readonly ExecutionRecord[]> {
    const f: Record<string, unknown> = {};
    if (q.status) f['status'] = { $in: [...q.status] };
    if (q.ruleId !== undefined) f['ruleId'] = q.ruleId;
    if (q.since !== undefined) f['createdAt'] = { $gte: q.since };
    if (q.target !== undefined) f['target'] = q.target;
    if (q.incidentId !== undefined) f['incidentId'] = q.incidentId;
    if (q.decisionId !== undefined) f['decisionId'] = q.decisionId;
    if (q.id !== undefined) f['id'] = q.id;
    const docs = await this.c.executions.find(f as Filter, { sort: { field: 'createdAt', dir: -1 }, ...(q.limit !== undefined ? { limit: q.limit } : {}) });
    return docs.map((d) => parse<ExecutionRecord>(d));
  }

  // ------------------------------------------------------------ outcomes and weights

  async recordOutcome(o: Outcome): Promise<void> {
    await this.c.outcomes.upsert({ _id: o.key, ruleId: o.ruleId, at: o.at, body: JSON.stringify(o) });
    await this.wrote();
  }

  async outcomes(q: { ruleId?: string; since?: string; limit?: number } = {}): Promise<readonly Outcome[]> {
    const f: Record<string, unknown> = {};
    if (q.ruleId !== undefined) f['ruleId'] = q.ruleId;
    if (q.since !== undefined) f['at'] = { $gte: q.since };
    const docs = await this.c.outcomes.find(f, { sort: { field: 'at', dir: -1 }, ...(q.limit !== undefined ? { limit: q.limit } : {}) });
    return docs.map((d) => parse<Outcome>(d)).reverse();
  }

  async saveWeightChange(w: WeightChange): Promise<void> {
    this.weightSeq += 1;
    const id = `${w.at}|${String(this.weightSeq).padStart(9, '0')}|${w.ruleId}`;
    await this.c.weights.insert({ _id: id, ruleId: w.ruleId, at: w.at, body: JSON.stringify(w) });
    await this.wrote();
  }

  async weightHistory(limit: number): Promise<readonly WeightChange[]> {
    return (await this.c.weights.find({}, { sort: { field: '_id', dir: -1 }, limit })).map((d) => parse<WeightChange>(d));
  }

  async currentWeights(): Promise<Weights> {
    const out: Record<string, number> = {};
    for (const [id, w] of Object.entries(await this.latestWeightChanges())) out[id] = w.to;
    return out;
  }

  async latestWeightChanges(): Promise<Readonly<Record<string, WeightChange>>> {
    const out: Record<string, WeightChange> = {};
    for (const d of await this.c.weights.find({}, { sort: { field: '_id', dir: 1 } })) {
      const w = parse<WeightChange>(d);
      out[w.ruleId] = w;
    }
    return out;
  }

  // ------------------------------------------------------------ approvals

  async requestApproval(a: Approval): Promise<void> {
    await this.c.approvals.upsert({ _id: a.id, state: a.state, requestedAt: a.requestedAt, body: JSON.stringify(a) });
    await this.wrote();
  }

  async getApproval(id: string): Promise<Approval | undefined> {
    const d = await this.c.approvals.get(id);
    return d ? parse<Approval>(d) : undefined;
  }

  async listApprovals(states?: readonly ApprovalState[]): Promise<readonly Approval[]> {
    const f = states ? { state: { $in: [...states] } } : {};
    return (await this.c.approvals.find(f, { sort: { field: 'requestedAt', dir: 1 } })).map((d) => parse<Approval>(d));
  }

  async resolveApproval(id: string, state: 'approved' | 'rejected', by: string, reason?: string, at = new Date().toISOString()): Promise<Approval | undefined> {
    return this.exclusive(async () => {
      const a = await this.getApproval(id);
      if (!a || a.state !== 'waiting') return undefined;
      const next: Approval = { ...a, state, resolvedAt: at, resolvedBy: by, ...(reason !== undefined ? { reason } : {}) };
      await this.c.approvals.upsert({ _id: id, state, requestedAt: a.requestedAt, body: JSON.stringify(next) });
      return next;
    });
  }

  async syncApprovals(): Promise<readonly Approval[]> {
    return [];
  }

  // ------------------------------------------------------------ controller state

  async loadControllerState(name: string): Promise<unknown> {
    const d = await this.c.controller.get(name);
    return d ? JSON.parse(d.body) : undefined;
  }

  async saveControllerState(name: string, value: unknown): Promise<void> {
    await this.c.controller.upsert({ _id: name, body: JSON.stringify(value) });
  }

  // ------------------------------------------------------------ retention

  async retain(): Promise<RetentionResult> {
    const r = this.retention;
    const byAge = async (c: Collection, field: string): Promise<{ id: string; doc: StoredDoc }[]> =>
      (await c.find({}, { sort: { field, dir: 1 } })).map((doc) => ({ id: doc._id, doc }));
    const removed: Record<string, number> = {};

    const decisions = await byAge(this.c.decisions, 'at');
    removed['decisions'] = await this.c.decisions.remove(overflow(decisions, r.maxDecisions));

    const live: readonly string[] = LIVE_STATUSES;
    const executions = await byAge(this.c.executions, 'createdAt');
    removed['executions'] = await this.c.executions.remove(overflow(executions, r.maxExecutions, (e) => live.includes(e.doc['status'] as string)));

    const outcomes = await byAge(this.c.outcomes, 'at');
    removed['outcomes'] = await this.c.outcomes.remove(overflow(outcomes, r.maxOutcomes));

    const weights = await byAge(this.c.weights, '_id');
    const newest = new Map<string, string>();
    for (const w of weights) newest.set(w.doc['ruleId'] as string, w.id);
    const newestIds = new Set(newest.values());
    removed['weights'] = await this.c.weights.remove(overflow(weights, r.maxWeightChanges, (w) => newestIds.has(w.id)));

    const approvals = await byAge(this.c.approvals, 'requestedAt');
    removed['approvals'] = await this.c.approvals.remove(overflow(approvals, r.maxApprovals, (a) => a.doc['state'] === 'waiting'));

    for (const c of Object.values(this.c) as Collection[]) await c.compact();
    return { removed };
  }

  async close(): Promise<void> {
    await this.chain;
  }
}

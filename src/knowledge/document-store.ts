/**
 * The knowledge store over Collections: one implementation of every query, shared by the
 * memory and the journal backends so that simulation and the service behave the same.
 */
import type { Decision } from '../types/decision.js';
import { MapekError } from '../types/errors.js';
import type { ExecutionRecord, ExecutionStatus, WeightChange } from '../types/execution.js';
import type { Approval, ApprovalState, ExecutionQuery, ExtendedKnowledgeStore, LoadReport, Outcome, RetentionResult, StoreHealth } from '../types/knowledge.js';
import type { Weights } from '../types/rules.js';
import type { Collection, Filter, QuarantinedDoc, StoredDoc } from './collection.js';
import { approvalDoc, checkDocument, controllerDoc, decisionDoc, executionDoc, outcomeDoc, weightDoc } from './documents.js';
import { fenced, WriteFence } from './fence.js';
import { LIVE_STATUSES, overflow, type RetentionOptions } from './retention.js';

/** Lets timers, I/O callbacks and webhooks run before the next slice of work. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface Collections {
  readonly decisions: Collection;
  readonly executions: Collection;
  readonly outcomes: Collection;
  readonly weights: Collection;
  readonly approvals: Collection;
  /** Small named values of the controller (circuit breaker state). */
  readonly controller: Collection;
}

/** Indexed fields per collection (the journal collections keep a secondary index of each). */
export const INDEXES: Readonly<Record<keyof Collections, readonly string[]>> = {
  decisions: ['at', 'incidentId'],
  executions: ['id', 'status', 'ruleId', 'target', 'createdAt', 'decisionId'],
  outcomes: ['ruleId', 'at'],
  weights: ['ruleId', 'at'],
  approvals: ['state'],
  controller: [],
};

/** Every collection name, in one place: the backends build their Collections from it. */
export const COLLECTION_NAMES = Object.keys(INDEXES) as readonly (keyof Collections)[];

/** Opens every collection, one at a time (load reports stay in order; one file in memory at once). */
export async function openCollections(open: (name: keyof Collections) => Promise<Collection>): Promise<Collections> {
  const out: Partial<Record<keyof Collections, Collection>> = {};
  try {
    for (const name of COLLECTION_NAMES) out[name] = await open(name);
  } catch (err) {
    for (const c of Object.values(out)) c.close?.(); // no descriptor left open by a failed open
    throw err;
  }
  return out as Collections;
}

export class DocumentKnowledgeStore implements ExtendedKnowledgeStore {
  private chain: Promise<unknown> = Promise.resolve();
  /** Writes since the last retention pass. */
  private writes = 0;
  private weightSeq = 0;
  /** Collections written since the last pass: the only ones retention scans and compacts. */
  private readonly dirty = new Set<keyof Collections>();
  private retaining: Promise<RetentionResult> | undefined;
  /** Why the last retention pass failed (e.g. no room to compact); cleared by one that succeeds. */
  private retentionError: string | undefined;

  private readonly fence = new WriteFence();
  /** The collections, every write through the fence (no write after close()). */
  protected readonly c: Collections;

  constructor(
    private readonly raw: Collections,
    private readonly retention: RetentionOptions,
    private readonly reports: readonly LoadReport[] = [],
  ) {
    const c: Record<string, Collection> = {};
    for (const [name, col] of Object.entries(raw) as [keyof Collections, Collection][]) {
      c[name] = fenced(col, this.fence);
      this.dirty.add(name); // the first pass sees everything
    }
    this.c = c as unknown as Collections;
  }

  /** Serialises read-modify-write sequences within this process. */
  protected exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /**
   * Counts a write. Retention does not run here (it would run inside the cycle's write that
   * happened to be the 500th): the owner runs `maintain()` between cycles. Only a store
   * whose owner never does reaches the backstop, so that it still stays bounded.
   */
  private async wrote(collection: keyof Collections, n = 1): Promise<void> {
    this.dirty.add(collection);
    this.writes += n;
    // The write itself succeeded: a failed backstop pass is reported by health(), not by it.
    if (this.writes >= this.retention.backstopEvery) await this.retain(this.retention.compactGarbage).catch(() => undefined);
  }

  /** True when enough writes happened since the last pass that retention should run. */
  retentionDue(): boolean {
    return this.writes >= this.retention.retainEvery;
  }

  /** Runs retention if it is due (the service calls this after every cycle). */
  async maintain(): Promise<RetentionResult | undefined> {
    return this.retentionDue() ? this.retain(this.retention.compactGarbage) : undefined;
  }

  loadReports(): readonly LoadReport[] {
    return this.reports;
  }

  /**
   * Every document handed out is checked first (documents.ts): a bad one is quarantined
   * and skipped, so one damaged line never fails the caller. Undefined when it was bad.
   */
  private async read<T>(name: keyof Collections, d: StoredDoc | undefined): Promise<T | undefined> {
    if (d === undefined) return undefined;
    const check = checkDocument(name, d);
    if (check.ok) return check.record as T;
    // Best effort: after close() the fence refuses the write, and the document is only skipped.
    await this.c[name].quarantine(d, check.issue).catch(() => undefined);
    return undefined;
  }

  private async readAll<T>(name: keyof Collections, docs: readonly StoredDoc[]): Promise<T[]> {
    const out: T[] = [];
    for (const d of docs) {
      const r = await this.read<T>(name, d);
      if (r !== undefined) out.push(r);
    }
    return out;
  }

  /** Every document quarantined since open, per collection in collection order. */
  quarantined(): readonly QuarantinedDoc[] {
    return COLLECTION_NAMES.flatMap((n) => this.c[n].quarantined());
  }

  health(): StoreHealth {
    const quarantined: Record<string, number> = {};
    for (const n of COLLECTION_NAMES) quarantined[n] = this.c[n].quarantined().length;
    const writeError = this.fence.writeError();
    return { quarantined, ...(this.retentionError !== undefined ? { retentionError: this.retentionError } : {}), ...(writeError !== undefined ? { writeError } : {}) };
  }

  // ------------------------------------------------------------ decisions

  async saveDecision(d: Decision): Promise<void> {
    await this.c.decisions.upsert(decisionDoc(d));
    await this.wrote('decisions');
  }

  /** A cycle's decisions in one write (one append for nedb). */
  async saveDecisions(ds: readonly Decision[]): Promise<void> {
    if (ds.length === 0) return;
    await this.c.decisions.upsertMany(ds.map(decisionDoc));
    await this.wrote('decisions', ds.length);
  }

  async getDecision(id: string): Promise<Decision | undefined> {
    return this.read<Decision>('decisions', await this.c.decisions.get(id));
  }

  async recentDecisions(limit: number): Promise<readonly Decision[]> {
    return this.readAll<Decision>('decisions', await this.c.decisions.find({}, { sort: { field: 'at', dir: -1 }, limit }));
  }

  // ------------------------------------------------------------ executions

  async recordIntent(r: ExecutionRecord): Promise<boolean> {
    const ok = await this.c.executions.insert(executionDoc(r));
    if (ok) await this.wrote('executions');
    return ok;
  }

  async updateExecution(key: string, patch: Partial<ExecutionRecord>): Promise<void> {
    await this.exclusive(async () => {
      const r = await this.read<ExecutionRecord>('executions', await this.c.executions.get(key));
      if (!r) throw new MapekError(`no execution with key "${key}"`, false);
      await this.c.executions.upsert(executionDoc({ ...r, ...patch, key }));
      this.dirty.add('executions'); // a superseded line to compact away, not a new record
    });
  }

  async transition(key: string, from: readonly ExecutionStatus[], patch: Partial<ExecutionRecord>): Promise<boolean> {
    return this.exclusive(async () => {
      const r = await this.read<ExecutionRecord>('executions', await this.c.executions.get(key));
      if (!r || !from.includes(r.status)) return false;
      await this.c.executions.upsert(executionDoc({ ...r, ...patch, key }));
      this.dirty.add('executions');
      return true;
    });
  }

  async getExecution(key: string): Promise<ExecutionRecord | undefined> {
    return this.read<ExecutionRecord>('executions', await this.c.executions.get(key));
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
    return this.readAll<ExecutionRecord>('executions', docs);
  }

  // ------------------------------------------------------------ outcomes and weights

  async recordOutcome(o: Outcome): Promise<void> {
    await this.c.outcomes.upsert(outcomeDoc(o));
    await this.wrote('outcomes');
  }

  async outcomes(q: { ruleId?: string; since?: string; limit?: number } = {}): Promise<readonly Outcome[]> {
    const f: Record<string, unknown> = {};
    if (q.ruleId !== undefined) f['ruleId'] = q.ruleId;
    if (q.since !== undefined) f['at'] = { $gte: q.since };
    const docs = await this.c.outcomes.find(f, { sort: { field: 'at', dir: -1 }, ...(q.limit !== undefined ? { limit: q.limit } : {}) });
    return (await this.readAll<Outcome>('outcomes', docs)).reverse();
  }

  async saveWeightChange(w: WeightChange): Promise<void> {
    this.weightSeq += 1;
    await this.c.weights.insert(weightDoc(w, this.weightSeq));
    await this.wrote('weights');
  }

  async weightHistory(limit: number): Promise<readonly WeightChange[]> {
    return this.readAll<WeightChange>('weights', await this.c.weights.find({}, { sort: { field: '_id', dir: -1 }, limit }));
  }

  async currentWeights(): Promise<Weights> {
    const out: Record<string, number> = {};
    for (const [id, w] of Object.entries(await this.latestWeightChanges())) out[id] = w.to;
    return out;
  }

  async latestWeightChanges(): Promise<Readonly<Record<string, WeightChange>>> {
    const out: Record<string, WeightChange> = {};
    for (const w of await this.readAll<WeightChange>('weights', await this.c.weights.find({}, { sort: { field: '_id', dir: 1 } }))) out[w.ruleId] = w;
    return out;
  }

  // ------------------------------------------------------------ approvals

  async requestApproval(a: Approval): Promise<void> {
    await this.c.approvals.upsert(approvalDoc(a));
    await this.wrote('approvals');
  }

  async getApproval(id: string): Promise<Approval | undefined> {
    return this.read<Approval>('approvals', await this.c.approvals.get(id));
  }

  async listApprovals(states?: readonly ApprovalState[]): Promise<readonly Approval[]> {
    const f = states ? { state: { $in: [...states] } } : {};
    return this.readAll<Approval>('approvals', await this.c.approvals.find(f, { sort: { field: 'requestedAt', dir: 1 } }));
  }

  async resolveApproval(id: string, state: 'approved' | 'rejected', by: string, reason?: string, at = new Date().toISOString()): Promise<Approval | undefined> {
    return this.exclusive(async () => {
      const a = await this.getApproval(id);
      if (!a || a.state !== 'waiting') return undefined;
      const next: Approval = { ...a, state, resolvedAt: at, resolvedBy: by, ...(reason !== undefined ? { reason } : {}) };
      await this.c.approvals.upsert(approvalDoc(next));
      this.dirty.add('approvals');
      return next;
    });
  }

  async syncApprovals(): Promise<readonly Approval[]> {
    return [];
  }

  // ------------------------------------------------------------ controller state

  async loadControllerState(name: string): Promise<unknown> {
    return this.read<unknown>('controller', await this.c.controller.get(name));
  }

  async saveControllerState(name: string, value: unknown): Promise<void> {
    await this.c.controller.upsert(controllerDoc(name, value));
    this.dirty.add('controller');
  }

  // ------------------------------------------------------------ retention

  /**
   * Enforces the limits and compacts every file the pass scans (opening the store does
   * this); with `minGarbage`, only files at least that share superseded (maintain() passes
   * `compactGarbage`). Only collections written since the last pass are scanned and
   * compacted (one that was not written cannot have grown). Overlapping calls share one pass.
   */
  retain(minGarbage = 0): Promise<RetentionResult> {
    this.retaining ??= this.retainPass(minGarbage).finally(() => (this.retaining = undefined));
    return this.retaining;
  }

  private async retainPass(minGarbage: number): Promise<RetentionResult> {
    const todo = new Set(this.dirty);
    this.dirty.clear();
    this.writes = 0;
    try {
      const result = await this.retainCollections(todo, minGarbage);
      this.retentionError = undefined;
      return result;
    } catch (err) {
      // Nothing is lost: the pass is retried (the next maintain()) over the same collections.
      for (const name of todo) this.dirty.add(name);
      this.writes = this.retention.retainEvery;
      this.retentionError = err instanceof Error ? err.message : String(err);
      throw err;
    }
  }

  /**
   * Removes `ids` from `name` in slices of `sliceDocs`, yielding to the event loop between
   * them. Each slice re-reads its documents and skips any `keep` now protects (an execution
   * that went back in flight since the ids were picked), inside `exclusive`, so no
   * read-modify-write of the store interleaves with the check.
   */
  private async removeInSlices(name: keyof Collections, ids: readonly string[], keep: (d: StoredDoc) => boolean): Promise<number> {
    const c = this.c[name];
    let removed = 0;
    for (let i = 0; i < ids.length; i += this.retention.sliceDocs) {
      const slice = ids.slice(i, i + this.retention.sliceDocs);
      removed += await this.exclusive(async () => {
        const now = await c.find({ _id: { $in: slice } }, { withoutBody: true });
        return c.remove(now.filter((d) => !keep(d)).map((d) => d._id));
      });
      await yieldToEventLoop();
    }
    return removed;
  }

  private async retainCollections(todo: ReadonlySet<keyof Collections>, minGarbage: number): Promise<RetentionResult> {
    const r = this.retention;
    const byAge = async (name: keyof Collections, field: string): Promise<{ id: string; doc: StoredDoc }[]> =>
      (await this.c[name].find({}, { sort: { field, dir: 1 }, withoutBody: true })).map((doc) => ({ id: doc._id, doc }));
    const removed: Record<string, number> = {};
    const prune = async (name: Exclude<keyof Collections, 'controller'>, field: string, max: number, keep: (d: StoredDoc) => boolean = () => false): Promise<void> => {
      if (!todo.has(name)) {
        removed[name] = 0;
        return;
      }
      const ids = overflow(await byAge(name, field), max, (x) => keep(x.doc));
      removed[name] = await this.removeInSlices(name, ids, keep);
    };

    await prune('decisions', 'at', r.maxDecisions);
    const live: readonly string[] = LIVE_STATUSES;
    await prune('executions', 'createdAt', r.maxExecutions, (d) => live.includes(d['status'] as string));
    await prune('outcomes', 'at', r.maxOutcomes);
    // A rule's newest change is kept: newer ones only ever arrive, so the set taken here stays safe.
    const newest = new Map<string, string>();
    if (todo.has('weights')) for (const w of await byAge('weights', '_id')) newest.set(w.doc['ruleId'] as string, w.id);
    const newestIds = new Set(newest.values());
    await prune('weights', '_id', r.maxWeightChanges, (d) => newestIds.has(d._id));
    await prune('approvals', 'requestedAt', r.maxApprovals, (d) => d['state'] === 'waiting');

    let failure: unknown;
    for (const name of todo) {
      try {
        await this.c[name].compact(minGarbage);
      } catch (err) {
        failure ??= err; // the others still compact
      }
    }
    if (failure !== undefined) throw failure;
    return { removed };
  }

  /**
   * Flushes and closes: refuses new writes, waits for the ones in progress (each write is
   * durable when it resolves). Reads still answer. Idempotent.
   */
  async close(): Promise<void> {
    await this.fence.close();
    await this.chain;
    for (const n of COLLECTION_NAMES) this.raw[n].close?.();
  }
}

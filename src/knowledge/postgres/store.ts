/**
 * The knowledge store on PostgreSQL: several replicas share it, `mapek approve` resolves an
 * approval from any machine (approvals are rows), and a write is durable when its promise
 * resolves (it has committed). Same semantics as the memory and journal stores (the contract
 * suite runs against all three); every row read is checked (documents.ts) and a bad one is
 * moved to mapek_quarantine, never handed out.
 *
 * With a FenceSource, the leader's writes (intents, execution updates and transitions,
 * decisions, outcomes, weights, approval requests, controller state) are conditional on its
 * lease in the same statement (lease-fence.ts); a human's verdict on an approval is not.
 */
import type { FenceSource } from '../../types/coordination.js';
import type { Decision } from '../../types/decision.js';
import { MapekError } from '../../types/errors.js';
import type { ExecutionRecord, ExecutionStatus, WeightChange } from '../../types/execution.js';
import type { Approval, ApprovalState, ExecutionQuery, ExtendedKnowledgeStore, LoadReport, Outcome, QuarantinedRecord, RetentionResult, StoreHealth } from '../../types/knowledge.js';
import type { Weights } from '../../types/rules.js';
import type { StoredDoc } from '../collection.js';
import { approvalDoc, checkDocument, controllerDoc, decisionDoc, executionDoc, outcomeDoc, weightDoc, type CollectionName } from '../documents.js';
import { WriteFence } from '../fence.js';
import { resolveRetention, type RetentionOptions } from '../retention.js';
import { Connection, isPostgresUrl, type ConnectionOptions } from './connection.js';
import { currentToken, fencedResult, fencedStatement, type FencedStatement } from './lease-fence.js';
import { migrate } from './migrate.js';
import { retainTables } from './retention-sql.js';
import { insertWeight, quarantineRow, replaceIfUnchanged, selectFrom, writeDocs } from './statements.js';
import { rowToDoc, TABLES } from './tables.js';

export interface PostgresStoreOptions {
  /** The leader's lease: when given, the leader's writes are fenced by it. */
  readonly fence?: FenceSource;
  readonly retention?: Partial<RetentionOptions>;
  readonly connection?: ConnectionOptions;
}

type Row = Record<string, unknown>;

export class PostgresKnowledgeStore implements ExtendedKnowledgeStore {
  private readonly closing = new WriteFence();
  private readonly bad: QuarantinedRecord[] = [];
  private writes = 0;
  private retaining: Promise<RetentionResult> | undefined;
  private retentionError: string | undefined;
  private readonly retention: RetentionOptions;

  private constructor(
    readonly conn: Connection,
    private readonly fence: FenceSource | undefined,
    retention: Partial<RetentionOptions>,
  ) {
    this.retention = resolveRetention(retention);
  }

  /** Connects (retrying for a bounded time) and applies the migrations this code knows. */
  static async open(url: string, o: PostgresStoreOptions = {}): Promise<PostgresKnowledgeStore> {
    if (!isPostgresUrl(url)) throw new MapekError(`store URL must start with postgres:// or postgresql://, got "${url.replace(/\/\/[^@/]*@/, '//…@')}"`, false);
    const conn = new Connection(url, o.connection);
    try {
      await conn.withClient((c) => migrate(c));
    } catch (err) {
      await conn.end().catch(() => undefined);
      throw err;
    }
    return new PostgresKnowledgeStore(conn, o.fence, o.retention ?? {});
  }

  // ------------------------------------------------------------ plumbing

  /** A write: refused after close(), fenced by the lease when the store has a fence. Rows written. */
  private write(what: string, s: FencedStatement, fenced = true): Promise<number> {
    return this.closing.run(what, async () => {
      const token = fenced ? currentToken(this.fence, what) : undefined;
      const f = fencedStatement(s, token);
      const r = await this.conn.query<{ leased: boolean; n: number }>(f.sql, f.params);
      return fencedResult(r.rows[0], token, what);
    });
  }

  private async rows(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return (await this.conn.query<Row>(sql, params, { read: true })).rows;
  }

  /** The row's record when it passes its check; else it is quarantined and skipped. */
  private async read<T>(name: CollectionName, row: Row | undefined): Promise<T | undefined> {
    if (row === undefined) return undefined;
    const doc = rowToDoc(row);
    const check = checkDocument(name, doc);
    if (check.ok) return check.record as T;
    await this.quarantine(name, doc, check.issue).catch(() => undefined);
    return undefined;
  }

  private async readAll<T>(name: CollectionName, rows: readonly Row[]): Promise<T[]> {
    const out: T[] = [];
    for (const row of rows) {
      const r = await this.read<T>(name, row);
      if (r !== undefined) out.push(r);
    }
    return out;
  }

  private async quarantine(name: CollectionName, doc: StoredDoc, reason: string): Promise<void> {
    const q = quarantineRow(name, doc, reason);
    await this.closing.run(`quarantine of ${name} "${doc._id}"`, () => this.conn.query(q.sql, q.params));
    if (!this.bad.some((b) => b.collection === name && b.id === doc._id)) this.bad.push({ collection: name, id: doc._id, reason, keptIn: `mapek_quarantine (from ${TABLES[name].table})` });
  }

  private async one(name: CollectionName, id: string): Promise<Row | undefined> {
    const key = TABLES[name].columns['_id'];
    return (await this.rows(`${selectFrom(name)} WHERE ${key} = $1`, [id]))[0];
  }

  /** Counts a write towards retention; the backstop runs a pass when nobody calls maintain(). */
  private async wrote(n = 1): Promise<void> {
    this.writes += n;
    if (this.writes >= this.retention.backstopEvery) await this.retain().catch(() => undefined);
  }

  /**
   * Compare-and-set on the whole row: re-reads and retries when another writer changed the row
   * in between, so a concurrent patch is never lost. 'missing' | 'refused' (allow said no) | 'done'.
   */
  private async replace<T>(name: CollectionName, id: string, allow: (r: T) => boolean, next: (r: T) => StoredDoc, status?: readonly string[]): Promise<'missing' | 'refused' | 'done'> {
    for (;;) {
      const row = await this.one(name, id);
      const r = await this.read<T>(name, row);
      if (row === undefined || r === undefined) return 'missing';
      if (!allow(r)) return 'refused';
      const stmt = replaceIfUnchanged(name, rowToDoc(row), next(r), status ? { column: 'status', anyOf: status } : undefined);
      const fenced = name !== 'approvals';
      if ((await this.write(`${name} "${id}"`, stmt, fenced)) === 1) return 'done';
    }
  }

  loadReports(): readonly LoadReport[] {
    return [];
  }

  quarantined(): readonly QuarantinedRecord[] {
    return this.bad;
  }

  health(): StoreHealth {
    const quarantined: Record<string, number> = {};
    for (const n of Object.keys(TABLES)) quarantined[n] = this.bad.filter((b) => b.collection === n).length;
    const writeError = this.closing.writeError();
    const unreachable = this.conn.unreachable();
    return {
      quarantined,
      ...(this.retentionError !== undefined ? { retentionError: this.retentionError } : {}),
      ...(writeError !== undefined ? { writeError } : {}),
      ...(unreachable !== undefined ? { unreachable } : {}),
    };
  }

  // ------------------------------------------------------------ decisions

  async saveDecision(d: Decision): Promise<void> {
    await this.write(`decisions "${d.id}"`, writeDocs('decisions', [decisionDoc(d)], true));
    await this.wrote();
  }

  async saveDecisions(ds: readonly Decision[]): Promise<void> {
    if (ds.length === 0) return;
    // One statement cannot write a key twice: the last decision under an id wins, as in the other stores.
    const byId = new Map(ds.map((d) => [d.id, decisionDoc(d)]));
    await this.write(`${ds.length} decisions`, writeDocs('decisions', [...byId.values()], true));
    await this.wrote(ds.length);
  }

  async getDecision(id: string): Promise<Decision | undefined> {
    return this.read<Decision>('decisions', await this.one('decisions', id));
  }

  async recentDecisions(limit: number): Promise<readonly Decision[]> {
    return this.readAll<Decision>('decisions', await this.rows(`${selectFrom('decisions')} ORDER BY at DESC, id DESC LIMIT $1`, [limit]));
  }

  // ------------------------------------------------------------ executions

  async recordIntent(r: ExecutionRecord): Promise<boolean> {
    const ok = (await this.write(`executions "${r.key}"`, writeDocs('executions', [executionDoc(r)], false))) === 1;
    if (ok) await this.wrote();
    return ok;
  }

  async updateExecution(key: string, patch: Partial<ExecutionRecord>): Promise<void> {
    const done = await this.replace<ExecutionRecord>('executions', key, () => true, (r) => executionDoc({ ...r, ...patch, key }));
    if (done === 'missing') throw new MapekError(`no execution with key "${key}"`, false);
  }

  async transition(key: string, from: readonly ExecutionStatus[], patch: Partial<ExecutionRecord>): Promise<boolean> {
    const done = await this.replace<ExecutionRecord>('executions', key, (r) => from.includes(r.status), (r) => executionDoc({ ...r, ...patch, key }), from);
    return done === 'done';
  }

  async getExecution(key: string): Promise<ExecutionRecord | undefined> {
    return this.read<ExecutionRecord>('executions', await this.one('executions', key));
  }

  async findExecutions(q: ExecutionQuery): Promise<readonly ExecutionRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const eq = (column: string, v: unknown, op = '='): void => {
      params.push(v);
      where.push(`${column} ${op} $${params.length}`);
    };
    if (q.status) {
      params.push([...q.status]);
      where.push(`status = ANY($${params.length}::text[])`);
    }
    if (q.ruleId !== undefined) eq('rule_id', q.ruleId);
    if (q.since !== undefined) eq('created_at', q.since, '>=');
    if (q.target !== undefined) eq('target', q.target);
    if (q.incidentId !== undefined) eq('incident_id', q.incidentId);
    if (q.decisionId !== undefined) eq('decision_id', q.decisionId);
    if (q.id !== undefined) eq('id', q.id);
    let sql = `${selectFrom('executions')}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, key DESC`;
    if (q.limit !== undefined) {
      params.push(q.limit);
      sql += ` LIMIT $${params.length}`;
    }
    return this.readAll<ExecutionRecord>('executions', await this.rows(sql, params));
  }

  // ------------------------------------------------------------ outcomes and weights

  async recordOutcome(o: Outcome): Promise<void> {
    await this.write(`outcomes "${o.key}"`, writeDocs('outcomes', [outcomeDoc(o)], true));
    await this.wrote();
  }

  async outcomes(q: { ruleId?: string; since?: string; limit?: number } = {}): Promise<readonly Outcome[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.ruleId !== undefined) where.push(`rule_id = $${params.push(q.ruleId)}`);
    if (q.since !== undefined) where.push(`at >= $${params.push(q.since)}`);
    const limit = q.limit !== undefined ? ` LIMIT $${params.push(q.limit)}` : '';
    const sql = `${selectFrom('outcomes')}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, key DESC${limit}`;
    return (await this.readAll<Outcome>('outcomes', await this.rows(sql, params))).reverse();
  }

  async saveWeightChange(w: WeightChange): Promise<void> {
    await this.write(`weights "${w.ruleId}"`, insertWeight(weightDoc(w, 0)));
    await this.wrote();
  }

  async weightHistory(limit: number): Promise<readonly WeightChange[]> {
    return this.readAll<WeightChange>('weights', await this.rows(`${selectFrom('weights')} ORDER BY id DESC LIMIT $1`, [limit]));
  }

  async currentWeights(): Promise<Weights> {
    const out: Record<string, number> = {};
    for (const [id, w] of Object.entries(await this.latestWeightChanges())) out[id] = w.to;
    return out;
  }

  async latestWeightChanges(): Promise<Readonly<Record<string, WeightChange>>> {
    // The newest row per rule; a bad one is quarantined and the query asked again (the next newest stands in).
    for (;;) {
      const rows = await this.rows(`SELECT DISTINCT ON (rule_id) ${selectFrom('weights').slice('SELECT '.length)} ORDER BY rule_id, id DESC`);
      const good = await this.readAll<WeightChange>('weights', rows);
      if (good.length < rows.length) continue;
      const out: Record<string, WeightChange> = {};
      for (const w of good.sort((a, b) => (a.ruleId < b.ruleId ? -1 : 1))) out[w.ruleId] = w;
      return out;
    }
  }

  // ------------------------------------------------------------ approvals

  async requestApproval(a: Approval): Promise<void> {
    await this.write(`approvals "${a.id}"`, writeDocs('approvals', [approvalDoc(a)], true));
    await this.wrote();
  }

  async getApproval(id: string): Promise<Approval | undefined> {
    return this.read<Approval>('approvals', await this.one('approvals', id));
  }

  async listApprovals(states?: readonly ApprovalState[]): Promise<readonly Approval[]> {
    const [where, params] = states ? [' WHERE state = ANY($1::text[])', [[...states]]] : ['', []];
    return this.readAll<Approval>('approvals', await this.rows(`${selectFrom('approvals')}${where} ORDER BY requested_at, id`, params));
  }

  /** A verdict, compare-and-set on the waiting row: of two verdicts from two machines, one wins. Never fenced. */
  async resolveApproval(id: string, state: 'approved' | 'rejected', by: string, reason?: string, at = new Date().toISOString()): Promise<Approval | undefined> {
    let next: Approval | undefined;
    const done = await this.replace<Approval>('approvals', id, (a) => a.state === 'waiting', (a) => {
      next = { ...a, state, resolvedAt: at, resolvedBy: by, ...(reason !== undefined ? { reason } : {}) };
      return approvalDoc(next);
    });
    return done === 'done' ? next : undefined;
  }

  /** Verdicts are rows the CLI wrote itself: nothing to take in. */
  async syncApprovals(): Promise<readonly Approval[]> {
    return [];
  }

  // ------------------------------------------------------------ controller state

  async loadControllerState(name: string): Promise<unknown> {
    return this.read<unknown>('controller', await this.one('controller', name));
  }

  async saveControllerState(name: string, value: unknown): Promise<void> {
    await this.write(`controller "${name}"`, writeDocs('controller', [controllerDoc(name, value)], true));
  }

  // ------------------------------------------------------------ retention

  retentionDue(): boolean {
    return this.writes >= this.retention.retainEvery;
  }

  async maintain(): Promise<RetentionResult | undefined> {
    return this.retentionDue() ? this.retain() : undefined;
  }

  /** One pass over every table (overlapping calls share it); a failed pass is retried by the next maintain(). */
  retain(): Promise<RetentionResult> {
    this.retaining ??= this.retainPass().finally(() => (this.retaining = undefined));
    return this.retaining;
  }

  private async retainPass(): Promise<RetentionResult> {
    this.writes = 0;
    try {
      const removed = await this.closing.run('retention', () => retainTables(this.conn, this.retention));
      this.retentionError = undefined;
      return { removed };
    } catch (err) {
      this.writes = this.retention.retainEvery;
      this.retentionError = err instanceof Error ? err.message : String(err);
      throw err;
    }
  }

  /** Refuses new writes, waits for those in progress (each committed when it resolved), closes the pool. Reads still answer. */
  async close(): Promise<void> {
    await this.closing.close();
    await this.conn.end();
  }
}

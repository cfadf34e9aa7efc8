import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config/options.js';
import { createExecutor, type ExecutorOptionsInput } from '../execute/index.js';
import { WebhookDeduplicator } from '../integration/webhook.js';
import { Controller } from '../loop/controller.js';
import { runCycle, type CycleReport } from '../loop/cycle.js';
import { cycleIdGenerator } from '../loop/ids.js';
import { realTimers, type Timers } from '../loop/scheduler.js';
import { CharterSource, type CharterSourceOptions } from '../monitor/charter-source.js';
import { CompositeMonitor } from '../monitor/composite.js';
import { PrometheusSource } from '../monitor/prometheus-source.js';
import type { MonitorSource } from '../monitor/source.js';
import { verifyCondition, createPlanner } from '../analyze/index.js';
import type { Logger } from '../observability/logger.js';
import { createServiceMetrics, type ServiceMetrics } from '../observability/metrics.js';
import type { Executor } from '../types/executor.js';
import type { ExtendedKnowledgeStore } from '../types/knowledge.js';
import type { AlertmanagerApi, CharterApi, PrometheusApi } from '../types/ports.js';
import type { SourceName, SourceStatus } from '../types/snapshot.js';
import { factCatalog, factsNeedingPrometheus, factsWithoutQuery } from '../types/facts.js';
import type { ExecutionRecord } from '../types/execution.js';
import { AlertIntake } from './alert-intake.js';
import { closeServer, createHttpServer, listen } from './http-server.js';
import { RuleSetHolder, type RuleLoader } from './rules-holder.js';
import { watchPaths } from './watch.js';
import { planRulesOf, relearn } from '../knowledge/relearn.js';
import { resolveLearnerOptions } from '../knowledge/learner-options.js';
import type { LearnerOptions } from '../knowledge/learner.js';
import { authPolicy } from './console/auth.js';
import { ConsoleFeed } from './console/feed.js';
import { consoleRoutes } from './console/routes.js';
import type { Coordinator } from '../coordination/coordinator.js';
import type { LeaseToken } from '../types/coordination.js';
import { fencedCharter } from './fenced-charter.js';

/** Everything the service is built from; `mapek run`, the demo and tests supply it. */
export interface ServiceParts {
  readonly config: Config;
  readonly log: Logger;
  readonly charter: CharterApi;
  /** The executor's Charter client (one request per call; default `charter`). */
  readonly executorCharter?: CharterApi;
  /** Called last by `stop()`: aborts the requests still in flight (past the grace period). */
  readonly closeClients?: () => void;
  readonly prometheus?: PrometheusApi;
  readonly alertmanager?: AlertmanagerApi;
  /** Charter's /metrics text: fallback metrics (and, in the demo, in-process alerts). */
  readonly scrapeCharterMetrics?: () => Promise<string>;
  readonly charterSource?: Partial<CharterSourceOptions>;
  readonly store: ExtendedKnowledgeStore;
  readonly loadRules: RuleLoader;
  readonly executorOptions?: ExecutorOptionsInput;
  readonly timers?: Timers;
  /** Serve HTTP (default true). */
  readonly http?: boolean;
  /** Watch rule files (default true). */
  readonly watchRules?: boolean;
  /** After each cycle's record phase, e.g. the learner. */
  readonly afterRecord?: (records: readonly ExecutionRecord[]) => Promise<void>;
  readonly onCycle?: (r: CycleReport) => void;
  /**
   * With a shared PostgreSQL store: the leader election. Only the leader runs cycles; at
   * takeover it rebuilds the executor from the store (guard rails, breaker) and recovers the
   * intents the previous leader left. Absent: a single node, always the leader.
   */
  readonly coordinator?: Coordinator;
}

/**
 * The running controller: rules, monitor, planner, executor, knowledge store, the cycle
 * controller and the HTTP API, wired once. start() recovers pending intents first.
 */
export class Service {
  readonly metrics: ServiceMetrics;
  readonly rules: RuleSetHolder;
  readonly controller: Controller;
  readonly monitor: CompositeMonitor;
  /** What the console (GET /) shows, pushed to open pages after every cycle. */
  readonly feed: ConsoleFeed;
  /** Alertmanager's API and the webhook-held alerts standing in for it; absent without Alertmanager. */
  readonly alertIntake: AlertIntake | undefined;
  private server: Server | undefined;
  private stopWatch: (() => void) | undefined;
  private stopping = false;
  private storeOpen = true;
  private lastSources: Partial<Record<SourceName, SourceStatus>> = {};
  /** `decisionsNotRecorded`: decisions of it not stored, each repeating an unchanged recorded one. */
  private lastCycle: { id: string; status: string; at: string; decisionsNotRecorded: number } | undefined;
  /** Quarantined documents already logged. */
  private quarantineLogged = 0;
  private current: Executor;
  /** The takeover in progress (recovery before the first cycle), if any. */
  private takeover: Promise<void> | undefined;
  /** The knowledge-store retention pass running in the background, if any. */
  private maintaining: Promise<void> | undefined;
  /** The learner's settings (config `learner:`, checked when the config loaded). */
  private readonly learnerOptions: LearnerOptions;
  address: AddressInfo | undefined;

  /** The executor of this tenure (rebuilt from the store at each takeover). */
  get executor(): Executor {
    return this.current;
  }

  constructor(private readonly p: ServiceParts) {
    const timers = p.timers ?? realTimers;
    this.learnerOptions = resolveLearnerOptions(p.config.learner);
    const coordinator = p.coordinator;
    this.metrics = createServiceMetrics({
      storeQuarantined: () => p.store.health?.().quarantined ?? {},
      ...(coordinator ? { coordination: () => ({ ...coordinator.status(), leader: coordinator.isLeader() }) } : {}),
    });
    this.rules = new RuleSetHolder(p.config.rules, p.loadRules, (rs) => createPlanner(rs), p.log, this.metrics);
    const sources: MonitorSource[] = [];
    if (p.prometheus) sources.push(new PrometheusSource(p.prometheus, () => factCatalog(this.rules.ruleSet())));
    this.alertIntake = p.alertmanager ? new AlertIntake(p.alertmanager, this.metrics, p.log, { now: () => timers.now() }) : undefined;
    if (this.alertIntake) sources.push(this.alertIntake.source);
    sources.push(
      new CharterSource(p.charter, {
        lookbackMs: p.config.charterWindowMs,
        rateWindowMs: p.config.charterWindowMs,
        ...(p.scrapeCharterMetrics ? { scrapeMetrics: p.scrapeCharterMetrics } : {}),
        evaluateAlerts: p.prometheus === undefined && p.alertmanager === undefined,
        ...p.charterSource,
      }),
    );
    this.monitor = new CompositeMonitor({ sources, now: () => new Date(timers.now()), timeoutMs: p.config.requestTimeoutMs * 2 });
    this.current = this.buildExecutor();
    this.feed = new ConsoleFeed({
      store: p.store,
      ruleSet: () => this.rules.ruleSet(),
      health: () => this.health(),
      now: () => timers.now(),
      log: p.log,
    });
    this.controller = new Controller({
      intervalMs: p.config.intervalMs,
      cycleTimeoutMs: p.config.cycleTimeoutMs,
      timers,
      newCycleId: cycleIdGenerator(() => timers.now()),
      log: p.log,
      metrics: this.metrics,
      nextVerificationAt: () => this.executor.pending()[0]?.dueAt,
      runCycle: (cycleId, triggers, signal) =>
        runCycle(
          {
            monitor: this.monitor,
            planner: () => this.rules.planner(),
            executor: this.executor,
            store: p.store,
            log: p.log,
            metrics: this.metrics,
            clock: () => performance.now(),
            afterRecord: (records, cycleId) => this.afterRecord(records, cycleId),
          },
          cycleId,
          triggers,
          signal,
        ),
      afterCycle: (cycleId) => this.maintainStore(cycleId),
      onCycle: (r) => {
        if (r.snapshot) this.lastSources = r.snapshot.sources;
        this.alertIntake?.update(this.monitor.alertSource());
        this.lastCycle = { id: r.cycleId, status: r.status, at: new Date(timers.now()).toISOString(), decisionsNotRecorded: r.unrecorded?.size ?? 0 };
        this.feed.observeCycle(r);
        p.onCycle?.(r);
      },
    });
  }

  /** A fresh executor: its guard-rail state is what the store holds (loaded before it first acts). */
  private buildExecutor(): Executor {
    const p = this.p;
    const charter = p.executorCharter ?? p.charter;
    return createExecutor({
      charter: p.coordinator ? fencedCharter(charter, p.coordinator) : charter,
      store: p.store,
      monitor: this.monitor,
      verify: (snapshot, incidentId, condition) => {
        const rs = this.rules.ruleSet();
        if (rs === undefined) return { result: 'inconclusive' };
        return verifyCondition(rs, snapshot, incidentId, condition);
      },
      clock: () => (p.timers ?? realTimers).now(),
      options: { ...p.executorOptions, dryRun: p.config.dryRun || p.executorOptions?.dryRun === true },
      ...(p.alertmanager ? { alertmanager: p.alertmanager } : {}),
      log: p.log.child({ stage: 'execute' }),
    });
  }

  /** Reconciles intents left pending (by a crash, or by the previous leader) and logs them. */
  private async recoverIntents(): Promise<void> {
    const recovered = await this.executor.recover();
    for (const r of recovered) this.p.log.info('recovered intent', { key: r.key, status: r.status, action: r.action.type, target: r.action.target });
    for (const r of recovered) this.metrics.observeExecution(r);
  }

  /**
   * This replica became the leader at `token.epoch`: once the previous tenure's cycle here (if
   * any) has ended, a new executor is built from the store (guard rails as the store has
   * them), the intents the previous leader left are recovered (journaled writes re-sent under
   * their Idempotency-Key), and cycles resume. Lost again meanwhile: nothing resumes.
   */
  private onElected(token: LeaseToken): void {
    const previous = this.takeover ?? Promise.resolve();
    this.takeover = previous.then(async () => {
      await this.controller.settled();
      if (this.stopping || this.p.coordinator?.token()?.epoch !== token.epoch) return;
      const t0 = performance.now();
      this.current = this.buildExecutor();
      try {
        await this.recoverIntents();
      } catch (err) {
        this.p.log.error('takeover: recovery failed; retried by the next cycle', { epoch: token.epoch, error: (err as Error).message });
      }
      if (this.stopping || this.p.coordinator?.token()?.epoch !== token.epoch) return;
      this.p.log.info('leader: cycles resume', { replicaId: token.holder, epoch: token.epoch, recoveryMs: Math.round(performance.now() - t0) });
      this.controller.resume('takeover');
    });
  }

  /** The learner runs when outcomes arrived: new weights are read at the next cycle's start. */
  private async afterRecord(records: readonly ExecutionRecord[], cycleId: string): Promise<void> {
    const rs = this.rules.ruleSet();
    if (rs !== undefined && this.p.config.learn && records.some((r) => r.verify !== undefined)) {
      try {
        const changes = await relearn(this.p.store, planRulesOf(rs), new Date((this.p.timers ?? realTimers).now()).toISOString(), this.learnerOptions);
        for (const c of changes) this.p.log.info('weight changed', { cycleId, rule: c.ruleId, from: c.from, to: c.to, samples: c.samples, successRate: c.successRate, reason: c.reason });
      } catch (err) {
        this.p.log.error('learner failed; weights unchanged', { cycleId, error: (err as Error).message });
      }
    }
    await this.p.afterRecord?.(records);
  }

  /**
   * Knowledge-store retention when due: started after a cycle (its writes are done), never
   * awaited by it. The pass works in slices and yields between them (document-store.ts), so
   * the controller is free for the next webhook while it runs; one pass at a time.
   */
  private maintainStore(cycleId: string): Promise<void> {
    this.logQuarantined(cycleId);
    if (this.p.store.maintain === undefined || this.maintaining !== undefined) return Promise.resolve();
    const t0 = performance.now();
    const pass = this.p.store.maintain();
    this.maintaining = pass.then(
      (r) => {
        if (r) this.p.log.info('knowledge store retention', { afterCycle: cycleId, removed: r.removed, ms: Math.round(performance.now() - t0) });
      },
      (err: unknown) => {
        if (!this.stopping) this.p.log.warn('knowledge store retention deferred', { afterCycle: cycleId, error: err instanceof Error ? err.message : String(err) });
      },
    ).finally(() => (this.maintaining = undefined));
    return Promise.resolve();
  }

  /** Resolves when no retention pass is running (tests, bench). */
  async maintenanceIdle(): Promise<void> {
    await this.maintaining;
  }

  /** Every document the store quarantined and not yet logged: file, line and why. */
  private logQuarantined(cycleId?: string): void {
    const all = this.p.store.quarantined?.() ?? [];
    for (const q of all.slice(this.quarantineLogged)) {
      this.p.log.warn('knowledge store: quarantined a document', { ...(cycleId !== undefined ? { cycleId } : {}), collection: q.collection, id: q.id, file: q.file, line: q.line, reason: q.reason, keptIn: q.keptIn });
    }
    this.quarantineLogged = all.length;
  }

  /** The run of failed cycles, when it reached the configured threshold. */
  private failing(): { consecutive: number; threshold: number; last?: { cycleId: string; error: string; at: string } } | undefined {
    const f = this.controller.failures();
    const threshold = this.p.config.unreadyAfterFailedCycles;
    if (f.consecutive < threshold || f.last === undefined) return undefined;
    return { consecutive: f.consecutive, threshold, last: { cycleId: f.last.cycleId, error: f.last.error, at: f.last.at } };
  }

  ready(): { ready: boolean; reasons: string[] } {
    const reasons: string[] = [];
    if (!this.rules.loaded()) reasons.push('no valid rule set loaded');
    if (!this.storeOpen) reasons.push('knowledge store closed');
    if (this.stopping) reasons.push('shutting down');
    const debt = this.executor.debt();
    if (debt.behind > 0) reasons.push(`${debt.behind} execution record update(s) not yet written to the knowledge store`);
    const failing = this.failing();
    if (failing) reasons.push(`${failing.consecutive} consecutive cycles failed; last: ${failing.last?.error ?? ''}`);
    return { ready: reasons.length === 0, reasons };
  }

  health(): Record<string, unknown> {
    const degraded: { source: string; error?: string }[] = Object.entries(this.lastSources).filter(([, s]) => !s.ok).map(([n, s]) => ({ source: n, ...(s.error !== undefined ? { error: s.error } : {}) }));
    const debt = this.executor.debt();
    if (debt.behind > 0) degraded.push({ source: 'knowledge', error: `${debt.behind} execution record update(s) kept in memory until the store takes them` });
    const failing = this.failing();
    const store = this.p.store.health?.();
    const c = this.p.coordinator?.status();
    return {
      status: failing ? 'degraded' : 'ok',
      ...(c ? { role: c.role, replicaId: c.replicaId, leader: c.leader ?? null, lease: { ttlMs: c.ttlMs, renewEveryMs: c.renewEveryMs, connected: c.connected, ...(c.lastError !== undefined ? { error: c.lastError } : {}) } } : {}),
      ...(failing ? { failedCycles: failing } : {}),
      ...(store ? { knowledge: store } : {}),
      degraded,
      records: { behind: debt.behind, reconciling: debt.reconciling },
      mode: degraded.some((d) => d.source === 'charter') ? 'plan_only' : degraded.length > 0 ? 'degraded' : 'normal',
      ruleSetHash: this.rules.ruleSet()?.hash,
      lastCycle: this.lastCycle,
      breaker: this.executor.breaker().mode,
      pendingVerifications: this.executor.pending().length,
      ...(this.alertIntake ? { alerts: this.alertIntake.health(this.monitor.alertSource()) } : {}),
    };
  }

  /**
   * Loads rules (a failure here is fatal: there is no previous set), reconciles intents a
   * previous process left pending, serves HTTP and starts the loop.
   */
  async start(): Promise<void> {
    const first = await this.rules.reload();
    this.noteReload(first);
    if (!first.ok) throw new StartError(`rule files invalid:\n${first.issues.join('\n')}`);
    const needProm = this.p.prometheus === undefined ? factsNeedingPrometheus(factCatalog(this.rules.ruleSet())) : [];
    if (needProm.length > 0) this.p.log.warn('declared facts need prometheus; without it they are null (missing)', { facts: needProm.join(', ') });
    const noQuery = this.p.prometheus !== undefined ? factsWithoutQuery(factCatalog(this.rules.ruleSet())) : [];
    if (noQuery.length > 0) this.p.log.warn('facts without a query in the rule files (rules/facts.yaml declares the built-ins); from prometheus they are null (missing)', { facts: noQuery.join(', ') });
    // A replica recovers only as the leader, at takeover (another replica may be acting now).
    if (this.p.coordinator === undefined) await this.recoverIntents();
    this.logQuarantined();
    const deferred = this.p.store.health?.().retentionError;
    if (deferred !== undefined) this.p.log.warn('knowledge store: retention and compaction deferred; retried after each cycle', { error: deferred });
    if (this.p.http !== false) {
      const dedup = new WebhookDeduplicator();
      this.server = createHttpServer({
        metrics: this.metrics,
        log: this.p.log,
        webhookToken: this.p.config.webhookToken,
        maxBodyBytes: this.p.config.webhookMaxBytes,
        dedup,
        ...(this.alertIntake ? { held: this.alertIntake.held } : {}),
        onAlerts: () => {
          const c = this.p.coordinator;
          // A standby passes the trigger on at once: detection stays at the stack's floor
          // whichever replica Alertmanager sent to.
          if (c !== undefined && !c.isLeader()) void c.relay('webhook');
          else this.controller.trigger('webhook');
        },
        accepting: () => !this.stopping,
        ready: () => this.ready(),
        health: () => this.health(),
        decisions: (limit) => this.p.store.recentDecisions(limit),
        approvals: () => this.p.store.listApprovals(['waiting']),
        decisionsLimit: this.p.config.decisionsLimit,
        routes: consoleRoutes({
          feed: this.feed,
          store: this.p.store,
          auth: authPolicy(this.p.config),
          now: () => new Date((this.p.timers ?? realTimers).now()),
          log: this.p.log,
          maxBodyBytes: 64 * 1024,
          onResolved: () => {
            this.feed.changed();
            this.controller.trigger('manual');
          },
        }),
      });
      this.address = await listen(this.server, this.p.config.listenHost, this.p.config.listenPort);
      this.p.log.info('listening', { url: `http://${this.address.address}:${this.address.port}` });
    }
    if (this.p.watchRules !== false) {
      this.stopWatch = await watchPaths(this.p.config.rules, this.p.config.reloadDebounceMs, () => void this.reloadRules('file change'), this.p.log);
    }
    const c = this.p.coordinator;
    if (c !== undefined) {
      this.controller.pause('standby: not the leader');
      c.on({
        elected: (token) => this.onElected(token),
        deposed: (why) => {
          this.controller.pause(`standby: ${why}`);
          // What the lost tenure's executor still owed the store is fenced for good; the next
          // leader's recovery settles it from the store. A standby owes nothing.
          void this.controller.settled().then(() => {
            if (this.p.coordinator?.isLeader() === false) this.current = this.buildExecutor();
          });
        },
        relayed: (from, reason) => {
          this.p.log.debug('trigger relayed by a standby', { from, reason });
          this.controller.trigger('relayed');
        },
      });
    }
    this.controller.start();
    c?.start();
  }

  /** Re-reads the rule files (on change and on SIGHUP); an invalid edit keeps the old set. */
  async reloadRules(reason: string): Promise<void> {
    this.p.log.info('reloading rules', { reason });
    const r = await this.rules.reload();
    this.noteReload(r);
    if (r.ok && r.changed) this.controller.trigger('reload');
  }

  private noteReload(r: Awaited<ReturnType<RuleSetHolder['reload']>>): void {
    const at = new Date((this.p.timers ?? realTimers).now()).toISOString();
    this.feed.observeReload(r.ok ? { at, ok: true, hash: r.hash } : { at, ok: false, issues: r.issues });
  }

  /**
   * Graceful stop: refuse triggers (the webhook answers 503 so Alertmanager retries
   * elsewhere or later) and tell the cycle in flight to stop: no new phase and no new action
   * starts; actions not yet started are recorded `released` for the next start; the action
   * in flight may finish within the grace period. Then the store is flushed and closed: its
   * fence waits for the write in progress and refuses any later one, so an action that
   * outlives the grace period stays recorded as its intent (crash recovery reconciles it at
   * the next start) and nothing is written after the flush. An unverified action stays
   * recorded as applied; the next start verifies it.
   */
  async stop(): Promise<boolean> {
    if (this.stopping) return true;
    this.stopping = true;
    this.stopWatch?.();
    const cycleId = this.controller.currentCycle();
    const finished = await this.controller.stop(this.p.config.shutdownGraceMs);
    if (!finished) this.p.log.warn('cycle still running at shutdown; its intent stays recorded for recovery', { cycleId, graceMs: this.p.config.shutdownGraceMs });
    // Released before the store closes: a standby takes over at once, and later writes here are fenced.
    await this.p.coordinator?.stop().catch((err: unknown) => this.p.log.warn('leader lease not released; it expires by itself', { error: (err as Error).message }));
    const pending = this.executor.pending().length;
    if (pending > 0) this.p.log.info('unverified actions left for the next start to verify', { pending });
    this.feed.close();
    if (this.server) await closeServer(this.server);
    await this.p.store.close();
    this.storeOpen = false;
    // Past the grace period a Charter call may still be waiting: abort it, so that the process
    // ends now and nothing is sent after the store closed (its intent is on record).
    this.p.closeClients?.();
    this.p.log.info('stopped', { cycleFinished: finished });
    return finished;
  }
}

export class StartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartError';
  }
}

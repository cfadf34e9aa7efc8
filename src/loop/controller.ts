import type { Logger } from '../observability/logger.js';
import type { ServiceMetrics, Trigger } from '../observability/metrics.js';
import { ABORT_LEASE, ABORT_STOP, ABORT_TIMEOUT, type CycleReport } from './cycle.js';
import { Alarm, type Timers } from './scheduler.js';

/** The newest failed cycle. */
export interface CycleFailure {
  readonly cycleId: string;
  readonly status: 'error' | 'timeout';
  readonly error: string;
  /** ISO-8601 time it ended. */
  readonly at: string;
}

export interface ControllerOptions {
  readonly intervalMs: number;
  readonly cycleTimeoutMs: number;
  readonly timers: Timers;
  readonly newCycleId: () => string;
  /** Runs one cycle; must stop starting new phases once `signal` aborts. */
  readonly runCycle: (cycleId: string, triggers: readonly Trigger[], signal: AbortSignal) => Promise<CycleReport>;
  /** Epoch ms of the next scheduled verification, if any: the controller wakes up for it. */
  readonly nextVerificationAt?: () => number | undefined;
  readonly log: Logger;
  readonly metrics?: ServiceMetrics;
  readonly onCycle?: (report: CycleReport) => void;
  /**
   * Housekeeping after each cycle (knowledge-store retention): runs in the cycle's slot, so
   * never at the same time as a cycle's writes; triggers arriving meanwhile wait and coalesce.
   * Skipped once stopping.
   */
  readonly afterCycle?: (cycleId: string) => Promise<void>;
}

/**
 * Schedules cycles: one at a time; the timer (every intervalMs after a cycle), webhooks and
 * due verifications trigger them; triggers arriving while a cycle runs coalesce into ONE next
 * cycle. Every cycle has an id and a timeout. The trigger is only ever a reason to look now.
 */
export class Controller {
  private readonly pending = new Set<Trigger>();
  private inFlight: Promise<void> | undefined;
  /** Aborts the cycle in flight (timeout or stop): no new phase, no new action starts. */
  private abortCycle: AbortController | undefined;
  private current: string | undefined;
  private kickHandle: unknown;
  private stopped = false;
  private started = false;
  /** Set while this replica is not the leader: no cycle runs, triggers are dropped. */
  private paused: string | undefined;
  private readonly timer: Alarm;
  private readonly verifyAlarm: Alarm;
  private idleWaiters: (() => void)[] = [];
  private cycles = 0;
  private failedInRow = 0;
  private lastFailure: CycleFailure | undefined;

  constructor(private readonly o: ControllerOptions) {
    this.timer = new Alarm(o.timers, () => this.trigger('timer'));
    this.verifyAlarm = new Alarm(o.timers, () => this.trigger('verify'));
  }

  /** Runs a first cycle now and arms the timer. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.trigger('startup');
  }

  /**
   * Not the leader (`why`): drops pending triggers, cancels the timers and aborts the cycle
   * in flight (no new phase, no new action starts; its unstarted actions are released); no
   * cycle runs until resume(). Another replica acts meanwhile, so nothing is kept for later.
   */
  pause(why: string): void {
    this.paused = why;
    this.pending.clear();
    this.timer.cancel();
    this.verifyAlarm.cancel();
    if (this.kickHandle !== undefined) this.o.timers.clearTimeout(this.kickHandle);
    this.kickHandle = undefined;
    this.abortCycle?.abort(ABORT_LEASE);
    if (this.inFlight === undefined) this.notifyIdle();
  }

  /** Leader again: runs a cycle now (after the caller's takeover recovery). */
  resume(reason: Trigger): void {
    this.paused = undefined;
    if (this.started) this.trigger(reason);
  }

  /** Why cycles are paused (this replica is a standby), or undefined. */
  pausedBecause(): string | undefined {
    return this.paused;
  }

  /** Asks for a cycle soon. Resolves false once stopping, or while paused. */
  trigger(reason: Trigger): boolean {
    if (this.stopped || this.paused !== undefined) return false;
    if (this.pending.size > 0 || this.inFlight !== undefined) this.o.metrics?.triggersCoalesced.inc();
    this.pending.add(reason);
    if (this.inFlight === undefined && this.kickHandle === undefined) {
      // A zero delay lets a burst of webhooks arriving together share one cycle.
      this.kickHandle = this.o.timers.setTimeout(() => {
        this.kickHandle = undefined;
        this.kick();
      }, 0);
    }
    return true;
  }

  /** Cycles completed (any status). */
  completed(): number {
    return this.cycles;
  }

  /**
   * Cycles that failed (error or timeout) since the last one that succeeded, and the newest
   * failure: the service turns a run of them into not-ready and degraded.
   */
  failures(): { readonly consecutive: number; readonly last?: CycleFailure } {
    return this.failedInRow === 0 || this.lastFailure === undefined ? { consecutive: this.failedInRow } : { consecutive: this.failedInRow, last: this.lastFailure };
  }

  /** The id of the cycle in flight, if any. */
  currentCycle(): string | undefined {
    return this.current;
  }

  isRunning(): boolean {
    return this.inFlight !== undefined;
  }

  /** Resolves when no cycle is running and none is pending. */
  idle(): Promise<void> {
    if (this.inFlight === undefined && this.pending.size === 0 && this.kickHandle === undefined) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops taking triggers, cancels timers and tells the cycle in flight to stop: no new
   * phase and no new action starts; the action in flight finishes (or, past the grace
   * period, is left to the caller's store fence and to crash recovery). Waits up to graceMs
   * for the cycle; resolves true when nothing is left running.
   */
  async stop(graceMs: number): Promise<boolean> {
    this.stopped = true;
    this.pending.clear();
    this.timer.cancel();
    this.verifyAlarm.cancel();
    if (this.kickHandle !== undefined) this.o.timers.clearTimeout(this.kickHandle);
    this.kickHandle = undefined;
    const running = this.inFlight;
    if (running === undefined) {
      this.notifyIdle();
      return true;
    }
    this.abortCycle?.abort(ABORT_STOP);
    let handle: unknown;
    const finished = await Promise.race([
      running.then(() => true),
      new Promise<boolean>((resolve) => {
        handle = this.o.timers.setTimeout(() => resolve(false), graceMs);
      }),
    ]);
    this.o.timers.clearTimeout(handle);
    return finished;
  }

  /** Resolves when the cycle in flight (if any) has really ended, however long that takes. */
  settled(): Promise<void> {
    return this.inFlight ?? Promise.resolve();
  }

  private kick(): void {
    if (this.inFlight !== undefined || this.stopped || this.paused !== undefined || this.pending.size === 0) return;
    const triggers = [...this.pending];
    this.pending.clear();
    this.timer.cancel();
    const cycleId = this.o.newCycleId();
    this.current = cycleId;
    this.inFlight = this.runOne(cycleId, triggers)
      .then(() => this.housekeeping(cycleId))
      .finally(() => {
        this.inFlight = undefined;
        this.current = undefined;
        this.cycles++;
        if (!this.stopped && this.paused === undefined) {
          this.timer.arm(this.o.timers.now() + this.o.intervalMs);
          const due = this.o.nextVerificationAt?.();
          if (due !== undefined) this.verifyAlarm.armEarliest(due);
          if (this.pending.size > 0) this.kick();
        }
        if (this.inFlight === undefined && this.pending.size === 0) this.notifyIdle();
      });
  }

  private async housekeeping(cycleId: string): Promise<void> {
    if (this.stopped || this.o.afterCycle === undefined) return;
    try {
      await this.o.afterCycle(cycleId);
    } catch (err) {
      this.o.log.error('after-cycle housekeeping failed', { cycleId, error: err instanceof Error ? err.message : String(err) });
    }
  }

  private notifyIdle(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }

  private async runOne(cycleId: string, triggers: readonly Trigger[]): Promise<void> {
    const log = this.o.log.child({ cycleId });
    const start = this.o.timers.now();
    const abort = new AbortController();
    this.abortCycle = abort;
    let timeoutHandle: unknown;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timeoutHandle = this.o.timers.setTimeout(() => resolve('timeout'), this.o.cycleTimeoutMs);
    });
    const work = this.o.runCycle(cycleId, triggers, abort.signal).then(
      (r) => r,
      (err: unknown) => err,
    );
    log.debug('cycle start', { triggers });
    const first = await Promise.race([work, timedOut]);
    let report: CycleReport;
    if (first === 'timeout') {
      abort.abort(ABORT_TIMEOUT);
      log.error('cycle timed out; no new phase will start', { timeoutMs: this.o.cycleTimeoutMs });
      report = failed(cycleId, triggers, 'timeout', `cycle ${cycleId} exceeded ${this.o.cycleTimeoutMs} ms`);
      this.finish(report, start);
      await work; // one cycle at a time: the next waits until this one has really stopped
      if (this.abortCycle === abort) this.abortCycle = undefined;
      return;
    }
    this.o.timers.clearTimeout(timeoutHandle);
    if (this.abortCycle === abort) this.abortCycle = undefined;
    if (first instanceof Error || (first as CycleReport | undefined)?.cycleId === undefined) {
      const message = first instanceof Error ? first.message : String(first);
      if (abort.signal.reason === ABORT_STOP) log.warn('cycle stopped at shutdown; no new phase started', { error: message });
      else if (abort.signal.reason === ABORT_LEASE) log.warn('cycle aborted: the leader lease was lost; no new action starts here', { error: message });
      else log.error('cycle failed', { error: message });
      report = failed(cycleId, triggers, 'error', message);
    } else {
      report = first as CycleReport;
    }
    this.finish(report, start);
  }

  private finish(report: CycleReport, start: number): void {
    const seconds = (this.o.timers.now() - start) / 1000;
    if (report.status === 'ok') this.failedInRow = 0;
    else if (this.paused === undefined) {
      // (A cycle cut short because another replica took over did not fail: not counted.)
      this.failedInRow += 1;
      this.lastFailure = { cycleId: report.cycleId, status: report.status, error: report.error ?? report.status, at: new Date(this.o.timers.now()).toISOString() };
    }
    this.o.metrics?.cyclesFailedConsecutive.set(this.failedInRow);
    this.o.metrics?.cycleDuration.observe({ result: report.status }, seconds);
    for (const t of report.triggers) this.o.metrics?.cycles.inc({ trigger: t, result: report.status });
    this.o.log.info('cycle done', {
      cycleId: report.cycleId,
      status: report.status,
      triggers: report.triggers,
      ms: Math.round(seconds * 1000),
      alerts: report.snapshot?.alerts.length,
      decisions: report.decisions.length,
      decisionsNotRecorded: report.unrecorded?.size ?? 0,
      executions: report.executions.length,
    });
    try {
      this.o.onCycle?.(report);
    } catch (err) {
      this.o.log.error('cycle observer failed', { cycleId: report.cycleId, error: err instanceof Error ? err.message : String(err) });
    }
  }
}

function failed(cycleId: string, triggers: readonly Trigger[], status: 'error' | 'timeout', error: string): CycleReport {
  return { cycleId, triggers, status, error, decisions: [], executions: [], executionSkipped: false, durationsMs: {} };
}

/** Injected time: the controller never touches global timers, so tests drive it with fakes. */
export interface Timers {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const h = setTimeout(fn, ms);
    return h;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** One named timer that can be re-armed; arming replaces the previous deadline. */
export class Alarm {
  private handle: unknown;
  private due: number | undefined;
  constructor(
    private readonly timers: Timers,
    private readonly fire: () => void,
  ) {}

  /** Arms the alarm for `at` (epoch ms) unless it is already due earlier. */
  armEarliest(at: number): void {
    if (this.due !== undefined && this.due <= at) return;
    this.arm(at);
  }

  arm(at: number): void {
    this.cancel();
    this.due = at;
    this.handle = this.timers.setTimeout(() => {
      this.handle = undefined;
      this.due = undefined;
      this.fire();
    }, Math.max(0, at - this.timers.now()));
  }

  cancel(): void {
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
    this.due = undefined;
  }

  dueAt(): number | undefined {
    return this.due;
  }
}

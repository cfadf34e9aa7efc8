/** The reference Charter's time source. Tests pass a ManualClock and step the world with tick(). */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start: number | Date = Date.parse('2026-01-01T00:00:00.000Z')) {
    this.#now = typeof start === 'number' ? start : start.getTime();
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

export function isManualClock(c: Clock): c is ManualClock {
  return c instanceof ManualClock;
}

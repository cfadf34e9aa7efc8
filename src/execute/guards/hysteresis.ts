/**
 * Hysteresis against flapping: an incident is acted on only once it has been seen in
 * `minCycles` consecutive cycles, or its oldest firing alert is `minFiringMs` old.
 * An incident missing from one cycle starts counting again.
 */
export interface Seen {
  readonly cycles: number;
  /** Epoch ms of the first cycle of the current streak. */
  readonly since: number;
}

/**
 * What survives a restart or a failover (guard-memory.ts keeps it in the store): the streaks.
 * Not the last cycle id: ids are unique per process, and leaving it out keeps an unchanged
 * state from being written again every cycle.
 */
export interface HysteresisMemory {
  readonly seen: Readonly<Record<string, Seen>>;
}

export function isHysteresisMemory(v: unknown): v is HysteresisMemory {
  if (v === null || typeof v !== 'object') return false;
  const m = v as { seen?: unknown };
  if (m.seen === null || typeof m.seen !== 'object' || Array.isArray(m.seen)) return false;
  return Object.values(m.seen as object).every((s: { cycles?: unknown; since?: unknown }) => Number.isInteger(s?.cycles) && typeof s?.since === 'number');
}

export class HysteresisTracker {
  private seen = new Map<string, Seen>();
  private lastCycle: string | undefined;

  /** Call once per cycle with every incident that has a chosen action. */
  observe(cycleId: string, incidentIds: readonly string[], now: number): void {
    if (cycleId === this.lastCycle) return;
    this.lastCycle = cycleId;
    const next = new Map<string, Seen>();
    for (const id of incidentIds) {
      const prev = this.seen.get(id);
      next.set(id, prev ? { cycles: prev.cycles + 1, since: prev.since } : { cycles: 1, since: now });
    }
    this.seen = next;
  }

  memory(): HysteresisMemory {
    return { seen: Object.fromEntries(this.seen) };
  }

  /** Takes over the streaks the previous leader counted: the next cycle continues them. */
  restore(m: HysteresisMemory): void {
    this.seen = new Map(Object.entries(m.seen));
  }

  get(incidentId: string): Seen | undefined {
    return this.seen.get(incidentId);
  }
}

/** Undefined when the incident may be acted on; else why not. */
export function hysteresisBlock(seen: Seen | undefined, oldestFiringAt: number | undefined, now: number, o: { minCycles: number; minFiringMs: number }): string | undefined {
  const cycles = seen?.cycles ?? 0;
  if (cycles >= o.minCycles) return undefined;
  if (o.minFiringMs > 0 && oldestFiringAt !== undefined && now - oldestFiringAt >= o.minFiringMs) return undefined;
  return `seen in ${cycles} consecutive cycle(s), needs ${o.minCycles}`;
}

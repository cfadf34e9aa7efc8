/**
 * A memo of objects a planner would otherwise make again cycle after cycle (proposal.ts,
 * settle.ts), that judges itself: past JUDGED_AFTER misses with fewer than 1 hit in RARE it
 * rests (REST lookups answer "not kept" at once, and nothing is kept), then tries again; the
 * keepers of one rule set share a budget, past which they are all emptied (a generation), so
 * subjects that come and go cost a bounded amount of memory.
 */
const JUDGED_AFTER = 64;
const RARE = 8;
const REST = 4096;
const MAX_KEPT = 20_000;

export interface KeepBudget {
  generation: number;
  entries: number;
}

export function newKeepBudget(): KeepBudget {
  return { generation: 0, entries: 0 };
}

export class Keeper<K, V> {
  private map = new Map<K, V>();
  private hits = 0;
  private misses = 0;
  private resting = 0;
  private generation: number;

  constructor(private readonly budget: KeepBudget) {
    this.generation = budget.generation;
  }

  /** Whether a miss may be kept (set). */
  get keeping(): boolean {
    return this.resting === 0;
  }

  get(key: K): V | undefined {
    if (this.resting > 0) {
      this.resting--;
      return undefined;
    }
    if (this.generation !== this.budget.generation) {
      this.map.clear();
      this.generation = this.budget.generation;
    }
    const v = this.map.get(key);
    if (v !== undefined) {
      this.hits++;
      return v;
    }
    if (++this.misses >= JUDGED_AFTER) {
      if (this.hits * RARE < this.misses) this.resting = REST;
      this.hits = 0;
      this.misses = 0;
    }
    return undefined;
  }

  set(key: K, value: V): void {
    const b = this.budget;
    if (b.entries >= MAX_KEPT) {
      b.generation++;
      b.entries = 0;
      this.map.clear();
      this.generation = b.generation;
    }
    if (!this.map.has(key)) b.entries++;
    this.map.set(key, value);
  }
}

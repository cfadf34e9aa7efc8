import type { CharterWrite } from '../types/charter.js';

/**
 * Every write the API received (POST/PUT/DELETE outside the test API), in order: what
 * tests and benchmarks read to assert "applied exactly once".
 */

export type WriteRecord = CharterWrite;

export class WriteLog {
  #records: WriteRecord[] = [];
  #next = 1;

  /** Reserve the id of the write being handled (remediation attempts refer to it). */
  nextId(): number {
    return this.#next++;
  }

  push(r: WriteRecord): void {
    this.#records.push(r);
  }

  list(): readonly WriteRecord[] {
    return [...this.#records];
  }

  /** Writes that changed state, optionally only those to one path. */
  applied(path?: string): readonly WriteRecord[] {
    return this.#records.filter((r) => r.applied && (path === undefined || r.path === path));
  }

  clear(): void {
    this.#records = [];
    this.#next = 1;
  }
}

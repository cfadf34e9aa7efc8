/** Cycle ids: sortable by time, unique within a process (`c-<base36 ms>-<seq>`). */
export function cycleIdGenerator(now: () => number = Date.now): () => string {
  let seq = 0;
  return () => `c-${now().toString(36)}-${(seq++).toString(36)}`;
}

/** Durations in rule files: an integer and a unit, `500ms`, `20s`, `10m`, `1h`. */

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

export const DURATION_PATTERN = '^[0-9]+(ms|s|m|h)$';

/** Milliseconds, or null when `s` is not a duration. */
export function parseDuration(s: string): number | null {
  const m = /^([0-9]+)(ms|s|m|h)$/.exec(s);
  if (m === null) return null;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/** The shortest exact form of a duration: 90000 → "90s", 3600000 → "1h". */
export function formatMs(ms: number): string {
  if (ms > 0 && ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms > 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}

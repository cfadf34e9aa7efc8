/**
 * The V8 heap settings of `mapek run` (config `compactHeap`, default on). V8's defaults size
 * the heap for throughput: the young generation grows to 2 × 16 MiB semi-spaces, and the old
 * generation's next collection is set at up to 2-4× its live size, so a service that allocates
 * a few MB per cycle and keeps little sits at 2-3× the memory it needs. Compact: the young
 * generation stays at its initial 1 MiB semi-spaces (short-lived objects are scavenged more
 * often) and the old generation grows by 20 % past its live size before the next collection.
 * Not a cap: a larger load still gets the heap it needs, it only collects more often
 * (docs/PERFORMANCE.md section 12 measures both memory and the CPU it costs).
 *
 * V8 flags are process-wide, so only the process's owner sets them: bin/mapek.js for `run`
 * (before the controller's modules load: V8 does not shrink a young generation that loading
 * them has grown), never a library caller or a test that runs the service in its own process.
 * The config file is read later; when it turns the compact heap off, V8's defaults come back.
 */
import v8 from 'node:v8';
import { parseValue } from '../config/values.js';

export const COMPACT_HEAP_FLAGS: readonly string[] = ['--semi-space-growth-factor=1', '--heap-growing-percent=20'];
/** V8's own values of the same flags (node 20: V8 11.3). */
export const DEFAULT_HEAP_FLAGS: readonly string[] = ['--semi-space-growth-factor=2', '--heap-growing-percent=0'];

function set(flags: readonly string[]): readonly string[] {
  for (const flag of flags) v8.setFlagsFromString(flag);
  return flags;
}

/** Applies the compact heap flags to this process; returns the flags applied. */
export function applyCompactHeap(): readonly string[] {
  return set(COMPACT_HEAP_FLAGS);
}

/** Puts V8's defaults back (the config turned the compact heap off after the launcher set it). */
export function restoreDefaultHeap(): readonly string[] {
  return set(DEFAULT_HEAP_FLAGS);
}

/**
 * The launcher's early decision, before any config file is read: compact for `mapek run`
 * unless MAPEK_COMPACT_HEAP says false (an invalid value is left for the config to report).
 */
export function compactHeapAtLaunch(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): boolean {
  if (argv[0] !== 'run') return false;
  const raw = env['MAPEK_COMPACT_HEAP'];
  const parsed = raw === undefined ? undefined : parseValue('boolean', raw);
  return !(parsed?.ok === true && parsed.value === false);
}

import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Logger } from '../observability/logger.js';

/**
 * Watches rule files and directories and calls `onChange` once per burst of edits (an
 * editor's save is often several events). Returns a stop function.
 */
export async function watchPaths(paths: readonly string[], debounceMs: number, onChange: () => void, log: Logger): Promise<() => void> {
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      onChange();
    }, debounceMs);
  };
  for (const p of paths) {
    try {
      const isDir = (await stat(p)).isDirectory();
      const w = watch(p, { recursive: isDir, persistent: false }, fire);
      w.on('error', (err) => log.warn('rule watcher error', { path: p, error: err.message }));
      watchers.push(w);
    } catch (err) {
      log.warn('cannot watch rule path; reload with SIGHUP', { path: p, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}

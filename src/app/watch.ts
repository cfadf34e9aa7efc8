import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from '../observability/logger.js';

/**
 * Watches rule files and directories and calls `onChange` once per burst of edits (an
 * editor's save is often several events). Returns a stop function.
 *
 * A watcher is tied to an inode, not a path: when the directory is removed and recreated
 * (`git checkout`, config management) it would keep watching the deleted one. So each path's
 * parent is watched too, and whenever an entry of that name changes there, the path is
 * watched afresh (and a reload is due: the contents changed with it). A path missing at start
 * is picked up the same way once it appears.
 */
export async function watchPaths(paths: readonly string[], debounceMs: number, onChange: () => void, log: Logger): Promise<() => void> {
  const closers: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const fire = (): void => {
    if (stopped) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      onChange();
    }, debounceMs);
  };
  for (const p of paths) {
    let current: FSWatcher | undefined;
    let chain: Promise<string | undefined> = Promise.resolve(undefined);
    const detach = (): void => {
      current?.close();
      current = undefined;
    };
    /** Watches `p` as it is now (always afresh: an inode number can be reused); the error when it cannot. */
    const attachNow = async (): Promise<string | undefined> => {
      detach();
      if (stopped) return undefined;
      try {
        const st = await stat(p);
        if (stopped) return undefined;
        const w = watch(p, { recursive: st.isDirectory(), persistent: false }, fire);
        w.on('error', (err) => {
          // The watched inode went away (removed with its directory): follow the path again.
          log.warn('rule watcher error', { path: p, error: err.message });
          if (current === w) void attach();
        });
        current = w;
        return undefined;
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
    };
    /** One attach at a time per path, so a burst of events never leaves two watchers. */
    const attach = (): Promise<string | undefined> => (chain = chain.then(attachNow, attachNow));
    const error = await attach();
    if (error !== undefined) log.warn('cannot watch rule path; reload with SIGHUP', { path: p, error });
    try {
      const name = basename(p);
      const parent = watch(dirname(p), { persistent: false }, (_event, entry) => {
        if (entry !== null && entry !== name) return;
        fire();
        void attach();
      });
      parent.on('error', (err) => log.warn('rule watcher error', { path: dirname(p), error: err.message }));
      closers.push(() => parent.close());
    } catch (err) {
      log.warn('cannot watch the parent of a rule path; a replaced path is not followed', { path: p, error: err instanceof Error ? err.message : String(err) });
    }
    closers.push(detach);
  }
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    for (const c of closers) c();
  };
}

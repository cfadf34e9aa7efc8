import { readFile } from 'node:fs/promises';
import { compileConfig, type CompileResult, type ConfigSources } from '../config/compile.js';
import { locatedMessage } from '../config/file.js';
import type { Config } from '../config/options.js';
import { resolveExecutorOptions } from '../execute/options.js';
import { resolveLearnerOptions } from '../knowledge/learner-options.js';
import { EXECUTOR_SHAPE, LEARNER_SHAPE } from './executor-shape.js';

/**
 * Reads the optional config file and compiles it with the environment and flags. The one
 * place (with the CLI) that sees process.env; everything below gets the resolved Config.
 */
export async function loadConfig(flags: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>>, defaults?: Partial<Config>): Promise<CompileResult> {
  const sources: { flags: typeof flags; env: typeof env; file?: { path: string; text: string }; defaults?: Partial<Config>; shapes: ConfigSources['shapes'] } = { flags, env, shapes: { executor: EXECUTOR_SHAPE, learner: LEARNER_SHAPE } };
  if (defaults) sources.defaults = defaults;
  const path = typeof flags['config'] === 'string' ? flags['config'] : env['MAPEK_CONFIG'];
  if (path !== undefined && path !== '') {
    try {
      sources.file = { path, text: await readFile(path, 'utf8') };
    } catch (err) {
      return { ok: false, errors: [`${path}: cannot read config file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`] };
    }
  }
  const r = compileConfig(sources as ConfigSources);
  if (!r.ok) return r;
  const owners: readonly (readonly ['executor' | 'learner', () => unknown])[] = [
    ['executor', () => resolveExecutorOptions(r.config.executor)],
    ['learner', () => resolveLearnerOptions(r.config.learner)],
  ];
  for (const [top, resolve] of owners) {
    try {
      resolve();
    } catch (err) {
      // "TOP option FIELD: message": located in the file when the file set `TOP:`.
      const message = (err as Error).message;
      const m = new RegExp(`^${top} option ([^:]+): (.*)$`, 's').exec(message);
      const located = m !== null && sources.file !== undefined && new RegExp(`^${top}:`, 'm').test(sources.file.text) ? locatedMessage(sources.file, top, m[1] as string, m[2] as string) : undefined;
      return { ok: false, errors: [located ?? `${top}: ${message}`] };
    }
  }
  return r;
}

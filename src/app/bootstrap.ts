import { readFile } from 'node:fs/promises';
import { compileConfig, type CompileResult, type ConfigSources } from '../config/compile.js';
import { locatedMessage } from '../config/file.js';
import type { Config } from '../config/options.js';
import { resolveExecutorOptions } from '../execute/options.js';
import { EXECUTOR_SHAPE } from './executor-shape.js';

/**
 * Reads the optional config file and compiles it with the environment and flags. The one
 * place (with the CLI) that sees process.env; everything below gets the resolved Config.
 */
export async function loadConfig(flags: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>>, defaults?: Partial<Config>): Promise<CompileResult> {
  const sources: { flags: typeof flags; env: typeof env; file?: { path: string; text: string }; defaults?: Partial<Config>; shapes: ConfigSources['shapes'] } = { flags, env, shapes: { executor: EXECUTOR_SHAPE } };
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
  try {
    resolveExecutorOptions(r.config.executor);
  } catch (err) {
    // "executor option FIELD: message": located in the file when the file set `executor:`.
    const message = (err as Error).message;
    const m = /^executor option ([^:]+): (.*)$/s.exec(message);
    const located = m !== null && sources.file !== undefined && /^executor:/m.test(sources.file.text) ? locatedMessage(sources.file, 'executor', m[1] as string, m[2] as string) : undefined;
    return { ok: false, errors: [located ?? `executor: ${message}`] };
  }
  return r;
}

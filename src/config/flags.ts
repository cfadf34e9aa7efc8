import { OPTIONS } from './options.js';

/** parseArgs option declarations for every option that has a flag (plus --config). */
export function flagOptions(): Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> {
  const opts: Record<string, { type: 'string' | 'boolean' }> = { config: { type: 'string' } };
  for (const o of OPTIONS) if (o.flag !== undefined) opts[o.flag] = { type: o.kind === 'boolean' ? 'boolean' : 'string' };
  return opts;
}

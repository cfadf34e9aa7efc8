/**
 * Structured JSON logger: one line per event with level, time, msg, the cycle id when there
 * is one, and fields. Credentials are redacted by structure, never by searching for a
 * secret's text: a field named like a secret (token, password, authorization, …) is
 * "<redacted>", and in every string the userinfo of a URL and the credentials after
 * Bearer are (src/types/redact.ts).
 */
import { REDACTED, redactCredentials } from '../types/redact.js';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type Fields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  /** A logger that adds `fields` (e.g. `{ cycleId }`) to every line. */
  child(fields: Fields): Logger;
}

export interface LoggerOptions {
  readonly level: Level;
  readonly write: (line: string) => void;
  readonly now?: () => Date;
}

const SECRET_KEY = /(token|passw(or)?d|secret|authorization|credential|api[-_]?key|cookie)/i;

function errorFields(e: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { name: e.name, message: e.message };
  const retryable = (e as { retryable?: unknown }).retryable;
  if (typeof retryable === 'boolean') out['retryable'] = retryable;
  return out;
}

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactCredentials(value);
  if (value instanceof Error) return scrub(errorFields(value), depth);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 6) return '[deep]';
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null ? REDACTED : scrub(v, depth + 1);
  }
  return out;
}

export function createLogger(opts: LoggerOptions, bound: Fields = {}): Logger {
  const now = opts.now ?? (() => new Date());
  const min = ORDER[opts.level];
  const emit = (level: Level, msg: string, fields?: Fields): void => {
    if (ORDER[level] < min) return;
    const body = scrub({ ...bound, ...fields }, 0) as Record<string, unknown>;
    const line = { level, time: now().toISOString(), msg: scrub(msg, 0), ...body };
    opts.write(JSON.stringify(line));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(opts, { ...bound, ...fields }),
  };
}

/** A logger that drops everything (tests, library defaults). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

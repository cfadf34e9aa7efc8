import { redactCredentials } from '../types/redact.js';
import { LOG_LEVELS, WEBHOOK_AUTH, type OptionKind } from './options.js';

/** Result of parsing one raw option value: the compiled value or what is wrong with it. */
export type ParsedValue = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

const ok = (value: unknown): ParsedValue => ({ ok: true, value });
const bad = (message: string): ParsedValue => ({ ok: false, message });

function show(raw: unknown): string {
  return typeof raw === 'string' ? JSON.stringify(raw) : JSON.stringify(raw) ?? String(raw);
}

function toNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && raw.trim() !== '' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw.trim())) return Number(raw);
  return undefined;
}

/**
 * Parses a raw value (a string from the environment or a flag, or a YAML scalar) of the
 * given kind. Messages are lower case and quote the offending value.
 */
export function parseValue(kind: OptionKind, raw: unknown): ParsedValue {
  switch (kind) {
    case 'url': {
      if (typeof raw !== 'string' || raw === '') return bad(`must be an http(s) URL, got ${show(raw)}`);
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        return bad(`must be an http(s) URL, got ${show(raw)}`);
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return bad(`must be an http(s) URL, got ${show(raw)}`);
      return ok(raw.replace(/\/+$/, ''));
    }
    case 'string':
    case 'host':
      if (typeof raw !== 'string' || raw.trim() === '') return bad(`must be a non-empty string, got ${show(raw)}`);
      return ok(raw);
    case 'seconds': {
      const n = toNumber(raw);
      if (n === undefined || !Number.isFinite(n) || n <= 0) return bad(`must be a positive number of seconds, got ${show(raw)}`);
      return ok(Math.max(1, Math.round(n * 1000)));
    }
    case 'milliseconds': {
      const n = toNumber(raw);
      if (n === undefined || !Number.isInteger(n) || n < 0) return bad(`must be a whole number of milliseconds ≥ 0, got ${show(raw)}`);
      return ok(n);
    }
    case 'integer': {
      const n = toNumber(raw);
      if (n === undefined || !Number.isInteger(n) || n < 1) return bad(`must be a positive integer, got ${show(raw)}`);
      return ok(n);
    }
    case 'port': {
      const n = toNumber(raw);
      if (n === undefined || !Number.isInteger(n) || n < 0 || n > 65535) return bad(`must be a port number 0..65535, got ${show(raw)}`);
      return ok(n);
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return ok(raw);
      if (typeof raw === 'string') {
        const s = raw.trim().toLowerCase();
        if (['true', '1', 'yes', 'on'].includes(s)) return ok(true);
        if (['false', '0', 'no', 'off'].includes(s)) return ok(false);
      }
      return bad(`must be true or false, got ${show(raw)}`);
    }
    case 'level':
      if (typeof raw === 'string' && (LOG_LEVELS as readonly string[]).includes(raw)) return ok(raw);
      return bad(`must be one of ${LOG_LEVELS.join(', ')}, got ${show(raw)}`);
    case 'list': {
      const items = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter((s) => s !== '') : raw;
      if (!Array.isArray(items) || items.length === 0 || !items.every((s) => typeof s === 'string' && s.trim() !== '')) {
        return bad(`must be a non-empty list of paths, got ${show(raw)}`);
      }
      return ok(items as string[]);
    }
    case 'auth':
      if (typeof raw === 'string' && (WEBHOOK_AUTH as readonly string[]).includes(raw)) return ok(raw);
      return bad(`must be one of ${WEBHOOK_AUTH.join(', ')}, got ${show(raw)}`);
    case 'store-url': {
      // The URL may carry a password: a message shows it redacted.
      const shown = typeof raw === 'string' ? JSON.stringify(redactCredentials(raw)) : show(raw);
      if (typeof raw !== 'string' || !/^postgres(ql)?:\/\/[^/]/i.test(raw)) return bad(`must be a postgres:// or postgresql:// URL, got ${shown}`);
      try {
        new URL(raw);
      } catch {
        return bad(`must be a postgres:// or postgresql:// URL, got ${shown}`);
      }
      return ok(raw);
    }
    case 'mapping':
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return bad(`must be a mapping, got ${show(raw)}`);
      return ok(raw);
    default: {
      const never: never = kind;
      return bad(`unknown option kind ${String(never)}`);
    }
  }
}

import { OPTIONS, type Config, type ConfigKey, type OptionSpec } from './options.js';
import { checkShape, type Shape } from './shape.js';
import { parseValue } from './values.js';
import { parseConfigFile } from './file.js';
import { REDACTED, redactCredentials } from '../types/redact.js';

/** Where option values come from; the CLI gathers them, nothing below it reads process.env. */
export interface ConfigSources {
  /** Parsed flag values keyed by flag name (strings or booleans); absent flags are absent. */
  readonly flags?: Readonly<Record<string, unknown>>;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly file?: { readonly path: string; readonly text: string };
  /** Overrides applied over the defaults but under file/env/flags (e.g. the demo's fast settings). */
  readonly defaults?: Partial<Config>;
  /**
   * The keys and kinds a mapping option may hold in the file (`executor`: from the
   * executor's own defaults, src/app/bootstrap.ts); anything else is a FILE:LINE error.
   */
  readonly shapes?: Partial<Record<ConfigKey, Shape>>;
}

export type CompileResult = { readonly ok: true; readonly config: Config } | { readonly ok: false; readonly errors: readonly string[] };

/** True when `key` is the mapping of dotted file options (`store` of `store.url`). */
const isGroup = (key: string): boolean => OPTIONS.some((o) => o.file.startsWith(`${key}.`));

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

const EMPTY_SECRET_HINT: Partial<Record<string, string>> = {
  webhookToken: 'set a token, or unset it and set MAPEK_WEBHOOK_AUTH=off to run without webhook authentication',
  charterToken: 'set a token, or unset it to send none',
};

/**
 * Webhook authentication is on with a token, off only when stated (`webhookAuth: off`),
 * never off because a token is missing; resolves `webhookAuth` to 'token' when a token is set.
 */
function webhookAuthErrors(out: Record<string, unknown>): string[] {
  const token = out['webhookToken'];
  const auth = out['webhookAuth'];
  if (auth === 'off' && token !== undefined) return ['MAPEK_WEBHOOK_AUTH: is "off" but MAPEK_WEBHOOK_TOKEN is set; unset one of them'];
  if (auth === 'token' && token === undefined) return ['MAPEK_WEBHOOK_AUTH: is "token" but MAPEK_WEBHOOK_TOKEN is not set'];
  if (token !== undefined) out['webhookAuth'] = 'token';
  if (!LOOPBACK.has(String(out['listenHost'])) && token === undefined) {
    return [`listenHost: binding "${String(out['listenHost'])}" (not loopback) requires MAPEK_WEBHOOK_TOKEN`];
  }
  return [];
}

/**
 * The lease renewal must leave room for a failed renewal before the lease lapses: at most half
 * the TTL. Located where the renewal (else the TTL) was set.
 */
function leaseErrors(out: Record<string, unknown>, setBy: ReadonlyMap<ConfigKey, string>): string[] {
  const ttl = out['leaseTtlMs'] as number;
  const renew = out['leaseRenewMs'] as number | undefined;
  if (renew === undefined || renew <= ttl / 2) return [];
  const where = setBy.get('leaseRenewMs') ?? 'leaseRenew';
  return [`${where}: must be at most half of the lease TTL (${ttl / 1000} s), got ${renew / 1000} s`];
}

/**
 * Compiles every source into one fully resolved, frozen Config: flags > env > file >
 * defaults. Every problem is reported at once, each naming its source and field, e.g.
 * `MAPE_K_INTERVAL: must be a positive number of seconds, got "abc"`.
 */
export function compileConfig(sources: ConfigSources): CompileResult {
  const errors: string[] = [];
  const out: Record<string, unknown> = {};
  /** Where each option got its value (`FILE:LINE: key`, `MAPEK_…`, `--flag`), for cross-checks. */
  const setBy = new Map<ConfigKey, string>();
  for (const o of OPTIONS) out[o.key] = sources.defaults?.[o.key] ?? o.default;

  if (sources.file) {
    const parsed = parseConfigFile(sources.file.path, sources.file.text);
    if (!parsed.ok) {
      errors.push(...parsed.errors);
    } else {
      for (const [key, { value, line }] of parsed.file.entries) {
        const spec = OPTIONS.find((o) => o.file === key);
        if (spec === undefined && isGroup(key)) {
          applyGroup(key, value, line, parsed.file.lineOf);
          continue;
        }
        if (spec === undefined) {
          errors.push(`${sources.file.path}:${line}: unknown key "${key}"`);
          continue;
        }
        const shape = sources.shapes?.[spec.key];
        const wrong = shape === undefined ? [] : checkShape(value, shape);
        for (const w of wrong) errors.push(`${sources.file.path}:${parsed.file.lineOf([key, ...w.path])}: ${[key, ...w.path].join('.')}: ${w.message}`);
        if (wrong.length === 0) apply(spec, value, `${sources.file.path}:${line}: ${key}`);
      }
    }
  }
  for (const spec of OPTIONS) {
    const raw = spec.env === undefined ? undefined : sources.env?.[spec.env];
    // An empty variable counts as unset, except a secret: `MAPEK_WEBHOOK_TOKEN=` must not
    // quietly turn authentication off.
    if (raw === '' && spec.secret === true) errors.push(`${spec.env as string}: is set but empty; ${EMPTY_SECRET_HINT[spec.key] ?? 'set a value or unset it'}`);
    else if (raw !== undefined && raw !== '') apply(spec, raw, spec.env as string);
  }
  for (const spec of OPTIONS) {
    if (spec.flag === undefined) continue;
    const raw = sources.flags?.[spec.flag];
    if (raw !== undefined) apply(spec, raw, `--${spec.flag}`);
  }

  /** A mapping of dotted options (`store: { url: … }` for `store.url`): each key checked like a top-level one. */
  function applyGroup(group: string, value: unknown, line: number, lineOf: (path: readonly (string | number)[]) => number): void {
    const path = sources.file!.path;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      errors.push(`${path}:${line}: ${group}: must be a mapping (${OPTIONS.filter((o) => o.file.startsWith(`${group}.`)).map((o) => o.file).join(', ')})`);
      return;
    }
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const spec = OPTIONS.find((o) => o.file === `${group}.${k}`);
      if (spec === undefined) errors.push(`${path}:${lineOf([group, k])}: unknown key "${group}.${k}"`);
      else apply(spec, v, `${path}:${lineOf([group, k])}: ${group}.${k}`);
    }
  }

  function apply(spec: OptionSpec, raw: unknown, where: string): void {
    const v = parseValue(spec.kind, raw);
    if (v.ok) {
      out[spec.key] = v.value;
      setBy.set(spec.key, where);
    } else errors.push(`${where}: ${v.message}`);
  }

  if (errors.length === 0) errors.push(...webhookAuthErrors(out), ...leaseErrors(out, setBy));
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, config: Object.freeze({ ...out, rules: Object.freeze([...(out['rules'] as string[])]) }) as unknown as Config };
}

/**
 * A copy of the config safe to print, redacted by structure: secret options become
 * "<redacted>", a URL option keeps everything but its userinfo (`http://<redacted>@host`).
 */
export function redactedConfig(config: Config): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...config };
  for (const o of OPTIONS) {
    const v = copy[o.key];
    if (v === undefined) continue;
    if (o.secret === true) copy[o.key] = REDACTED;
    else if ((o.kind === 'url' || o.kind === 'store-url') && typeof v === 'string') copy[o.key] = redactCredentials(v);
  }
  return copy;
}

/**
 * Help text for options, generated from the one options table (options.ts): each option with
 * its flag and value name, its environment variable, its file key and its default in the
 * unit the user types. `mapek run --help` and `mapek record --help` print these lines, so
 * help and behaviour cannot drift (test/unit/config/help.test.ts parses them back).
 */
import type { OptionKind, OptionSpec } from './options.js';

/** Value name by kind; a spec's `valueName` wins. Booleans and mappings take none. */
export function valueName(spec: OptionSpec): string | undefined {
  if (spec.valueName !== undefined) return spec.valueName;
  const byKind: Record<OptionKind, string | undefined> = {
    url: 'URL',
    string: 'TEXT',
    seconds: 'SECONDS',
    milliseconds: 'MS',
    integer: 'N',
    boolean: undefined,
    level: 'LEVEL',
    list: 'PATH[,PATH]',
    port: 'PORT',
    host: 'HOST',
    mapping: undefined,
    auth: 'token|off',
    'store-url': 'URL',
  };
  return byKind[spec.kind];
}

/** The default as the user would write it (seconds for `seconds` options), or "unset". */
export function defaultText(spec: OptionSpec): string {
  const d = spec.default;
  if (d === undefined) return 'unset';
  switch (spec.kind) {
    case 'seconds':
      return String((d as number) / 1000);
    case 'list':
      return (d as readonly string[]).join(',');
    case 'mapping':
      return Object.keys(d as object).length === 0 ? 'none (every guard rail at its default)' : JSON.stringify(d);
    case 'url':
    case 'string':
    case 'milliseconds':
    case 'integer':
    case 'boolean':
    case 'level':
    case 'port':
    case 'host':
    case 'auth':
    case 'store-url':
      return String(d);
    default: {
      const never: never = spec.kind;
      return String(never);
    }
  }
}

/** Where else the option is read from and its default: `env MAPE_K_INTERVAL, file interval; default 30`. */
export function sourcesText(spec: OptionSpec, withEnv = true): string {
  const from = [withEnv && spec.env !== undefined ? `env ${spec.env}` : undefined, `file ${spec.file}`].filter((s) => s !== undefined).join(', ');
  return `${from}; default ${defaultText(spec)}`;
}

const COLUMN = 30;
const WIDTH = 100;

/** Words of `text` in lines of at most WIDTH - COLUMN characters. */
function wrap(text: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > WIDTH - COLUMN) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

function entry(head: string, spec: OptionSpec, withEnv: boolean): string[] {
  const pad = ' '.repeat(COLUMN);
  const [first = '', ...rest] = wrap(spec.doc);
  const lead = head.length + 3 <= COLUMN ? [`  ${head.padEnd(COLUMN - 2)}${first}`] : [`  ${head}`, `${pad}${first}`];
  return [...lead, ...rest.map((l) => `${pad}${l}`), `${pad}${sourcesText(spec, withEnv)}`];
}

/** Help lines of every option that has a flag: `--interval SECONDS`, its doc, env, file key, default. */
export function flagHelp(options: readonly OptionSpec[]): string {
  return options
    .filter((o) => o.flag !== undefined)
    .flatMap((o) => {
      const v = valueName(o);
      return entry(`--${o.flag as string}${v === undefined ? '' : ` ${v}`}`, o, true);
    })
    .join('\n');
}

/** Help lines of the options without a flag (environment or file only). */
export function environmentHelp(options: readonly OptionSpec[]): string {
  return options
    .filter((o) => o.flag === undefined)
    .flatMap((o) => {
      const v = valueName(o);
      return entry(o.env !== undefined ? `${o.env}${v === undefined ? '' : `=${v}`}` : `${o.file}:`, o, false);
    })
    .join('\n');
}

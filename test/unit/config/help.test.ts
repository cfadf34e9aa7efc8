import test from 'ava';
import { command as run } from '../../../src/cli/run.js';
import { command as record } from '../../../src/cli/record.js';
import { compileConfig, OPTIONS } from '../../../src/config/index.js';
import { valueName } from '../../../src/config/help.js';
import type { OptionSpec } from '../../../src/config/options.js';
import { captureIo } from '../../support/io.js';

async function help(command: typeof run): Promise<string> {
  const io = captureIo();
  t0(await command.run(['--help'], io));
  return io.stdout();
}
function t0(code: number): void {
  if (code !== 0) throw new Error(`--help exited ${code}`);
}

interface Entry {
  readonly value: string | undefined;
  readonly env: string | undefined;
  readonly file: string;
  readonly default: string;
}

/** The help entry starting with `head` (e.g. `--interval`): value name, env, file key, default. */
function entry(text: string, head: string): Entry | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`  ${head} `) || l === `  ${head}` || l.startsWith(`  ${head}=`));
  if (start < 0) return undefined;
  const value = /^ {2}\S+?(?:[ =](\S+))?(?: {2,}|$)/.exec(lines[start] ?? '')?.[1];
  for (const l of lines.slice(start)) {
    const m = /^ {30}(?:env (\S+), )?file (\S+); default (.+)$/.exec(l);
    if (m) return { value, env: m[1], file: m[2] ?? '', default: m[3] ?? '' };
  }
  return undefined;
}

const base = compileConfig({});
const defaults = base.ok ? (base.config as unknown as Record<string, unknown>) : {};

/** A value of the option's kind that is not its default, as the user would type it. */
function sample(o: OptionSpec): string {
  // The lease is renewed at most every half TTL (10 s by default): 7 s would be refused.
  if (o.key === 'leaseRenewMs') return '3';
  switch (o.kind) {
    case 'url': return 'http://127.0.0.1:1234';
    case 'string': return 'some-value';
    case 'seconds': return '7';
    case 'milliseconds': case 'integer': return '7';
    case 'port': return '1234';
    case 'host': return 'localhost';
    case 'level': return 'debug';
    case 'list': return 'a,b';
    case 'boolean': return 'true';
    case 'auth': return 'off';
    case 'mapping': return '';
    case 'store-url': return 'postgres://mapek@127.0.0.1:5432/mapek';
  }
}

test('mapek run --help: every option with its value name, environment variable, file key and default from the table', async (t) => {
  const text = await help(run);
  t.true(base.ok);
  for (const o of OPTIONS) {
    const head = o.flag !== undefined ? `--${o.flag}` : o.env ?? `${o.file}:`;
    const e = entry(text, head);
    if (e === undefined) {
      t.fail(`no help entry for ${head}`);
      continue;
    }
    t.is(e.value, o.flag !== undefined ? valueName(o) : o.env !== undefined ? valueName(o) : undefined, head);
    t.is(e.file, o.file, head);
    if (o.flag !== undefined) t.is(e.env, o.env, head);
    // The default help shows is the default the config compiles to.
    if (e.default === 'unset') t.is(defaults[o.key], undefined, head);
    else if (o.kind === 'mapping') t.deepEqual(defaults[o.key], {}, head);
    else if (o.flag !== undefined) {
      const r = compileConfig({ flags: { [o.flag]: o.kind === 'boolean' ? e.default === 'true' : e.default } });
      t.true(r.ok, head);
      if (r.ok) t.deepEqual((r.config as unknown as Record<string, unknown>)[o.key], defaults[o.key], `${head}: default ${e.default}`);
    } else if (o.env !== undefined) {
      const r = compileConfig({ env: { [o.env]: e.default } });
      t.true(r.ok, head);
      if (r.ok) t.deepEqual((r.config as unknown as Record<string, unknown>)[o.key], defaults[o.key], `${head}: default ${e.default}`);
    }
  }
});

test('the flag and the environment variable help names set the same option', (t) => {
  for (const o of OPTIONS) {
    if (o.flag === undefined || o.env === undefined) continue;
    const raw = sample(o);
    const byFlag = compileConfig({ flags: { [o.flag]: o.kind === 'boolean' ? true : raw } });
    const byEnv = compileConfig({ env: { [o.env]: raw } });
    t.true(byFlag.ok && byEnv.ok, o.key);
    if (!byFlag.ok || !byEnv.ok) continue;
    const flagValue = (byFlag.config as unknown as Record<string, unknown>)[o.key];
    t.deepEqual((byEnv.config as unknown as Record<string, unknown>)[o.key], flagValue, o.key);
    t.notDeepEqual(flagValue, defaults[o.key], `${o.key}: the sample differs from the default`);
  }
});

test('the example the issue named: --interval shows SECONDS, MAPE_K_INTERVAL and 30; --prometheus-url shows URL', async (t) => {
  const text = await help(run);
  t.true(text.includes('  --interval SECONDS          Seconds between timer-driven cycles (webhooks trigger cycles earlier).\n                              env MAPE_K_INTERVAL, file interval; default 30\n'));
  t.deepEqual(entry(text, '--prometheus-url'), { value: 'URL', env: 'PROMETHEUS_URL', file: 'prometheusUrl', default: 'unset' });
});

test('mapek record --help lists the same generated entries for the options it shares with run', async (t) => {
  const text = await help(record);
  for (const o of OPTIONS) {
    if (o.flag === undefined) continue;
    t.deepEqual(entry(text, `--${o.flag}`), entry(await help(run), `--${o.flag}`), o.flag);
  }
});

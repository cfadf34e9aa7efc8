import test from 'ava';
import { compileConfig, redactedConfig } from '../../../src/config/index.js';
import { parseValue } from '../../../src/config/values.js';
import { flagOptions } from '../../../src/config/flags.js';

test('defaults compile into a resolved config with durations in ms', (t) => {
  const r = compileConfig({});
  if (!r.ok) return t.fail(r.errors.join('\n'));
  t.is(r.config.intervalMs, 30_000);
  t.is(r.config.listenHost, '127.0.0.1');
  t.is(r.config.listenPort, 9400);
  t.is(r.config.prometheusUrl, undefined);
  t.deepEqual(r.config.rules, ['rules']);
  t.true(Object.isFrozen(r.config));
});

test('flags win over env, env over file, file over defaults', (t) => {
  const file = { path: 'mapek.yaml', text: 'interval: 10\nlogLevel: warn\nlistenPort: 9500\nprometheusUrl: http://file:9090\n' };
  const env = { MAPE_K_INTERVAL: '20', LOG_LEVEL: 'debug' };
  const r = compileConfig({ file, env, flags: { interval: '5' } });
  if (!r.ok) return t.fail(r.errors.join('\n'));
  t.is(r.config.intervalMs, 5_000);
  t.is(r.config.logLevel, 'debug');
  t.is(r.config.listenPort, 9500);
  t.is(r.config.prometheusUrl, 'http://file:9090');
});

test('a bad environment value names the variable and quotes the value', (t) => {
  const r = compileConfig({ env: { MAPE_K_INTERVAL: 'abc' } });
  t.deepEqual(r, { ok: false, errors: ['MAPE_K_INTERVAL: must be a positive number of seconds, got "abc"'] });
});

test('every problem is reported at once, each naming its source', (t) => {
  const r = compileConfig({
    env: { PROMETHEUS_URL: 'ftp://x', LOG_LEVEL: 'loud' },
    flags: { port: '70000' },
    file: { path: 'm.yaml', text: 'interval: 1\nbogus: 2\ncycleTimeout: -1\n' },
  });
  t.false(r.ok);
  if (r.ok) return;
  t.deepEqual(r.errors, [
    'm.yaml:2: unknown key "bogus"',
    'm.yaml:3: cycleTimeout: must be a positive number of seconds, got -1',
    'PROMETHEUS_URL: must be an http(s) URL, got "ftp://x"',
    'LOG_LEVEL: must be one of debug, info, warn, error, got "loud"',
    '--port: must be a port number 0..65535, got "70000"',
  ]);
});

test('invalid YAML names file and line', (t) => {
  const r = compileConfig({ file: { path: 'm.yaml', text: 'interval: 1\n  bad: [\n' } });
  t.false(r.ok);
  if (r.ok) return;
  t.regex(r.errors[0] ?? '', /^m\.yaml:\d+: invalid YAML: /);
});

test('a config file that is not a mapping is rejected', (t) => {
  t.deepEqual(compileConfig({ file: { path: 'm.yaml', text: '- a\n- b\n' } }), { ok: false, errors: ['m.yaml:1: must be a mapping of option names to values'] });
  const empty = compileConfig({ file: { path: 'm.yaml', text: '' } });
  t.true(empty.ok);
});

test('empty environment values count as unset', (t) => {
  const r = compileConfig({ env: { PROMETHEUS_URL: '', MAPE_K_INTERVAL: '' } });
  t.true(r.ok);
});

test('binding a non-loopback address requires a webhook token', (t) => {
  t.deepEqual(compileConfig({ flags: { host: '0.0.0.0' } }), {
    ok: false,
    errors: ['listenHost: binding "0.0.0.0" (not loopback) requires MAPEK_WEBHOOK_TOKEN'],
  });
  t.true(compileConfig({ flags: { host: '0.0.0.0' }, env: { MAPEK_WEBHOOK_TOKEN: 's3cret' } }).ok);
});

test('secrets are redacted by structure: secret options, and the userinfo of URL options', (t) => {
  const r = compileConfig({ env: { MAPEK_WEBHOOK_TOKEN: 'w-tok', MAPEK_CHARTER_TOKEN: 'c-tok', CHARTER_API_URL: 'https://mapek:pa%40ss@charter.example:8443/base', PROMETHEUS_URL: 'http://127.0.0.1:9090' } });
  if (!r.ok) return t.fail(r.errors.join('\n'));
  const red = redactedConfig(r.config);
  t.is(red['webhookToken'], '<redacted>');
  t.is(red['charterToken'], '<redacted>');
  t.is(red['charterApiUrl'], 'https://<redacted>@charter.example:8443/base');
  t.is(red['prometheusUrl'], 'http://127.0.0.1:9090');
  t.is(r.config.charterApiUrl, 'https://mapek:pa%40ss@charter.example:8443/base', 'the config itself keeps the credentials');
});

test('an empty secret in the environment is an error, not "unset"', (t) => {
  t.deepEqual(compileConfig({ env: { MAPEK_WEBHOOK_TOKEN: '', MAPEK_CHARTER_TOKEN: '' } }), {
    ok: false,
    errors: [
      'MAPEK_CHARTER_TOKEN: is set but empty; set a token, or unset it to send none',
      'MAPEK_WEBHOOK_TOKEN: is set but empty; set a token, or unset it and set MAPEK_WEBHOOK_AUTH=off to run without webhook authentication',
    ],
  });
});

test('webhook authentication: a token implies "token"; "off" only when stated; contradictions are errors', (t) => {
  const auth = (sources: Parameters<typeof compileConfig>[0]): unknown => {
    const r = compileConfig(sources);
    return r.ok ? r.config.webhookAuth : r.errors;
  };
  t.is(auth({}), undefined);
  t.is(auth({ env: { MAPEK_WEBHOOK_TOKEN: 'w' } }), 'token');
  t.is(auth({ env: { MAPEK_WEBHOOK_AUTH: 'off' } }), 'off');
  t.is(auth({ flags: { 'webhook-auth': 'token' }, env: { MAPEK_WEBHOOK_TOKEN: 'w' } }), 'token');
  t.deepEqual(auth({ env: { MAPEK_WEBHOOK_AUTH: 'off', MAPEK_WEBHOOK_TOKEN: 'w' } }), ['MAPEK_WEBHOOK_AUTH: is "off" but MAPEK_WEBHOOK_TOKEN is set; unset one of them']);
  t.deepEqual(auth({ env: { MAPEK_WEBHOOK_AUTH: 'token' } }), ['MAPEK_WEBHOOK_AUTH: is "token" but MAPEK_WEBHOOK_TOKEN is not set']);
  t.deepEqual(auth({ env: { MAPEK_WEBHOOK_AUTH: 'none' } }), ['MAPEK_WEBHOOK_AUTH: must be one of token, off, got "none"']);
  t.deepEqual(auth({ file: { path: 'm.yaml', text: 'webhookToken: ""\n' } }), ['m.yaml:1: webhookToken: must be a non-empty string, got ""']);
});

test('defaults can be overridden by the caller (the demo)', (t) => {
  const r = compileConfig({ defaults: { intervalMs: 500 }, env: {} });
  t.true(r.ok && r.config.intervalMs === 500);
});

test('value parsers', (t) => {
  t.deepEqual(parseValue('boolean', 'yes'), { ok: true, value: true });
  t.deepEqual(parseValue('boolean', 'off'), { ok: true, value: false });
  t.deepEqual(parseValue('boolean', 'maybe'), { ok: false, message: 'must be true or false, got "maybe"' });
  t.deepEqual(parseValue('list', 'a, b,,c'), { ok: true, value: ['a', 'b', 'c'] });
  t.deepEqual(parseValue('list', []), { ok: false, message: 'must be a non-empty list of paths, got []' });
  t.deepEqual(parseValue('milliseconds', '250'), { ok: true, value: 250 });
  t.deepEqual(parseValue('milliseconds', '2.5'), { ok: false, message: 'must be a whole number of milliseconds ≥ 0, got "2.5"' });
  t.deepEqual(parseValue('integer', 0), { ok: false, message: 'must be a positive integer, got 0' });
  t.deepEqual(parseValue('seconds', '0.25'), { ok: true, value: 250 });
  t.deepEqual(parseValue('url', 'http://h:1/'), { ok: true, value: 'http://h:1' });
  t.deepEqual(parseValue('url', 'not a url'), { ok: false, message: 'must be an http(s) URL, got "not a url"' });
  t.deepEqual(parseValue('string', ''), { ok: false, message: 'must be a non-empty string, got ""' });
});

test('flag declarations cover the flagged options and --config', (t) => {
  const f = flagOptions();
  t.deepEqual(f['config'], { type: 'string' });
  t.deepEqual(f['dry-run'], { type: 'boolean' });
  t.deepEqual(f['interval'], { type: 'string' });
  t.is(f['webhook-token'], undefined);
});

test('the executor mapping passes through from the file; a scalar is rejected', (t) => {
  const r = compileConfig({ file: { path: 'm.yaml', text: 'executor:\n  cooldownMs: 1000\n  hysteresis: { minCycles: 1 }\n' } });
  t.true(r.ok && (r.config.executor as { cooldownMs: number }).cooldownMs === 1000);
  t.deepEqual(compileConfig({ file: { path: 'm.yaml', text: 'executor: 3\n' } }), { ok: false, errors: ['m.yaml:1: executor: must be a mapping, got 3'] });
});

test('config file lines come from the YAML parser: quoted keys, comments, flow mappings and CRLF', (t) => {
  const text = '# mapek config\r\n\r\n"intervall": 3\r\nlogLevel: info\r\n';
  t.deepEqual(compileConfig({ file: { path: 'q.yaml', text } }), { ok: false, errors: ['q.yaml:3: unknown key "intervall"'] });
  const flow = '{ interval: 3,\n  bogus: 1 }\n';
  t.deepEqual(compileConfig({ file: { path: 'f.yaml', text: flow } }), { ok: false, errors: ['f.yaml:2: unknown key "bogus"'] });
  const nested = 'executor:\n  interval: 1\nretries: 2\n';
  t.deepEqual(compileConfig({ file: { path: 'n.yaml', text: nested } }), { ok: false, errors: ['n.yaml:3: unknown key "retries"'] });
});

test('invalid YAML: the exact message with the 1-based line', (t) => {
  t.deepEqual(compileConfig({ file: { path: 'm.yaml', text: 'interval: 1\nrules: [a,\n' } }), {
    ok: false,
    errors: ['m.yaml:3: invalid YAML: unexpected end of the stream within a flow collection'],
  });
  t.deepEqual(compileConfig({ file: { path: 'd.yaml', text: 'a: 1\na: 2\n' } }), { ok: false, errors: ['d.yaml:2: invalid YAML: duplicated mapping key'] });
});

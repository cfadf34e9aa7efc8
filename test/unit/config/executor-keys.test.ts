import test from 'ava';
import yaml from 'js-yaml';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/app/bootstrap.js';
import { EXECUTOR_SHAPE } from '../../../src/app/executor-shape.js';
import { runService } from '../../../src/cli/run.js';
import { EXIT } from '../../../src/cli/command.js';
import { checkShape, shapeOf, withShape } from '../../../src/config/shape.js';
import { DEFAULT_EXECUTOR_OPTIONS } from '../../../src/execute/options.js';
import { captureIo } from '../../support/io.js';

async function configFile(t: { teardown(fn: () => Promise<void>): void }, text: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-exec-keys-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'mapek.yaml');
  await writeFile(file, text);
  return file;
}

const KEYS = 'dryRun, cooldownMs, hysteresis, rateLimit, maxConcurrent, breaker, maxQuarantineShare, approvalRisk, approvalTtlMs, respectSilences, maintenance, retry, verification, releasedTtlMs, unchangedRefreshMs, tryNextBest, maxFallbacks, escalation';

test('mapek run --check: unknown or mistyped keys under executor: are errors with file:line (the issue\'s three)', async (t) => {
  const file = await configFile(t, 'logLevel: info\nexecutor:\n  nonsense: 1\n  breaker: 5\n  rateLimit:\n    perType: "lots"\n');
  const io = captureIo();
  t.is(await runService({ check: true, config: file }, { MAPEK_WEBHOOK_AUTH: 'off' }, io), EXIT.failed);
  t.is(io.stderr(), [
    `mapek run: ${file}:3: executor.nonsense: unknown key (expected one of ${KEYS})`,
    `mapek run: ${file}:4: executor.breaker: must be a mapping, got 5`,
    `mapek run: ${file}:6: executor.rateLimit.perType: must be a mapping, got "lots"`,
    '',
  ].join('\n'));
  t.is(io.stdout(), '', 'never "config ok"');
});

test('deeper mistakes: a typo in a bucket, an unknown action type, a value of the wrong kind', async (t) => {
  const file = await configFile(t, [
    'executor:',
    '  rateLimit:',
    '    types:',
    '      rollback_policy: { burts: 1 }',
    '      bogus_type: { burst: 1 }',
    '  hysteresis:',
    '    minCycles: "two"',
    '  respectSilences: "yes"',
    '',
  ].join('\n'));
  const r = await loadConfig({ config: file }, {});
  t.deepEqual(r, {
    ok: false,
    errors: [
      `${file}:4: executor.rateLimit.types.rollback_policy.burts: unknown key (expected one of burst, perMinute)`,
      `${file}:5: executor.rateLimit.types.bogus_type: unknown key (expected one of rollback_policy, set_enforcement_mode, quarantine_target, scale_committee, enable_validation_cache, reload_policies, notify)`,
      `${file}:7: executor.hysteresis.minCycles: must be a number, got "two"`,
      `${file}:8: executor.respectSilences: must be true or false, got "yes"`,
    ],
  });
});

test('every guard rail the executor has a default for is accepted (the shape follows src/execute/options.ts)', async (t) => {
  const all = {
    ...DEFAULT_EXECUTOR_OPTIONS,
    rateLimit: { ...DEFAULT_EXECUTOR_OPTIONS.rateLimit, types: { rollback_policy: { burst: 1, perMinute: 2 } } },
    maintenance: [{ start: '2026-01-01T00:00:00Z', end: '2026-01-01T01:00:00Z' }],
  };
  const file = await configFile(t, yaml.dump({ executor: all }));
  const r = await loadConfig({ config: file }, {});
  t.true(r.ok, r.ok ? '' : r.errors.join('\n'));
  if (r.ok) t.deepEqual(r.config.executor, JSON.parse(JSON.stringify(all)));
});

test('checkShape and shapeOf', (t) => {
  const shape = withShape(shapeOf({ a: 1, b: { c: true, d: 'x' }, e: [], f: {} }), ['f'], { kind: 'record', value: { kind: 'number' } });
  t.deepEqual(checkShape({ a: 2, b: { c: false }, e: [1], f: { any: 3 } }, shape), []);
  t.deepEqual(checkShape({ a: '2', b: { z: 1 }, e: {}, f: { any: 'x' } }, shape), [
    { path: ['a'], message: 'must be a number, got "2"' },
    { path: ['b', 'z'], message: 'unknown key (expected one of c, d)' },
    { path: ['e'], message: 'must be a list, got {}' },
    { path: ['f', 'any'], message: 'must be a number, got "x"' },
  ]);
  t.deepEqual(checkShape(null, shape), [{ path: [], message: 'must be a mapping, got null' }]);
  t.is(EXECUTOR_SHAPE.kind, 'fields');
});

test('a value out of range under executor: is located too (the executor\'s own check, with file:line)', async (t) => {
  const file = await configFile(t, 'logLevel: info\nexecutor:\n  cooldownMs: 0\n  breaker:\n    failures: 0\n');
  t.deepEqual(await loadConfig({ config: file }, {}), { ok: false, errors: [`${file}:5: executor.breaker.failures: expected an integer ≥ 1, got 0`] });
  const windows = await configFile(t, 'executor:\n  maintenance:\n    - { start: "2026-01-01T00:00:00Z", end: "2026-01-01T01:00:00Z" }\n    - { start: "2026-01-01T02:00:00Z", end: "2026-01-01T01:00:00Z" }\n');
  t.deepEqual(await loadConfig({ config: windows }, {}), { ok: false, errors: [`${windows}:4: executor.maintenance[1]: end must be after start`] });
});

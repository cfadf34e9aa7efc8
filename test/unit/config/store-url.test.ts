import test from 'ava';
import { compileConfig, redactedConfig } from '../../../src/config/index.js';

test('store.url in the file, MAPEK_STORE_URL and --store-url select the same option; flags win', (t) => {
  const file = { path: 'm.yaml', text: 'store:\n  url: postgres://mapek@db1:5432/mapek\n' };
  const fromFile = compileConfig({ file });
  t.true(fromFile.ok && fromFile.config.storeUrl === 'postgres://mapek@db1:5432/mapek');
  const fromEnv = compileConfig({ file, env: { MAPEK_STORE_URL: 'postgresql://mapek@db2/mapek' } });
  t.true(fromEnv.ok && fromEnv.config.storeUrl === 'postgresql://mapek@db2/mapek');
  const fromFlag = compileConfig({ file, env: { MAPEK_STORE_URL: 'postgresql://mapek@db2/mapek' }, flags: { 'store-url': 'postgres://db3/x' } });
  t.true(fromFlag.ok && fromFlag.config.storeUrl === 'postgres://db3/x');
  const none = compileConfig({});
  t.true(none.ok && none.config.storeUrl === undefined, 'absent: the journal store under knowledgeDir');
});

test('a store URL that is not postgres names its source and line, and never shows a password', (t) => {
  t.deepEqual(compileConfig({ env: { MAPEK_STORE_URL: 'mysql://root:hunter2@db/x' } }), {
    ok: false,
    errors: ['MAPEK_STORE_URL: must be a postgres:// or postgresql:// URL, got "mysql://<redacted>@db/x"'],
  });
  t.deepEqual(compileConfig({ flags: { 'store-url': 'knowledge' } }), { ok: false, errors: ['--store-url: must be a postgres:// or postgresql:// URL, got "knowledge"'] });
  const r = compileConfig({ file: { path: 'm.yaml', text: 'interval: 5\nstore:\n  url: 42\n  pool: 3\n' } });
  t.deepEqual(r, { ok: false, errors: ['m.yaml:3: store.url: must be a postgres:// or postgresql:// URL, got 42', 'm.yaml:4: unknown key "store.pool"'] });
  t.deepEqual(compileConfig({ file: { path: 'm.yaml', text: 'store: postgres://x/y\n' } }), { ok: false, errors: ['m.yaml:1: store: must be a mapping (store.url)'] });
});

test('the printed config redacts the password of the store URL', (t) => {
  const r = compileConfig({ env: { MAPEK_STORE_URL: 'postgres://mapek:s3cret@db:5432/mapek' } });
  if (!r.ok) return t.fail(r.errors.join('\n'));
  t.is(redactedConfig(r.config)['storeUrl'], 'postgres://<redacted>@db:5432/mapek');
});

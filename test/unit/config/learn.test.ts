import test from 'ava';
import { compileConfig } from '../../../src/config/index.js';

test('learn: on by default; false from the file or MAPEK_LEARN turns the learner off; a bad value is named', (t) => {
  const on = compileConfig({});
  t.true(on.ok && on.config.learn);
  const file = compileConfig({ file: { path: 'mapek.yaml', text: 'learn: false\n' } });
  t.true(file.ok && file.config.learn === false);
  const env = compileConfig({ env: { MAPEK_LEARN: 'false' } });
  t.true(env.ok && env.config.learn === false);
  const bad = compileConfig({ env: { MAPEK_LEARN: 'sometimes' } });
  t.false(bad.ok);
  if (!bad.ok) t.regex(bad.errors.join('\n'), /MAPEK_LEARN/);
});

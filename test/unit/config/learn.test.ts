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

test('learner: settings from the file reach the learner; unknown keys, wrong kinds and out-of-range values are errors at file:line', async (t) => {
  const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
  const os = await import('node:os');
  const path = await import('node:path');
  const { loadConfig } = await import('../../../src/app/bootstrap.js');
  const { resolveLearnerOptions } = await import('../../../src/knowledge/learner-options.js');
  const { DEFAULT_LEARNER_OPTIONS } = await import('../../../src/knowledge/index.js');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-learner-cfg-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const load = async (text: string) => {
    const file = path.join(dir, 'mapek.yaml');
    await writeFile(file, text);
    return { file, r: await loadConfig({ config: file }, { MAPEK_WEBHOOK_AUTH: 'off' }) };
  };
  const none = await load('logLevel: info\n');
  t.true(none.r.ok);
  if (none.r.ok) t.deepEqual(resolveLearnerOptions(none.r.config.learner), DEFAULT_LEARNER_OPTIONS);
  const set = await load('learner:\n  timeWeight: 1\n  forgetting: 0.95\n');
  t.true(set.r.ok);
  if (set.r.ok) t.like(resolveLearnerOptions(set.r.config.learner), { timeWeight: 1, forgetting: 0.95, changeAlpha: DEFAULT_LEARNER_OPTIONS.changeAlpha });
  const unknown = await load('learner:\n  forgeting: 0.9\n');
  t.false(unknown.r.ok);
  if (!unknown.r.ok) t.regex(unknown.r.errors.join('\n'), new RegExp(`^${unknown.file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2: learner\\.forgeting: unknown key \\(expected one of forgetting, `));
  const kind = await load('learner:\n  timeWeight: "fast"\n');
  t.false(kind.r.ok);
  if (!kind.r.ok) t.regex(kind.r.errors.join('\n'), /:2: learner\.timeWeight: /);
  const range = await load('logLevel: info\nlearner:\n  changeAlpha: 0.01\n  forgetting: 1.5\n');
  t.false(range.r.ok);
  if (!range.r.ok) t.deepEqual(range.r.errors, [`${range.file}:4: learner.forgetting: expected more than 0 and at most 1, got 1.5`]);
  t.throws(() => resolveLearnerOptions({ minWeight: 2, maxWeight: 1 }), { message: 'learner option maxWeight: expected more than minWeight (2), got 1' });
  t.throws(() => resolveLearnerOptions({ changeWindow: 2.5 }), { message: 'learner option changeWindow: expected a whole number at least 1, got 2.5' });
});

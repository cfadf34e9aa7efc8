/**
 * `mapek run` applies its compact heap (src/app/heap.ts, config compactHeap) in its own
 * process, says so in its log, and puts V8's defaults back when the config file says
 * `compactHeap: false` (the launcher set the flags before the file was read). Two children
 * against one reference Charter, side by side.
 */
import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startCharter } from '../../src/charter/index.js';
import { COMPACT_HEAP_FLAGS, DEFAULT_HEAP_FLAGS } from '../../src/app/heap.js';
import { metric, startMapekChild } from '../support/e2e-service.js';
import { freePort, REPO_ROOT, waitUntil } from '../support/stack.js';

test('mapek run: compact heap by default (logged, young generation at its initial size); `compactHeap: false` in the config file restores V8 defaults', async (t) => {
  t.timeout(60_000);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-heap-'));
  const charter = await startCharter({ port: 0, seed: 7, tickMs: 250 });
  t.teardown(async () => {
    await charter.close();
    await rm(dir, { recursive: true, force: true });
  });
  const start = async (name: string, extra: Record<string, string>) => {
    const child = await startMapekChild({
      CHARTER_API_URL: charter.url,
      MAPE_K_INTERVAL: '1',
      MAPEK_KNOWLEDGE_DIR: path.join(dir, name),
      MAPEK_LISTEN_PORT: String(await freePort()),
      MAPEK_RULES: path.join(REPO_ROOT, 'test/data/rules/good/minimal.yaml'),
      MAPEK_WEBHOOK_AUTH: 'off',
      ...extra,
    });
    t.teardown(async () => void (await child.stop()));
    return child;
  };
  const config = path.join(dir, 'plain.yaml');
  await writeFile(config, 'compactHeap: false\n');
  const [compact, plain] = await Promise.all([start('compact', {}), start('plain', { MAPEK_CONFIG: config })]);
  const heapLine = (l: Record<string, unknown>): boolean => l['msg'] === "heap: compact (compactHeap: false for V8's defaults)";
  t.deepEqual(compact.logs().find(heapLine)?.['v8Flags'], [...COMPACT_HEAP_FLAGS]);
  for (const c of [compact, plain]) await waitUntil(() => (c.logs().filter((l) => l['msg'] === 'cycle done').length >= 3 ? true : undefined), 30_000, 'three cycles', 100);
  t.is(plain.logs().find(heapLine), undefined, 'no compact heap with compactHeap: false');
  t.deepEqual(plain.logs().find((l) => l['msg'] === 'heap: V8 defaults (compactHeap: false)')?.['v8Flags'], [...DEFAULT_HEAP_FLAGS]);
  const started = (c: typeof compact) => c.logs().find((l) => l['msg'] === 'starting')?.['config'] as Record<string, unknown> | undefined;
  t.is(started(compact)?.['compactHeap'], true);
  t.is(started(plain)?.['compactHeap'], false);
  const newSpace = await metric(compact.url, 'nodejs_heap_space_size_total_bytes', { space: 'new' });
  t.true(newSpace > 0 && newSpace <= 4 * 2 ** 20, `compact new space ${newSpace} bytes`);
  t.is(await compact.stop(), 0);
  t.is(await plain.stop(), 0);
});

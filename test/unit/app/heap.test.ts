/**
 * The compact heap of `mapek run` (src/app/heap.ts), in child processes since V8 flags are
 * process-wide: the same allocation pattern (cycles of objects kept for a few cycles, then
 * dropped) with and without the flags, side by side. Compact keeps the young generation at
 * its initial size and the old generation near its live size; V8's defaults grow both.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { COMPACT_HEAP_FLAGS, DEFAULT_HEAP_FLAGS, compactHeapAtLaunch } from '../../../src/app/heap.js';
import { REPO_ROOT } from '../../support/stack.js';

const run = promisify(execFile);
const HEAP_MODULE = pathToFileURL(path.join(REPO_ROOT, 'dist/src/app/heap.js')).href;

/** Largest new-space and old-space sizes (MiB) seen over 50 cycles of 3,000 objects, each kept for 5 cycles. */
const WORKLOAD = `
import v8 from 'node:v8';
import { applyCompactHeap } from ${JSON.stringify(HEAP_MODULE)};
if (process.argv[1] === 'compact') applyCompactHeap();
const kept = [];
let newMax = 0, oldMax = 0;
for (let round = 0; round < 50; round++) {
  const cycle = [];
  for (let i = 0; i < 3000; i++) cycle.push({ id: i, s: 'x'.repeat(50) + i, a: Array.from({ length: 20 }, (_, k) => ({ k, v: k * i })) });
  kept.push(cycle);
  if (kept.length > 5) kept.shift();
  for (const s of v8.getHeapSpaceStatistics()) {
    if (s.space_name === 'new_space') newMax = Math.max(newMax, s.space_size);
    if (s.space_name === 'old_space') oldMax = Math.max(oldMax, s.space_size);
  }
}
console.log(JSON.stringify({ newMiB: newMax / 2 ** 20, oldMiB: oldMax / 2 ** 20 }));
`;

async function heapOf(mode: 'compact' | 'default'): Promise<{ newMiB: number; oldMiB: number }> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', WORKLOAD, mode], { env: { ...process.env, NODE_OPTIONS: '' } });
  return JSON.parse(stdout) as { newMiB: number; oldMiB: number };
}

test('compact heap: the young generation stays at its initial size and the old one near the live set, where V8 defaults grow both', async (t) => {
  const [compact, fallback] = await Promise.all([heapOf('compact'), heapOf('default')]);
  t.log(`new space ${compact.newMiB} vs ${fallback.newMiB} MiB; old space ${compact.oldMiB.toFixed(1)} vs ${fallback.oldMiB.toFixed(1)} MiB`);
  t.true(compact.newMiB <= 4, `compact new space ${compact.newMiB} MiB`);
  t.true(compact.newMiB * 4 <= fallback.newMiB, `new space: compact ${compact.newMiB} MiB, default ${fallback.newMiB} MiB`);
  t.true(compact.oldMiB < fallback.oldMiB * 0.6, `old space: compact ${compact.oldMiB} MiB, default ${fallback.oldMiB} MiB`);
});

test('the flags are V8 flags this node knows (a renamed flag would be silently ignored), and DEFAULT_HEAP_FLAGS are its defaults', async (t) => {
  const { stdout } = await run(process.execPath, ['--v8-options'], { maxBuffer: 16 * 2 ** 20 });
  for (const flag of COMPACT_HEAP_FLAGS) {
    const name = flag.replace(/^--/, '').split('=')[0]!;
    t.true(stdout.includes(`--${name} `), `node --v8-options lists --${name}`);
  }
  for (const flag of DEFAULT_HEAP_FLAGS) t.true(stdout.includes(`default: ${flag}\n`), `node --v8-options: default ${flag}`);
});

test('at launch: compact for `run` unless MAPEK_COMPACT_HEAP is false; other commands keep V8 defaults', (t) => {
  t.true(compactHeapAtLaunch(['run'], {}));
  t.true(compactHeapAtLaunch(['run', '--check'], { MAPEK_COMPACT_HEAP: 'true' }));
  t.true(compactHeapAtLaunch(['run'], { MAPEK_COMPACT_HEAP: 'maybe' }), 'an invalid value is reported by the config, the launcher keeps the default');
  for (const off of ['false', '0', 'off', 'no', ' FALSE ']) t.false(compactHeapAtLaunch(['run'], { MAPEK_COMPACT_HEAP: off }), off);
  for (const other of [['simulate', 'x.yaml'], ['validate'], [], ['--help', 'run']]) t.false(compactHeapAtLaunch(other, {}), other.join(' '));
});

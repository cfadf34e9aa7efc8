import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Other people's servers run on the same machines: scripts and tests stop only the processes
// they started, by their id, never by name (issue #9 item 13).
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.(sh|js|ts)$|^run$/.test(n) ? [p] : [];
  });
}

const BY_NAME = /\b(pkill|killall)\b|\bkill\s+-\S+\s+\$\(\s*pgrep/;

test('no script, test or source kills a process by name', (t) => {
  const all = ['scripts', 'src', 'test', 'bench', '.ci'].flatMap(files);
  t.true(all.length > 100, 'the scan must see the tree');
  const hits: string[] = [];
  for (const f of all) {
    if (f.endsWith('no-kill-by-name.test.ts')) continue;
    readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      const code = line.replace(/(^|\s)#.*$/, '').replace(/\/\/.*$/, '');
      if (BY_NAME.test(code)) hits.push(`${f}:${i + 1}: ${line.trim()}`);
    });
  }
  t.deepEqual(hits, []);
});

test('the scan finds a planted pkill (it can fail)', (t) => {
  t.true(BY_NAME.test('  pkill -x prometheus 2>/dev/null'));
  t.false(BY_NAME.test('kill -TERM "$pid"'));
});

test('ensure-stack keeps the packages from starting daemons instead of stopping them', (t) => {
  const script = readFileSync('scripts/ensure-stack.sh', 'utf8');
  t.regex(script, /policy-rc\.d/);
  t.regex(script, /exit 101/);
});

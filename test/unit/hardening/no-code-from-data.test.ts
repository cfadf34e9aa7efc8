import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Templates in rule files and webhook bodies are data, never code (docs/SECURITY.md):
// nothing in src/ may evaluate strings or load modules chosen at run time.
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const FORBIDDEN: readonly [RegExp, string][] = [
  [/\beval\s*\(/, 'eval('],
  [/\bnew\s+Function\s*\(/, 'new Function('],
  [/(?<![\w.])Function\s*\(/, 'Function('],
  [/\bimport\s*\(/, 'dynamic import('],
  [/\brequire\s*\(/, 'require('],
  [/\bvm\.|from 'node:vm'|from "node:vm"/, 'node:vm'],
  [/DEFAULT_FULL_SCHEMA|js-yaml-js-types/, 'unsafe YAML schema'],
];

test('no eval, Function, dynamic import, require, vm or unsafe YAML schema anywhere in src/', (t) => {
  const files = sources('src');
  t.true(files.length > 100, 'the scan must see the source tree');
  const hits: string[] = [];
  for (const f of files) {
    const lines = readFileSync(f, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '');
      for (const [re, what] of FORBIDDEN) if (re.test(code)) hits.push(`${f}:${i + 1}: ${what}`);
    });
  }
  t.deepEqual(hits, []);
});

test('the scan itself finds a planted dynamic import (it can fail)', (t) => {
  const planted = "const m = await import(name);";
  t.true(FORBIDDEN.some(([re]) => re.test(planted)));
});

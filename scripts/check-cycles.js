#!/usr/bin/env node
// Import-graph check run before the tests: no circular imports in src/, and the layering of
// docs/ARCHITECTURE.md holds (src/types imports nothing else from src/; loop stages never
// import each other — only src/app, src/loop and src/cli compose them).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? 'src');
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) files.push(p);
  }
})(root);

const importRe = /(?:^|\n)\s*(import|export)\s+(type\s)?[^'"]*?from\s+['"](\.[^'"]+)['"]/g;
// Layering counts every import; cycles count only imports that exist at runtime
// (`import type` vanishes when compiled, so a type-only loop cannot misorder modules).
const graph = new Map();
const runtime = new Map();
for (const f of files) {
  const text = readFileSync(f, 'utf8');
  const deps = [];
  const valueDeps = [];
  for (const m of text.matchAll(importRe)) {
    const target = resolve(dirname(f), m[3].replace(/\.js$/, '.ts'));
    deps.push(target);
    if (!m[2]) valueDeps.push(target);
  }
  graph.set(f, deps);
  runtime.set(f, valueDeps);
}

const problems = [];
const area = (f) => relative(root, f).split('/')[0];
// Which top-level folders each folder may import (beyond itself and types).
const allowed = {
  types: [],
  validation: [],
  config: ['rules'],
  observability: [],
  rules: ['validation'],
  monitor: ['integration', 'rules', 'validation'],
  analyze: ['rules', 'monitor'],
  execute: ['integration', 'knowledge'],
  knowledge: ['validation'],
  coordination: [],
  integration: [],
  charter: ['integration'],
  simulate: ['analyze', 'monitor', 'rules', 'knowledge', 'observability'],
};
for (const [f, deps] of graph) {
  const a = area(f);
  const ok = allowed[a];
  if (!ok) continue; // loop, app, cli compose everything
  for (const d of deps) {
    const b = area(d);
    if (b === a || b === 'types' || ok.includes(b)) continue;
    problems.push(`${relative(process.cwd(), f)}: ${a}/ must not import ${b}/ (${relative(process.cwd(), d)})`);
  }
}

const state = new Map();
const stack = [];
function visit(f) {
  state.set(f, 1);
  stack.push(f);
  for (const d of runtime.get(f) ?? []) {
    if (!runtime.has(d)) continue;
    if (state.get(d) === 1) {
      const cycle = stack.slice(stack.indexOf(d)).concat(d).map((x) => relative(process.cwd(), x));
      problems.push(`import cycle: ${cycle.join(' -> ')}`);
    } else if (!state.has(d)) visit(d);
  }
  stack.pop();
  state.set(f, 2);
}
for (const f of graph.keys()) if (!state.has(f)) visit(f);

if (problems.length > 0) {
  for (const p of problems) process.stderr.write(`${p}\n`);
  process.stderr.write(`check-cycles: ${problems.length} problem(s) in ${files.length} files\n`);
  process.exit(1);
}
process.stdout.write(`check-cycles: ${files.length} files, no cycles, layering holds\n`);

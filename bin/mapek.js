#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm ci` (the prepare script). It loads only
// the command it runs, from the fixed table in src/cli/commands.ts (a name not in the table is
// rejected before any import), so `mapek --version` or `mapek validate` does not load the
// whole controller. Dynamic import stays out of src/ (docs/SECURITY.md).
import { COMMAND_TABLE } from '../dist/src/cli/commands.js';
import { dispatch } from '../dist/src/cli/dispatch.js';
import { applyCompactHeap, compactHeapAtLaunch } from '../dist/src/app/heap.js';

// `mapek run` sets its V8 heap before the controller's modules load (src/app/heap.ts).
if (compactHeapAtLaunch(process.argv.slice(2), process.env)) applyCompactHeap();

const load = async (name) => {
  const entry = COMMAND_TABLE[name];
  const module = await import(new URL(`../dist/src/cli/${entry.module}`, import.meta.url).href);
  return module[entry.export];
};

dispatch(process.argv.slice(2), load).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`mapek: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 70;
  },
);

#!/usr/bin/env node
// Regenerates the payload corpus (test/data/alertmanager/, test/data/prometheus/) from the
// real prometheus and prometheus-alertmanager binaries. Run by hand after an upgrade of
// either, then review the diff: `node scripts/capture-corpus.js` (builds first; about 40 s).
// npm test never runs it; the tests replay the committed files.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write('usage: node scripts/capture-corpus.js\n\nRe-captures test/data/alertmanager/*.json and test/data/prometheus/*.json from the\nreal binaries on 127.0.0.1 (free ports, temp dirs). Exit 0 when written, 1 on failure.\n');
  process.exit(0);
}
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
try {
  execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.json")], { stdio: "inherit" });
} catch {
  process.stderr.write("capture failed: the build failed\n");
  process.exit(1);
}
const { captureCorpus } = await import(pathToFileURL(join(root, 'dist/test/support/corpus-capture.js')).href);
try {
  const { files } = await captureCorpus((line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`wrote ${files.length} files\n`);
} catch (err) {
  process.stderr.write(`capture failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}

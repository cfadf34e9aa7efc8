/**
 * The console page's files: console/ at the package root (plain ES modules, no build step)
 * and the UI library's ES module builds from node_modules (preact, preact/hooks, htm),
 * resolved once. Only the listed files are served: no path from the URL reaches the disk.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT } from '../stack/paths.js';

const require = createRequire(import.meta.url);

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export const CONSOLE_DIR = path.join(REPO_ROOT, 'console');

/** URL path → file. */
export function assetTable(dir = CONSOLE_DIR): ReadonlyMap<string, string> {
  const m = new Map<string, string>();
  m.set('/', path.join(dir, 'index.html'));
  for (const f of ['app.js', 'api.js', 'format.js', 'views-now.js', 'views-incidents.js', 'views-executions.js', 'views-approvals.js', 'views-learning.js', 'console.css']) {
    m.set(`/console/${f}`, path.join(dir, f));
  }
  m.set('/console/vendor/preact.mjs', require.resolve('preact'));
  m.set('/console/vendor/hooks.mjs', require.resolve('preact/hooks'));
  m.set('/console/vendor/htm.mjs', path.join(path.dirname(require.resolve('htm')), 'htm.mjs'));
  return m;
}

export interface Asset {
  readonly body: Buffer;
  readonly type: string;
}

/** Reads (and caches) the asset for a URL path; undefined when it is not one. */
export function assetReader(table: ReadonlyMap<string, string> = assetTable()): (urlPath: string) => Promise<Asset | undefined> {
  const cache = new Map<string, Asset>();
  return async (urlPath) => {
    const file = table.get(urlPath);
    if (file === undefined) return undefined;
    const hit = cache.get(urlPath);
    if (hit) return hit;
    let body = await readFile(file);
    // preact/hooks imports the bare specifier "preact"; the page has no import map (its CSP
    // allows no inline script), so the vendored copy points at the served file instead.
    if (urlPath.startsWith('/console/vendor/')) body = Buffer.from(body.toString('utf8').replace(/from\s*(["'])preact\1/g, 'from"./preact.mjs"'));
    const a = { body, type: TYPES[path.extname(file)] ?? 'application/octet-stream' };
    cache.set(urlPath, a);
    return a;
  };
}

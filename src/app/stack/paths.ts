import { accessSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root: the nearest ancestor of `from` with package.json and deploy/ (this
 * code runs from dist/src/app/stack/ in a checkout or an installed package).
 */
export function findRepoRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (let i = 0; i < 8; i++) {
    try {
      accessSync(path.join(dir, 'package.json'));
      accessSync(path.join(dir, 'deploy'));
      return dir;
    } catch {
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return process.cwd();
}

export const REPO_ROOT = findRepoRoot();

/** The shipped monitoring configs the launcher rewrites. */
export const DEPLOY = {
  prometheusConfig: path.join(REPO_ROOT, 'deploy/prometheus/prometheus.yml'),
  prometheusRules: path.join(REPO_ROOT, 'deploy/prometheus/charter-alerts.yml'),
  prometheusRulesTest: path.join(REPO_ROOT, 'deploy/prometheus/charter-alerts.test.yml'),
  alertmanagerConfig: path.join(REPO_ROOT, 'deploy/alertmanager/alertmanager.yml'),
} as const;

/**
 * 8. CLI start-up (issue #16 item 6): wall time of `node bin/mapek.js --version` and of
 * `node bin/mapek.js validate` on a small rule file, next to node's own start (`node -e 0`)
 * and `npx --no-install mapek --version` (npm's launcher on top). Median of N runs, run one
 * after another; the note has min–max. bin/mapek.js loads only the command it runs.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../../test/support/stack.js';
import { median, progress, type Figure } from '../lib/report.js';
import type { Section, SectionResult } from '../lib/section.js';

const S = '8 startup';
const BIN = path.join(REPO_ROOT, 'bin', 'mapek.js');
const RULES = path.join(REPO_ROOT, 'test', 'data', 'rules', 'good', 'minimal.yaml');

/** Wall times in ms of `runs` runs of a command; throws when it exits non-zero. */
export function wallTimes(cmd: string, args: readonly string[], runs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${String(r.status)}: ${r.stderr}`);
    out.push(ms);
  }
  return out;
}

const range = (xs: readonly number[]): string => `min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)} ms over ${xs.length} runs`;

export const startupSection: Section = {
  name: 'startup',
  title: 'CLI start-up: node bin/mapek.js --version and validate, npx',
  async run({ quick }): Promise<SectionResult> {
    const runs = quick ? 3 : 10;
    const node = wallTimes(process.execPath, ['-e', '0'], runs);
    const version = wallTimes(process.execPath, [BIN, '--version'], runs);
    const validate = wallTimes(process.execPath, [BIN, 'validate', RULES], runs);
    const npx = wallTimes('npx', ['--no-install', 'mapek', '--version'], quick ? 2 : 5);
    const floor = median(node);
    progress(`${S}: node -e 0 ${floor.toFixed(0)} ms, --version ${median(version).toFixed(0)} ms, validate ${median(validate).toFixed(0)} ms, npx ${median(npx).toFixed(0)} ms`);
    const figures: Figure[] = [
      { section: S, name: 'node -e 0 (the floor)', value: floor, unit: 'ms', note: range(node) },
      { section: S, name: 'node bin/mapek.js --version', value: median(version), unit: 'ms', target: '< node + 150 ms', met: median(version) < floor + 150, note: `before lazy loading: 460-590 ms; ${range(version)}` },
      { section: S, name: 'node bin/mapek.js validate (one small rule file)', value: median(validate), unit: 'ms', target: '< node + 400 ms', met: median(validate) < floor + 400, note: `before lazy loading: 570-800 ms; ${range(validate)}` },
      { section: S, name: 'npx --no-install mapek --version', value: median(npx), unit: 'ms', note: `npm's launcher on top of the same start; ${range(npx)}` },
    ];
    return { figures, extra: { runs, node, version, validate, npx } };
  },
};

/**
 * `npm run report`: writes test_results/ —
 *   unit.txt, integration.txt, e2e.txt   ava's TAP output per test folder, with a summary line;
 *   console/console-*.png                 a screenshot of each console view (the browser e2e test);
 *   performance.txt (+ performance.json) the figures of the last `npm run bench` (bench/results/);
 *   security.txt (+ security.json)       `npm audit --omit=dev`;
 *   summary.json                          one line per report: passed / failed counts, exit codes.
 * Exit code 0 when every suite passed and the audit found nothing high or critical.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { table, type Figure } from './lib/report.js';
import { tapCounts } from './lib/tap.js';

const OUT = 'test_results';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

function run(cmd: string, args: readonly string[]): Promise<Run> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    // MAPEK_SCREENSHOTS: where test/e2e/console-browser.test.ts leaves a screenshot of each view.
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MAPEK_SCREENSHOTS: path.resolve(OUT, 'console') } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => resolve({ code: null, stdout, stderr: `${stderr}${err.message}\n`, seconds: (performance.now() - t0) / 1000 }));
    child.on('exit', (code) => resolve({ code, stdout, stderr, seconds: (performance.now() - t0) / 1000 }));
  });
}


function hasTests(dir: string): boolean {
  if (!existsSync(dir)) return false;
  const walk = (d: string): boolean =>
    readdirSync(d, { withFileTypes: true }).some((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.test.ts')));
  return walk(dir);
}

async function suite(name: string): Promise<Record<string, unknown>> {
  const dir = path.join('test', name);
  if (!hasTests(dir)) {
    writeFileSync(path.join(OUT, `${name}.txt`), `no test files under ${dir}/\n`);
    return { report: name, tests: 0, passed: 0, failed: 0, exitCode: 0 };
  }
  process.stderr.write(`[report] ${name}: npx ava '${dir}/**/*.test.ts' --tap\n`);
  const r = await run('npx', ['ava', `${dir}/**/*.test.ts`, '--tap']);
  const c = tapCounts(r.stdout);
  const head = `# ${name}: ${c.pass} passed, ${c.fail} failed, ${c.skip} skipped, ${c.todo} todo; exit ${r.code}; ${r.seconds.toFixed(1)} s\n# command: npx ava '${dir}/**/*.test.ts' --tap\n\n`;
  writeFileSync(path.join(OUT, `${name}.txt`), `${head}${r.stdout}${r.stderr ? `\n# stderr\n${r.stderr}` : ''}`);
  return { report: name, tests: c.pass + c.fail, passed: c.pass, failed: c.fail, skipped: c.skip, exitCode: r.code, seconds: r.seconds };
}

function performanceReport(): Record<string, unknown> {
  const dir = path.join('bench', 'results');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'all.json') : [];
  if (files.length === 0) {
    writeFileSync(path.join(OUT, 'performance.txt'), 'no benchmark results in bench/results/: run `npm run bench` first\n');
    return { report: 'performance', figures: 0 };
  }
  const figures: Figure[] = [];
  const sections: Record<string, unknown> = {};
  let machine: unknown;
  for (const f of files.sort()) {
    const doc = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { machine: unknown; figures: Figure[]; quick?: boolean; loadBefore?: number };
    machine ??= doc.machine;
    sections[f.replace(/\.json$/, '')] = { machine: doc.machine, quick: doc.quick, loadBefore: doc.loadBefore };
    figures.push(...doc.figures);
  }
  const met = figures.filter((f) => f.met === true).length;
  const missed = figures.filter((f) => f.met === false);
  const text = [
    `# performance: ${figures.length} figures from bench/results/ (${files.length} sections); ${met} targets met, ${missed.length} missed`,
    `# machine: ${JSON.stringify(machine)}`,
    '',
    table(figures),
    '',
    ...figures.filter((f) => f.note).map((f) => `- ${f.section} / ${f.name}: ${f.note}`),
    '',
  ].join('\n');
  writeFileSync(path.join(OUT, 'performance.txt'), text);
  writeFileSync(path.join(OUT, 'performance.json'), `${JSON.stringify({ sections, figures }, null, 2)}\n`);
  return { report: 'performance', figures: figures.length, met, missed: missed.map((f) => `${f.section}: ${f.name}`) };
}

async function security(): Promise<Record<string, unknown>> {
  process.stderr.write('[report] security: npm audit --omit=dev --json\n');
  const r = await run('npm', ['audit', '--omit=dev', '--json']);
  let counts: Record<string, number> = {};
  let summary: string;
  try {
    const doc = JSON.parse(r.stdout) as { message?: string; metadata?: { vulnerabilities?: Record<string, number>; dependencies?: Record<string, number> } };
    if (doc.metadata === undefined) {
      // e.g. a registry mirror without the advisory endpoint (405): say so, do not report "0".
      summary = `audit unavailable: ${doc.message ?? 'npm audit returned no metadata'} — no vulnerability data; rerun where the npm advisory database is reachable`;
      counts = {};
    } else {
      counts = doc.metadata.vulnerabilities ?? {};
      summary = `vulnerabilities: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}; dependencies: ${JSON.stringify(doc.metadata.dependencies ?? {})}`;
    }
  } catch {
    summary = `npm audit did not answer JSON (exit ${r.code}): ${(r.stderr || r.stdout).slice(0, 500)}`;
  }
  const plain = await run('npm', ['audit', '--omit=dev']);
  writeFileSync(path.join(OUT, 'security.txt'), `# npm audit --omit=dev (exit ${plain.code})\n# ${summary}\n\n${plain.stdout}${plain.stderr ? `\n# stderr\n${plain.stderr}` : ''}`);
  writeFileSync(path.join(OUT, 'security.json'), r.stdout || '{}\n');
  return { report: 'security', ...counts, exitCode: r.code, summary };
}

async function main(): Promise<number> {
  mkdirSync(OUT, { recursive: true });
  const reports: Record<string, unknown>[] = [];
  for (const s of ['unit', 'integration', 'e2e']) reports.push(await suite(s));
  reports.push(performanceReport());
  reports.push(await security());
  writeFileSync(path.join(OUT, 'summary.json'), `${JSON.stringify({ at: new Date().toISOString(), reports }, null, 2)}\n`);
  for (const r of reports) process.stdout.write(`${JSON.stringify(r)}\n`);
  const failed = reports.some((r) => typeof r['failed'] === 'number' && (r['failed'] as number) > 0) || reports.some((r) => r['exitCode'] !== undefined && r['exitCode'] !== 0 && r['report'] !== 'security');
  const severe = reports.some((r) => r['report'] === 'security' && (((r['high'] as number | undefined) ?? 0) > 0 || ((r['critical'] as number | undefined) ?? 0) > 0));
  process.stdout.write(`test_results/ written: ${reports.map((r) => String(r['report'])).join(', ')}\n`);
  return failed || severe ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);

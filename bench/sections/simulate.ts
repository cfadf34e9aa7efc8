/**
 * 4. Simulation throughput: a 24-hour recording at 15 s resolution (5,760 steps) with 20
 * active alerts, written programmatically in the fixture format — the full-state form: every
 * step lists its alerts, metrics and (every 4th step) violations, in YAML flow style, as
 * `mapek record` writes alerts and violations every step — replayed through the shipped rules
 * by the code `mapek simulate` runs (loadFixtures → simulate). Measured cold, in fresh
 * processes (bench/lib/simulate-child.ts), three times, and three times through the CLI itself
 * (`mapek simulate FILE --json`); the figures are medians, every sample is in simulate.json.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { progress, type Figure } from '../lib/report.js';
import type { Section, SectionResult } from '../lib/section.js';

const S = '4 simulation';

/** Twenty alert slots; which subject each slot is about changes every hour (240 steps). */
const SLOTS: readonly { name: string; severity: string; label?: string }[] = [
  { name: 'CriticalViolationDetected', severity: 'critical', label: 'policy_id' },
  { name: 'CriticalViolationDetected', severity: 'critical', label: 'policy_id' },
  { name: 'CriticalViolationDetected', severity: 'critical', label: 'policy_id' },
  { name: 'ViolationRateHigh', severity: 'warning', label: 'policy_id' },
  { name: 'ViolationRateHigh', severity: 'warning', label: 'policy_id' },
  { name: 'ViolationRateHigh', severity: 'warning', label: 'policy_id' },
  { name: 'PolicyLoadFailure', severity: 'critical', label: 'policy_id' },
  { name: 'PolicyLoadFailure', severity: 'critical', label: 'policy_id' },
  { name: 'TargetViolatingManyPolicies', severity: 'critical', label: 'node_or_service' },
  { name: 'TargetViolatingManyPolicies', severity: 'critical', label: 'node_or_service' },
  { name: 'EnforcementFailures', severity: 'warning', label: 'node_or_service' },
  { name: 'EnforcementFailures', severity: 'warning', label: 'node_or_service' },
  { name: 'CommitteeOverloaded', severity: 'warning', label: 'committee_id' },
  { name: 'CommitteeOverloaded', severity: 'warning', label: 'committee_id' },
  { name: 'ValidationLatencySLA', severity: 'warning' },
  { name: 'ComplianceRatioLow', severity: 'warning' },
  { name: 'QuarantineSaturation', severity: 'warning' },
  { name: 'CharterAPIErrors', severity: 'warning' },
  { name: 'CriticalViolationDetected', severity: 'critical', label: 'policy_id' },
  { name: 'ViolationRateHigh', severity: 'warning', label: 'policy_id' },
];

function subject(label: string, slot: number, hour: number): string {
  const prefix = label === 'policy_id' ? 'p' : label === 'node_or_service' ? 'node' : 'committee';
  return `${prefix}-${(slot * 7 + hour) % 40}`;
}

/** The fixture text: every step lists the whole observed state, as a recorder would. */
export function dayFixture(steps: number, stepSeconds = 15): string {
  const lines = [
    'apiVersion: mapek/v1',
    'kind: Fixture',
    'name: bench-24h',
    'description: synthetic 24-hour recording at 15 s resolution, 20 active alerts (bench)',
    'start: "2026-11-26T00:00:00Z"',
    'steps:',
  ];
  for (let i = 0; i < steps; i++) {
    const hour = Math.floor(i / 240);
    const wave = Math.sin(i / 40);
    lines.push(`  - at: "+${i * stepSeconds}s"`);
    lines.push('    alerts:');
    const policies: string[] = [];
    const targets: string[] = [];
    const committees: string[] = [];
    SLOTS.forEach((s, slot) => {
      if (s.label === undefined) {
        lines.push(`      - { name: ${s.name}, severity: ${s.severity} }`);
        return;
      }
      const id = subject(s.label, slot, hour);
      (s.label === 'policy_id' ? policies : s.label === 'node_or_service' ? targets : committees).push(id);
      lines.push(`      - { name: ${s.name}, severity: ${s.severity}, labels: { ${s.label}: ${id} } }`);
    });
    const samples = (ids: string[], label: string, v: (k: number) => number): string =>
      `[ ${ids.map((id, k) => `{ labels: { ${label}: ${id} }, value: ${v(k).toFixed(3)} }`).join(', ')} ]`;
    lines.push('    metrics:');
    lines.push(`      violationRate: ${samples(policies, 'policy_id', (k) => 3 + 2 * wave + k * 0.1)}`);
    lines.push(`      criticalViolationRate: ${samples(policies, 'policy_id', (k) => 1.5 + wave + k * 0.05)}`);
    lines.push(`      policyVersion: ${samples(policies, 'policy_id', (k) => 1 + (k % 4))}`);
    lines.push(`      violatedPolicies: ${samples(targets, 'node_or_service', (k) => 4 + k)}`);
    lines.push(`      committeeQueueDepth: ${samples(committees, 'committee_id', () => 9 + 3 * wave)}`);
    lines.push(`      committeeCapacity: ${samples(committees, 'committee_id', () => 4)}`);
    lines.push(`      committeeP99: ${samples(committees, 'committee_id', () => 5 + wave)}`);
    lines.push(`      validationLatencyP99: ${(1.5 + 0.3 * wave).toFixed(3)}`);
    lines.push(`      complianceRatio: ${(0.8 + 0.1 * wave).toFixed(3)}`);
    if (i % 4 === 0) {
      lines.push('    violations:');
      for (const [k, p] of policies.slice(0, 4).entries()) lines.push(`      - { policyId: ${p}, nodeOrService: node-${k}, severity: critical, count: 2 }`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The simulate code path in a fresh process: its JSON line. */
interface ChildSample {
  readonly loadMs: number;
  readonly replayMs: number;
  readonly renderMs: number;
  readonly reportBytes: number;
  readonly steps: number;
  readonly decisions: number;
  readonly actions: number;
  readonly errors: number;
  readonly heapMiB: number;
}

function run(args: readonly string[], keepStdout: boolean): Promise<{ ms: number; code: number | null; out: string }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', keepStdout ? 'pipe' : 'ignore', 'pipe'] });
    let err = '';
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0 && code !== 1) reject(new Error(`node ${args.join(' ')} exited ${code}: ${err.slice(-500)}`));
      else resolve({ ms: performance.now() - t0, code, out });
    });
  });
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] ?? NaN : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
}

const range = (xs: readonly number[]): string => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} ms over ${xs.length}`;

export const simulateSection: Section = {
  name: 'simulate',
  title: 'Simulation throughput: 24 h at 15 s (5,760 steps), 20 active alerts, shipped rules',
  async run(ctx): Promise<SectionResult> {
    const steps = ctx.quick ? 960 : 5760;
    const repeats = ctx.quick ? 1 : 3;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-bench-sim-'));
    try {
      const file = path.join(dir, 'day.yaml');
      await writeFile(file, dayFixture(steps));
      const size = (await stat(file)).size;
      const tiny = path.join(dir, 'tiny.yaml');
      await writeFile(tiny, dayFixture(1));
      progress(`${S}: fixture ${steps} steps, ${(size / 2 ** 20).toFixed(1)} MiB (full-state YAML, flow style)`);
      const samples: ChildSample[] = [];
      const cli: number[] = [];
      const cliTiny: number[] = [];
      for (let i = 0; i < repeats; i++) {
        const c = await run(['dist/bench/lib/simulate-child.js', file], true);
        const sample = JSON.parse(c.out) as ChildSample;
        if (sample.errors > 0) throw new Error(`${sample.errors} steps failed to plan`);
        samples.push(sample);
        progress(`${S}: in process ${i + 1}/${repeats}: load ${sample.loadMs.toFixed(0)} ms, replay ${sample.replayMs.toFixed(0)} ms, render --json ${sample.renderMs.toFixed(0)} ms (${(sample.reportBytes / 2 ** 20).toFixed(0)} MiB)`);
        const k = await run(['bin/mapek.js', 'simulate', file, '--json'], false);
        cli.push(k.ms);
        cliTiny.push((await run(['bin/mapek.js', 'simulate', tiny, '--json'], false)).ms);
        progress(`${S}: CLI mapek simulate --json ${k.ms.toFixed(0)} ms (1-step fixture ${cliTiny[cliTiny.length - 1]?.toFixed(0)} ms)`);
      }
      const loads = samples.map((x) => x.loadMs);
      const replays = samples.map((x) => x.replayMs);
      const totals = samples.map((x) => x.loadMs + x.replayMs);
      const renders = samples.map((x) => x.renderMs);
      const first = samples[0];
      const scale = 5760 / steps;
      const loadMs = median(loads);
      const replayMs = median(replays);
      const totalMs = median(totals);
      const cliMs = median(cli);
      const figures: Figure[] = [
        { section: S, name: `${steps} steps: load + validate the fixture`, value: loadMs, unit: 'ms', note: `${steps === 5760 ? 'before #6: 5,900 ms; ' : ''}${(size / 2 ** 20).toFixed(1)} MiB of YAML; median, ${range(loads)}` },
        { section: S, name: `${steps} steps: replay through the planner`, value: replayMs, unit: 'ms', note: `${steps === 5760 ? 'before #6: 3,000 ms; ' : ''}${first?.decisions} decisions, ${first?.actions} actions, ${(replayMs / steps).toFixed(3)} ms/step; ${range(replays)}` },
        { section: S, name: `${steps} steps: load + replay (in process)`, value: totalMs, unit: 'ms', target: steps === 5760 ? '< 5,000 ms' : `< ${5000 / scale} ms (quick)`, met: totalMs * scale < 5000, note: `${steps === 5760 ? 'before #6: 8,900 ms; ' : ''}${range(totals)}` },
        { section: S, name: `${steps} steps: render the --json report`, value: median(renders), unit: 'ms', note: `${((first?.reportBytes ?? 0) / 2 ** 20).toFixed(0)} MiB of JSON; ${range(renders)}` },
        { section: S, name: '1-step fixture: `mapek simulate FILE --json` (node start, rules, schemas)', value: median(cliTiny), unit: 'ms', note: range(cliTiny) },
        { section: S, name: `${steps} steps: \`mapek simulate FILE --json\` wall time`, value: cliMs, unit: 'ms', target: '< 5,000 ms (incl. node start)', met: cliMs * scale < 5000, note: `${steps === 5760 ? 'before #6: 10,800 ms; ' : ''}${range(cli)}` },
      ];
      return { figures, extra: { steps, bytes: size, form: 'full-state YAML, flow style', samples, cliMs: cli, cliTinyMs: cliTiny } };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

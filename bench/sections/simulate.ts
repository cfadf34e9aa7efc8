/**
 * 4. Simulation throughput: a 24-hour recording at 15 s resolution (5,760 steps) with 20
 * active alerts, written programmatically in the fixture format, replayed through the
 * shipped rules by the code `mapek simulate` runs (loadFixtures → simulate), and once more
 * through the CLI itself as a child process.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadRuleSet } from '../../src/rules/load.js';
import { loadFixtures } from '../../src/simulate/fixtures.js';
import { simulate } from '../../src/simulate/simulate.js';
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

function runCli(args: readonly string[]): Promise<{ ms: number; code: number | null }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/mapek.js', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0 && code !== 1) reject(new Error(`mapek ${args.join(' ')} exited ${code}: ${err.slice(-500)}`));
      else resolve({ ms: performance.now() - t0, code });
    });
  });
}

export const simulateSection: Section = {
  name: 'simulate',
  title: 'Simulation throughput: 24 h at 15 s (5,760 steps), 20 active alerts, shipped rules',
  async run(ctx): Promise<SectionResult> {
    const steps = ctx.quick ? 960 : 5760;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-bench-sim-'));
    try {
      const file = path.join(dir, 'day.yaml');
      await writeFile(file, dayFixture(steps));
      const size = (await stat(file)).size;
      progress(`${S}: fixture ${steps} steps, ${(size / 2 ** 20).toFixed(1)} MiB`);
      const rules = await loadRuleSet(['rules']);
      if (!rules.ok) throw new Error('rules/ invalid');
      const t0 = performance.now();
      const fx = await loadFixtures([file], rules.ruleSet);
      const t1 = performance.now();
      if (fx.issues.length > 0) throw new Error(`generated fixture invalid: ${fx.issues.slice(0, 3).map((i) => `${i.line}:${i.column} ${i.path} ${i.message}`).join('; ')}`);
      const result = await simulate(fx.fixtures, rules.ruleSet);
      const t2 = performance.now();
      const runs = result.fixtures[0]?.runs ?? [];
      const decisions = runs.reduce((n, r) => n + r.decisions.length, 0);
      const actions = runs.reduce((n, r) => n + r.decisions.reduce((m, d) => m + d.chosen.length, 0), 0);
      const errors = runs.filter((r) => r.error !== undefined).length;
      const loadMs = t1 - t0;
      const replayMs = t2 - t1;
      progress(`${S}: load ${loadMs.toFixed(0)} ms, replay ${replayMs.toFixed(0)} ms, ${decisions} decisions, ${actions} actions, ${errors} step errors`);
      const cli = await runCli(['simulate', file, '--json']);
      progress(`${S}: CLI mapek simulate --json ${cli.ms.toFixed(0)} ms`);
      const scale = 5760 / steps;
      const figures: Figure[] = [
        { section: S, name: `${steps} steps: load + validate the fixture`, value: loadMs, unit: 'ms', note: `${(size / 2 ** 20).toFixed(1)} MiB of YAML` },
        { section: S, name: `${steps} steps: replay through the planner`, value: replayMs, unit: 'ms', note: `${decisions} decisions, ${actions} actions, ${(replayMs / steps).toFixed(3)} ms/step` },
        { section: S, name: `${steps} steps: load + replay (in process)`, value: loadMs + replayMs, unit: 'ms', target: steps === 5760 ? '< 5,000 ms' : `< ${5000 / scale} ms (quick)`, met: (loadMs + replayMs) * scale < 5000 },
        { section: S, name: `${steps} steps: \`mapek simulate FILE --json\` wall time`, value: cli.ms, unit: 'ms', target: '< 5,000 ms (incl. node start)', met: cli.ms * scale < 5000 },
      ];
      return { figures, extra: { steps, bytes: size, loadMs, replayMs, cliMs: cli.ms, decisions, actions, errors } };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

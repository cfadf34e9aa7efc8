/**
 * 4. Simulation throughput: a 24-hour recording at 15 s resolution (5,760 steps) with 20
 * active alerts, written programmatically in the fixture format — the full-state form: every
 * step lists its alerts, metrics and (every 4th step) violations, in YAML flow style, as
 * `mapek record` writes alerts and violations every step — and the same document in the
 * JSON-lines recording form (`mapek record --format jsonl`). Both are replayed through the
 * shipped rules by the code `mapek simulate --json` runs (loadFixtures → simulateStream with
 * the streamed JSON report), cold, in fresh processes (bench/lib/simulate-child.ts), three
 * times each, and three times each through the CLI itself (`mapek simulate FILE --json`,
 * stdout discarded), with every process's peak RSS. Figures are medians; every sample, with
 * the load average around it, is in simulate.json.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os, { loadavg } from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { median, progress, type Figure } from '../lib/report.js';
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

/** The same document in the JSON-lines form: the head on line 1, then one step per line. */
export function asJsonl(yamlText: string): string {
  const { steps, ...head } = yaml.load(yamlText) as { steps: unknown[] };
  return `${[head, ...steps].map((v) => JSON.stringify(v)).join('\n')}\n`;
}

/** The simulate code path in a fresh process: its JSON line. */
interface ChildSample {
  readonly loadMs: number;
  readonly replayMs: number;
  readonly reportBytes: number;
  readonly steps: number;
  readonly decisions: number;
  readonly actions: number;
  readonly errors: number;
  readonly peakRssMiB: number;
}

/** Makes a child print its peak RSS (KiB) on stderr as it exits; nothing else changes. */
const PEAK_RSS = 'data:text/javascript,process.on("exit",()=>process.stderr.write("\\nmaxrss-kib:"+process.resourceUsage().maxRSS+"\\n"))';

interface Run {
  readonly ms: number;
  readonly out: string;
  readonly peakRssMiB: number;
}

function run(args: readonly string[], keepStdout: boolean): Promise<Run> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--import=${PEAK_RSS}`, ...args], { stdio: ['ignore', keepStdout ? 'pipe' : 'ignore', 'pipe'] });
    let err = '';
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - t0;
      const rss = /maxrss-kib:(\d+)/.exec(err);
      if (code !== 0 && code !== 1) reject(new Error(`node ${args.join(' ')} exited ${code}: ${err.slice(-500)}`));
      else resolve({ ms, out, peakRssMiB: rss ? Number(rss[1]) / 1024 : NaN });
    });
  });
}

const range = (xs: readonly number[], unit = 'ms'): string => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} ${unit} over ${xs.length}`;
const load1 = (): number => loadavg()[0] ?? NaN;

const TIME_MS = 3000;
const RSS_MIB = 400;

interface FormSamples {
  readonly child: ChildSample[];
  readonly cli: Run[];
  readonly load: number[];
}

export const simulateSection: Section = {
  name: 'simulate',
  title: 'Simulation throughput: 24 h at 15 s (5,760 steps), 20 active alerts, shipped rules; YAML and JSON lines',
  async run(ctx): Promise<SectionResult> {
    const steps = ctx.quick ? 960 : 5760;
    const repeats = ctx.quick ? 1 : 3;
    const scale = 5760 / steps;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-bench-sim-'));
    try {
      const text = dayFixture(steps);
      const files = { yaml: path.join(dir, 'day.yaml'), jsonl: path.join(dir, 'day.jsonl') };
      await writeFile(files.yaml, text);
      await writeFile(files.jsonl, asJsonl(text));
      const sizes = { yaml: (await stat(files.yaml)).size, jsonl: (await stat(files.jsonl)).size };
      const tiny = path.join(dir, 'tiny.yaml');
      await writeFile(tiny, dayFixture(1));
      progress(`${S}: fixture ${steps} steps: ${(sizes.yaml / 2 ** 20).toFixed(1)} MiB YAML (full state, flow style), ${(sizes.jsonl / 2 ** 20).toFixed(1)} MiB JSON lines`);
      const samples: Record<'yaml' | 'jsonl', FormSamples> = { yaml: { child: [], cli: [], load: [] }, jsonl: { child: [], cli: [], load: [] } };
      const cliTiny: number[] = [];
      for (let i = 0; i < repeats; i++) {
        for (const form of ['yaml', 'jsonl'] as const) {
          const f = samples[form];
          f.load.push(load1());
          const c = await run(['dist/bench/lib/simulate-child.js', files[form]], true);
          const sample = JSON.parse(c.out.trim().split('\n').at(-1) ?? '') as ChildSample;
          if (sample.errors > 0) throw new Error(`${sample.errors} steps failed to plan`);
          f.child.push(sample);
          const k = await run(['bin/mapek.js', 'simulate', files[form], '--json'], false);
          f.cli.push(k);
          progress(`${S}: ${form} ${i + 1}/${repeats}: in process load ${sample.loadMs.toFixed(0)} ms + replay and streamed report ${sample.replayMs.toFixed(0)} ms, peak RSS ${sample.peakRssMiB.toFixed(0)} MiB; CLI ${k.ms.toFixed(0)} ms, peak RSS ${k.peakRssMiB.toFixed(0)} MiB; load average ${load1().toFixed(2)}`);
        }
        cliTiny.push((await run(['bin/mapek.js', 'simulate', tiny, '--json'], false)).ms);
      }
      const first = samples.yaml.child[0];
      const figures: Figure[] = [
        { section: S, name: '1-step fixture: `mapek simulate FILE --json` (node start, rules, schemas)', value: median(cliTiny), unit: 'ms', note: range(cliTiny) },
      ];
      for (const form of ['yaml', 'jsonl'] as const) {
        const f = samples[form];
        const label = form === 'yaml' ? 'YAML' : 'JSON lines';
        const loads = f.child.map((x) => x.loadMs);
        const replays = f.child.map((x) => x.replayMs);
        const totals = f.child.map((x) => x.loadMs + x.replayMs);
        const cli = f.cli.map((x) => x.ms);
        const rss = [...f.child.map((x) => x.peakRssMiB), ...f.cli.map((x) => x.peakRssMiB)];
        const total = median(totals);
        const cliMs = median(cli);
        const peak = Math.max(...rss);
        const la = `load average ${Math.min(...f.load).toFixed(2)}–${Math.max(...f.load).toFixed(2)}`;
        figures.push(
          { section: S, name: `${label}, ${steps} steps: load + validate the fixture`, value: median(loads), unit: 'ms', note: `${(sizes[form] / 2 ** 20).toFixed(1)} MiB; median, ${range(loads)}` },
          { section: S, name: `${label}, ${steps} steps: replay + streamed --json report`, value: median(replays), unit: 'ms', note: `${first?.decisions} decisions, ${first?.actions} actions, ${(median(replays) / steps).toFixed(3)} ms/step, ${((first?.reportBytes ?? 0) / 2 ** 20).toFixed(0)} MiB of JSON; ${range(replays)}` },
          { section: S, name: `${label}, ${steps} steps: load + replay (in process)`, value: total, unit: 'ms', target: steps === 5760 ? '< 3,000 ms' : `< ${TIME_MS / scale} ms (quick)`, met: total * scale < TIME_MS, note: `${range(totals)}; ${la}` },
          { section: S, name: `${label}, ${steps} steps: \`mapek simulate FILE --json\` wall time`, value: cliMs, unit: 'ms', target: steps === 5760 ? '< 3,000 ms (incl. node start)' : `< ${TIME_MS / scale} ms (quick)`, met: cliMs * scale < TIME_MS, note: `${range(cli)}; ${la}` },
          { section: S, name: `${label}, ${steps} steps: peak RSS (in process and CLI, worst)`, value: peak, unit: 'MiB', target: `< ${RSS_MIB} MiB`, met: peak < RSS_MIB, note: `in process ${range(f.child.map((x) => x.peakRssMiB), 'MiB')}, CLI ${range(f.cli.map((x) => x.peakRssMiB), 'MiB')}` },
        );
      }
      const loads = [...samples.yaml.load, ...samples.jsonl.load, load1()];
      figures.push({ section: S, name: 'load average (1 min) while measuring (2 vCPU: above 2 the samples queue for a core)', value: median(loads), unit: '', note: `${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}` });
      return { figures, extra: { steps, bytes: sizes, form: 'full-state YAML (flow style) and the same document as JSON lines', samples, cliTinyMs: cliTiny } };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

import yaml from 'js-yaml';
import type { Decision } from '../../types/decision.js';
import type { MetricSample, RangeSeries, Snapshot } from '../../types/snapshot.js';

export interface RecordedStep {
  readonly snapshot: Snapshot;
  readonly decisions: readonly Decision[];
}

const num = (v: number): number | string => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : v);

function offset(startMs: number, at: string): string {
  const s = Math.max(0, Math.round((Date.parse(at) - startMs) / 1000));
  return `+${s}s`;
}

function metricsDelta(prev: Readonly<Record<string, readonly MetricSample[]>> | undefined, cur: Readonly<Record<string, readonly MetricSample[]>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, samples] of Object.entries(cur)) {
    const v = samples.map((s) => ({ labels: { ...s.labels }, value: num(s.value) }));
    if (prev === undefined || JSON.stringify(prev[k]?.map((s) => ({ labels: { ...s.labels }, value: num(s.value) }))) !== JSON.stringify(v)) out[k] = v;
  }
  for (const k of Object.keys(prev ?? {})) if (!(k in cur)) out[k] = null;
  return out;
}

/** Range facts as recorded: every step in full, point times relative to the step (seconds). */
function rangesOf(ranges: Readonly<Record<string, readonly RangeSeries[]>> | undefined, at: string): Record<string, unknown> {
  const stepMs = Date.parse(at);
  const out: Record<string, unknown> = {};
  for (const [k, series] of Object.entries(ranges ?? {})) {
    out[k] = series.map((s) => ({ labels: { ...s.labels }, points: s.points.map(([t, v]) => [Math.round(t * 1000 - stepMs) / 1000, num(v)]) }));
  }
  return out;
}

/**
 * One recorded step as a fixture step (docs/SIMULATION.md): alerts and violations in full
 * (lists replace), metrics as changes against the previous step (maps merge), range facts'
 * points (relative to the step, so the fixture replays them exactly), source health.
 */
function fixtureStep(s: Snapshot, prev: Snapshot | undefined, startMs: number): Record<string, unknown> {
  const step: Record<string, unknown> = { at: offset(startMs, s.at) };
  step['alerts'] = s.alerts.map((a) => {
    const { alertname: _n, severity: _s, ...labels } = a.labels;
    return { name: a.name, severity: a.severity, state: a.state, labels, ...(a.silenced ? { silenced: true } : {}), ...(a.inhibited ? { inhibited: true } : {}) };
  });
  const counts = new Map<string, { policyId: string; nodeOrService: string; severity: string; count: number }>();
  for (const v of s.violations) {
    const k = `${v.policyId}|${v.nodeOrService}|${v.severity}`;
    const c = counts.get(k) ?? { policyId: v.policyId, nodeOrService: v.nodeOrService, severity: v.severity, count: 0 };
    c.count++;
    counts.set(k, c);
  }
  step['violations'] = [...counts.values()];
  const m = metricsDelta(prev?.metrics, s.metrics);
  if (Object.keys(m).length > 0) step['metrics'] = m;
  const r = rangesOf(s.ranges, s.at);
  if (Object.keys(r).length > 0) step['ranges'] = r;
  const sources: Record<string, unknown> = {};
  for (const [n, st2] of Object.entries(s.sources)) sources[n] = st2.ok ? true : st2.error ?? false;
  if (Object.keys(sources).length > 0) step['sources'] = sources;
  return step;
}

/** The fixture's head and its steps, each step next to the recorded step it came from. */
function fixtureParts(name: string, description: string, steps: readonly RecordedStep[]): { head: Record<string, unknown>; steps: { step: Record<string, unknown>; recorded: RecordedStep }[] } {
  const first = steps[0];
  const startMs = first ? Date.parse(first.snapshot.at) : Date.now();
  const head = { apiVersion: 'mapek/v1', kind: 'Fixture', name, description, start: new Date(startMs).toISOString().replace('.000Z', 'Z') };
  return { head, steps: steps.map((recorded, i) => ({ step: fixtureStep(recorded.snapshot, steps[i - 1]?.snapshot, startMs), recorded })) };
}

/**
 * Serialises recorded snapshots into a simulation fixture, with — as YAML comments for the
 * author to review — the actions the controller planned at each step as draft expectations.
 */
export function writeFixture(name: string, description: string, steps: readonly RecordedStep[]): string {
  const parts = fixtureParts(name, description, steps);
  const head = ['# yaml-language-server: $schema=../schema/fixture.schema.json', `# Recorded by \`mapek record\`; review the commented draft expectations before relying on them.`];
  const body: string[] = [...head, yaml.dump(parts.head, { lineWidth: 120 }).trimEnd(), 'steps:'];
  parts.steps.forEach(({ step, recorded }, i) => {
    const text = yaml.dump([step], { lineWidth: 160, flowLevel: 4 }).trimEnd().split('\n').map((l) => `  ${l}`);
    body.push(...text);
    const chosen = recorded.decisions.flatMap((d) => d.chosen.map((c) => ({ type: c.action.type, target: c.action.target })));
    body.push(`    # draft expect (step ${i}, planned by the controller; review, then uncomment):`);
    if (chosen.length === 0) body.push('    # expect: { noActionsAtAll: true }');
    else {
      body.push('    # expect:');
      body.push('    #   actions:');
      for (const c of chosen) body.push(`    #     - { type: ${c.type}, target: ${JSON.stringify(c.target)} }`);
    }
  });
  return `${body.join('\n')}\n`;
}

/**
 * The JSON-lines recording form (docs/SIMULATION.md): the head on line 1, then one step per
 * line, the same steps as the YAML form. JSON has no comments, so there are no draft
 * expectations; a recording meant to become a test is written as YAML.
 */
export function writeFixtureJsonl(name: string, description: string, steps: readonly RecordedStep[]): string {
  const parts = fixtureParts(name, description, steps);
  return `${[parts.head, ...parts.steps.map((s) => s.step)].map((v) => JSON.stringify(v)).join('\n')}\n`;
}

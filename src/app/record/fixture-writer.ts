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
 * Serialises recorded snapshots into a simulation fixture (docs/SIMULATION.md): every step
 * gives its alerts and violations in full (lists replace), metrics as changes (maps merge),
 * range facts' points (relative to the step, so the fixture replays them exactly),
 * source health, and — as YAML comments for the author to review — the actions the
 * controller planned at that step as draft expectations.
 */
export function writeFixture(name: string, description: string, steps: readonly RecordedStep[]): string {
  const first = steps[0];
  const startMs = first ? Date.parse(first.snapshot.at) : Date.now();
  const head = ['# yaml-language-server: $schema=../schema/fixture.schema.json', `# Recorded by \`mapek record\`; review the commented draft expectations before relying on them.`];
  const doc = { apiVersion: 'mapek/v1', kind: 'Fixture', name, description, start: new Date(startMs).toISOString().replace('.000Z', 'Z') };
  const body: string[] = [...head, yaml.dump(doc, { lineWidth: 120 }).trimEnd(), 'steps:'];
  let prev: Snapshot | undefined;
  steps.forEach((st, i) => {
    const s = st.snapshot;
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
    const text = yaml.dump([step], { lineWidth: 160, flowLevel: 4 }).trimEnd().split('\n').map((l) => `  ${l}`);
    body.push(...text);
    const chosen = st.decisions.flatMap((d) => d.chosen.map((c) => ({ type: c.action.type, target: c.action.target })));
    body.push(`    # draft expect (step ${i}, planned by the controller; review, then uncomment):`);
    if (chosen.length === 0) body.push('    # expect: { noActionsAtAll: true }');
    else {
      body.push('    # expect:');
      body.push('    #   actions:');
      for (const c of chosen) body.push(`    #     - { type: ${c.type}, target: ${JSON.stringify(c.target)} }`);
    }
    prev = s;
  });
  return `${body.join('\n')}\n`;
}

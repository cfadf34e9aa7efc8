/**
 * Turn a schema-valid fixture document into snapshots. Carry-over rules (docs/SIMULATION.md):
 * a step that omits `alerts` or `violations` has the previous step's; `metrics` and `sources`
 * merge by key over the previous step's. An alert keeps its `startsAt` while it stays firing
 * from one step to the next; a resolved alert ends at its step's time.
 */
import { createHash } from 'node:crypto';
import type { Alert, Severity } from '../types/alert.js';
import type { Violation, ViolationSeverity } from '../types/charter.js';
import type { MetricSample, Snapshot, SourceName, SourceStatus } from '../types/snapshot.js';

type Raw = Record<string, unknown>;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Milliseconds of "+1m30s"; null when not an offset. */
export function parseOffset(s: string): number | null {
  if (!/^\+([0-9]+(ms|s|m|h))+$/.test(s)) return null;
  let total = 0;
  for (const m of s.slice(1).matchAll(/([0-9]+)(ms|s|m|h)/g)) total += Number(m[1]) * (UNIT_MS[m[2] ?? 's'] ?? 0);
  return total;
}

/** Epoch ms of a step's `at`, or null when it is neither an offset nor a valid ISO time. */
export function stepTime(at: string, startMs: number): number | null {
  const off = parseOffset(at);
  if (off !== null) return startMs + off;
  const t = Date.parse(at);
  return Number.isNaN(t) ? null : t;
}

export function fingerprint(labels: Readonly<Record<string, string>>): string {
  const canonical = JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

export function sampleValue(v: unknown): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (v === 'NaN') return NaN;
  return v as number;
}

function expandAlerts(raw: readonly Raw[], iso: string, previous: ReadonlyMap<string, Alert>): Alert[] {
  const out: Alert[] = [];
  for (const a of raw) {
    const count = (a['count'] as number | undefined) ?? 1;
    for (let i = 1; i <= count; i++) {
      const name = a['name'] as string;
      const severity = (a['severity'] as Severity | undefined) ?? 'warning';
      const state = (a['state'] as 'firing' | 'resolved' | undefined) ?? 'firing';
      const labels: Record<string, string> = { alertname: name, severity };
      for (const [k, v] of Object.entries((a['labels'] as Record<string, string> | undefined) ?? {})) {
        labels[k] = count > 1 ? v.replaceAll('{{i}}', String(i)) : v;
      }
      const fp = fingerprint(labels);
      const before = previous.get(fp);
      const startsAt = before !== undefined && before.state === 'firing' ? before.startsAt : iso;
      out.push({
        fingerprint: fp,
        name,
        severity,
        state,
        labels,
        annotations: (a['annotations'] as Record<string, string> | undefined) ?? {},
        startsAt,
        ...(state === 'resolved' ? { endsAt: iso } : {}),
        silenced: a['silenced'] === true,
        inhibited: a['inhibited'] === true,
        source: 'fixture',
      });
    }
  }
  return out;
}

function expandViolations(raw: readonly Raw[], iso: string, prefix: string): Violation[] {
  const out: Violation[] = [];
  for (const v of raw) {
    const count = (v['count'] as number | undefined) ?? 1;
    const policyId = v['policyId'] as string;
    const nodeOrService = v['nodeOrService'] as string;
    const severity = (v['severity'] as ViolationSeverity | undefined) ?? 'high';
    for (let i = 0; i < count; i++) {
      out.push({
        id: `${prefix}-v${out.length + 1}`,
        policyId,
        policyName: (v['policyName'] as string | undefined) ?? policyId,
        severity,
        nodeOrService,
        message: (v['message'] as string | undefined) ?? `${severity} violation of ${policyId} on ${nodeOrService}`,
        timestamp: iso,
      });
    }
  }
  return out;
}

function metricSamples(v: unknown): MetricSample[] {
  if (v === null) return [];
  if (Array.isArray(v)) {
    return (v as Raw[]).map((s) => ({ labels: (s['labels'] as Record<string, string> | undefined) ?? {}, value: sampleValue(s['value']) }));
  }
  return [{ labels: {}, value: sampleValue(v) }];
}

function sourceStatus(v: unknown): SourceStatus {
  if (v === true) return { ok: true };
  return { ok: false, error: typeof v === 'string' ? v : 'down (fixture)' };
}

/** Builds the snapshots of a fixture step by step, carrying state between steps. */
export class SnapshotBuilder {
  private alertsRaw: readonly Raw[] = [];
  private violationsRaw: readonly Raw[] = [];
  private readonly metrics: Record<string, readonly MetricSample[]> = {};
  private readonly sources: Record<SourceName, SourceStatus> = { prometheus: { ok: true }, alertmanager: { ok: true }, charter: { ok: true } };
  private previous = new Map<string, Alert>();

  constructor(private readonly name: string) {}

  next(step: Raw, index: number, iso: string): Snapshot {
    if (Array.isArray(step['alerts'])) this.alertsRaw = step['alerts'] as Raw[];
    if (Array.isArray(step['violations'])) this.violationsRaw = step['violations'] as Raw[];
    for (const [k, v] of Object.entries((step['metrics'] as Raw | undefined) ?? {})) this.metrics[k] = metricSamples(v);
    for (const [k, v] of Object.entries((step['sources'] as Raw | undefined) ?? {})) this.sources[k as SourceName] = sourceStatus(v);
    const alerts = expandAlerts(this.alertsRaw, iso, this.previous);
    this.previous = new Map(alerts.map((a) => [a.fingerprint, a]));
    return {
      at: iso,
      alerts,
      metrics: { ...this.metrics },
      violations: expandViolations(this.violationsRaw, iso, `${this.name}-s${index}`),
      sources: { ...this.sources },
    };
  }
}

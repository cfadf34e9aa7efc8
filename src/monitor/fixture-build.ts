/**
 * Turn a schema-valid fixture document into snapshots. Carry-over rules (docs/SIMULATION.md):
 * a step that omits `alerts` or `violations` has the previous step's; `metrics`, `ranges` and
 * `sources` merge by key over the previous step's (a range's points are relative to its step). An alert keeps its `startsAt` while it stays firing
 * from one step to the next; a resolved alert ends at its step's time.
 */
import { createHash } from 'node:crypto';
import type { Alert, Severity } from '../types/alert.js';
import type { Violation, ViolationSeverity } from '../types/charter.js';
import type { MetricSample, RangeSeries, Snapshot, SourceName, SourceStatus } from '../types/snapshot.js';

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

/** The label pairs in their written order, length-prefixed so no two label sets share a key. */
function orderedKey(labels: Readonly<Record<string, string>>): string {
  let key = '';
  for (const k of Object.keys(labels)) {
    const v = labels[k] ?? '';
    key += `${k.length}:${k}${v.length}:${v}`;
  }
  return key;
}

/**
 * `fingerprint` memoised per fixture: a recording repeats the same alerts step after step
 * (a 24 h recording with 20 alerts asks 115,200 times for a few hundred label sets). Keyed by
 * the labels in written order; the value is still the canonical (sorted) fingerprint.
 */
export class Fingerprints {
  private readonly memo = new Map<string, string>();

  of(labels: Readonly<Record<string, string>>): { fingerprint: string; key: string } {
    const key = orderedKey(labels);
    let fp = this.memo.get(key);
    if (fp === undefined) {
      fp = fingerprint(labels);
      this.memo.set(key, fp);
    }
    return { fingerprint: fp, key };
  }
}

/** Same keys in the same order with the same values (so a reused object prints the same). */
function sameStrings(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i] as string;
    if (k !== kb[i] || a[k] !== b[k]) return false;
  }
  return true;
}

const NO_STRINGS: Readonly<Record<string, string>> = Object.freeze({});

interface Seen {
  readonly alert: Alert;
  readonly key: string;
}

export function sampleValue(v: unknown): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (v === 'NaN') return NaN;
  return v as number;
}

function expandAlerts(raw: readonly Raw[], iso: string, previous: ReadonlyMap<string, Seen>, fps: Fingerprints): Seen[] {
  const out: Seen[] = [];
  for (const a of raw) {
    const count = (a['count'] as number | undefined) ?? 1;
    const name = a['name'] as string;
    const severity = (a['severity'] as Severity | undefined) ?? 'warning';
    const state = (a['state'] as 'firing' | 'resolved' | undefined) ?? 'firing';
    const annotations = (a['annotations'] as Record<string, string> | undefined) ?? NO_STRINGS;
    const silenced = a['silenced'] === true;
    const inhibited = a['inhibited'] === true;
    for (let i = 1; i <= count; i++) {
      const labels: Record<string, string> = { alertname: name, severity };
      for (const [k, v] of Object.entries((a['labels'] as Record<string, string> | undefined) ?? {})) {
        labels[k] = count > 1 ? v.replaceAll('{{i}}', String(i)) : v;
      }
      const { fingerprint: fp, key } = fps.of(labels);
      const before = previous.get(fp);
      // An alert still firing exactly as recorded in the previous step is that step's object:
      // same fields, same startsAt (carried over), and nothing downstream mutates a snapshot.
      if (before !== undefined && state === 'firing' && before.alert.state === 'firing' && before.key === key && before.alert.silenced === silenced &&
        before.alert.inhibited === inhibited && sameStrings(before.alert.annotations, annotations)) {
        out.push(before);
        continue;
      }
      const startsAt = before !== undefined && before.alert.state === 'firing' ? before.alert.startsAt : iso;
      const alert: Alert = {
        fingerprint: fp,
        name,
        severity,
        state,
        labels,
        annotations: annotations === NO_STRINGS ? {} : annotations,
        startsAt,
        ...(state === 'resolved' ? { endsAt: iso } : {}),
        silenced,
        inhibited,
        source: 'fixture',
      };
      out.push({ alert, key });
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

/**
 * A fixture's series → points in unix seconds: `points` are [seconds relative to the step,
 * value]; `every` + `values` are evenly spaced and end at the step's time.
 */
export function rangeSeries(v: unknown, stepMs: number): RangeSeries[] {
  if (!Array.isArray(v)) return [];
  // Through whole milliseconds, as Prometheus' timestamps are: a recording replays to the same doubles.
  const t = (relSeconds: number): number => Math.round(stepMs + relSeconds * 1000) / 1000;
  return (v as Raw[]).map((s) => {
    const labels = (s['labels'] as Record<string, string> | undefined) ?? {};
    if (Array.isArray(s['points'])) return { labels, points: (s['points'] as unknown[][]).map((p) => [t(sampleValue(p[0])), sampleValue(p[1])] as const) };
    const values = (s['values'] as unknown[] | undefined) ?? [];
    const every = parseOffset(`+${String(s['every'] ?? '0s')}`) ?? 0;
    return { labels, points: values.map((x, i) => [t(-((values.length - 1 - i) * every) / 1000), sampleValue(x)] as const) };
  });
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
  private readonly ranges: Record<string, readonly RangeSeries[]> = {};
  private readonly sources: Record<SourceName, SourceStatus> = { prometheus: { ok: true }, alertmanager: { ok: true }, charter: { ok: true } };
  private previous = new Map<string, Seen>();

  /** `fingerprints` may be shared with a validator that fingerprints the same alerts. */
  constructor(private readonly name: string, readonly fingerprints: Fingerprints = new Fingerprints()) {}

  next(step: Raw, index: number, iso: string): Snapshot {
    if (Array.isArray(step['alerts'])) this.alertsRaw = step['alerts'] as Raw[];
    if (Array.isArray(step['violations'])) this.violationsRaw = step['violations'] as Raw[];
    for (const [k, v] of Object.entries((step['metrics'] as Raw | undefined) ?? {})) this.metrics[k] = metricSamples(v);
    const stepMs = Date.parse(iso);
    for (const [k, v] of Object.entries((step['ranges'] as Raw | undefined) ?? {})) this.ranges[k] = rangeSeries(v, stepMs);
    for (const [k, v] of Object.entries((step['sources'] as Raw | undefined) ?? {})) this.sources[k as SourceName] = sourceStatus(v);
    const seen = expandAlerts(this.alertsRaw, iso, this.previous, this.fingerprints);
    this.previous = new Map(seen.map((a) => [a.alert.fingerprint, a]));
    return {
      at: iso,
      alerts: seen.map((a) => a.alert),
      metrics: { ...this.metrics },
      ...(Object.keys(this.ranges).length > 0 ? { ranges: { ...this.ranges } } : {}),
      violations: expandViolations(this.violationsRaw, iso, `${this.name}-s${index}`),
      sources: { ...this.sources },
    };
  }
}

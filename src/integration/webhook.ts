/**
 * The Alertmanager webhook payload (version "4"): a strict parser that reports every
 * problem at once, each with its field path, and a bounded deduplicator — Alertmanager
 * delivers at least once, so duplicates are normal.
 */
import type { Alert } from '../types/alert.js';
import { isZeroTime, severityOf } from './alert-labels.js';

export interface WebhookAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL: string;
  readonly fingerprint: string;
}

export interface WebhookPayload {
  readonly version: '4';
  readonly groupKey: string;
  readonly truncatedAlerts: number;
  readonly status: 'firing' | 'resolved';
  readonly receiver: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly commonLabels: Readonly<Record<string, string>>;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  readonly externalURL: string;
  readonly alerts: readonly WebhookAlert[];
}

export interface WebhookIssue {
  /** Field path, e.g. `alerts[2].labels.alertname`; "" for the body itself. */
  readonly path: string;
  readonly message: string;
}

export type WebhookParseResult =
  | { readonly ok: true; readonly payload: WebhookPayload; readonly alerts: readonly Alert[] }
  | { readonly ok: false; readonly issues: readonly WebhookIssue[] };

export function formatWebhookIssue(i: WebhookIssue): string {
  return i.path ? `${i.path}: ${i.message}` : i.message;
}

const TOP_KEYS = ['version', 'groupKey', 'truncatedAlerts', 'status', 'receiver', 'groupLabels', 'commonLabels', 'commonAnnotations', 'externalURL', 'alerts'] as const;
const ALERT_KEYS = ['status', 'labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL', 'fingerprint'] as const;

/**
 * Parses a webhook body (already JSON-decoded). Unknown keys are rejected, so a payload
 * from an incompatible Alertmanager is noticed instead of half-understood.
 */
export function parseWebhook(body: unknown): WebhookParseResult {
  const issues: WebhookIssue[] = [];
  const c = new Checker(issues);
  if (!isObject(body)) return { ok: false, issues: [{ path: '', message: 'expected a JSON object' }] };
  c.unknownKeys(body, TOP_KEYS, '');
  if (body['version'] !== '4') c.issue('version', body['version'] === undefined ? 'required' : `expected "4", got ${JSON.stringify(body['version'])}`);
  const status = c.status(body['status'], 'status');
  const payloadAlerts: WebhookAlert[] = [];
  const rawAlerts = body['alerts'];
  if (rawAlerts === undefined) c.issue('alerts', 'required');
  else if (!Array.isArray(rawAlerts)) c.issue('alerts', 'expected an array');
  else rawAlerts.forEach((a, i) => { const w = parseAlert(a, `alerts[${i}]`, c); if (w) payloadAlerts.push(w); });
  const payload: WebhookPayload = {
    version: '4',
    groupKey: c.string(body['groupKey'], 'groupKey'),
    truncatedAlerts: c.count(body['truncatedAlerts'], 'truncatedAlerts'),
    status: status ?? 'firing',
    receiver: c.string(body['receiver'], 'receiver'),
    groupLabels: c.record(body['groupLabels'], 'groupLabels'),
    commonLabels: c.record(body['commonLabels'], 'commonLabels'),
    commonAnnotations: c.record(body['commonAnnotations'], 'commonAnnotations'),
    externalURL: c.string(body['externalURL'], 'externalURL'),
    alerts: payloadAlerts,
  };
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, payload, alerts: payloadAlerts.map(webhookAlertToAlert) };
}

function parseAlert(a: unknown, path: string, c: Checker): WebhookAlert | undefined {
  if (!isObject(a)) { c.issue(path, 'expected an object'); return undefined; }
  c.unknownKeys(a, ALERT_KEYS, path);
  const labels = c.record(a['labels'], `${path}.labels`);
  if (isObject(a['labels']) && labels['alertname'] === undefined) c.issue(`${path}.labels.alertname`, 'required');
  const startsAt = c.time(a['startsAt'], `${path}.startsAt`, false);
  const endsAt = c.time(a['endsAt'], `${path}.endsAt`, true);
  const fingerprint = c.string(a['fingerprint'], `${path}.fingerprint`);
  if (fingerprint === '' && typeof a['fingerprint'] === 'string') c.issue(`${path}.fingerprint`, 'must not be empty');
  return {
    status: c.status(a['status'], `${path}.status`) ?? 'firing',
    labels,
    annotations: c.record(a['annotations'], `${path}.annotations`),
    startsAt,
    endsAt,
    generatorURL: c.string(a['generatorURL'], `${path}.generatorURL`),
    fingerprint,
  };
}

/** A webhook alert as the shared Alert type: its own status decides, never the payload's. */
export function webhookAlertToAlert(w: WebhookAlert): Alert {
  const resolved = w.status === 'resolved';
  return {
    fingerprint: w.fingerprint,
    name: w.labels['alertname'] ?? '',
    severity: severityOf(w.labels),
    state: w.status,
    labels: w.labels,
    annotations: w.annotations,
    startsAt: w.startsAt,
    ...(resolved && !isZeroTime(w.endsAt) ? { endsAt: w.endsAt } : {}),
    silenced: false, // Alertmanager never sends muted alerts to a receiver
    inhibited: false,
    source: 'webhook',
  };
}

class Checker {
  constructor(private readonly issues: WebhookIssue[]) {}

  issue(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  unknownKeys(o: Record<string, unknown>, known: readonly string[], path: string): void {
    for (const k of Object.keys(o)) if (!known.includes(k)) this.issue(path ? `${path}.${k}` : k, 'unknown field');
  }

  string(v: unknown, path: string): string {
    if (v === undefined) { this.issue(path, 'required'); return ''; }
    if (typeof v !== 'string') { this.issue(path, `expected a string, got ${typeName(v)}`); return ''; }
    return v;
  }

  count(v: unknown, path: string): number {
    if (v === undefined) { this.issue(path, 'required'); return 0; }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) { this.issue(path, `expected a non-negative integer, got ${JSON.stringify(v)}`); return 0; }
    return v;
  }

  status(v: unknown, path: string): 'firing' | 'resolved' | undefined {
    if (v === 'firing' || v === 'resolved') return v;
    this.issue(path, v === undefined ? 'required' : `expected "firing" or "resolved", got ${JSON.stringify(v)}`);
    return undefined;
  }

  time(v: unknown, path: string, zeroAllowed: boolean): string {
    const s = this.string(v, path);
    if (typeof v !== 'string') return s;
    if (isZeroTime(s)) { if (!zeroAllowed) this.issue(path, 'must be a time, not the zero time'); return s; }
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) || Number.isNaN(Date.parse(s))) this.issue(path, `expected an RFC 3339 time, got ${JSON.stringify(s)}`);
    return s;
  }

  record(v: unknown, path: string): Record<string, string> {
    if (v === undefined) { this.issue(path, 'required'); return {}; }
    if (!isObject(v)) { this.issue(path, `expected an object, got ${typeName(v)}`); return {}; }
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(v)) {
      if (typeof val === 'string') out[k] = val;
      else this.issue(`${path}.${k}`, `expected a string, got ${typeName(val)}`);
    }
    return out;
  }
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface DeduplicatorOptions {
  /** Most keys remembered; the oldest is forgotten first [10000]. */
  readonly maxEntries?: number;
  /** A key is forgotten after this long, ms [1 h]. */
  readonly ttlMs?: number;
  /** Clock [Date.now]. */
  readonly now?: () => number;
}

/**
 * Remembers which (fingerprint, startsAt, state) notifications were seen. Alertmanager
 * re-sends a group every repeat_interval and retries failed deliveries; the same alert
 * firing again later has a new startsAt, and its resolution a new state, so neither is
 * mistaken for a duplicate. Memory is bounded by maxEntries (oldest first) and ttlMs.
 */
export class WebhookDeduplicator {
  private readonly seenAt = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(opts: DeduplicatorOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.ttlMs = opts.ttlMs ?? 3_600_000;
    this.now = opts.now ?? Date.now;
  }

  static key(a: Pick<Alert, 'fingerprint' | 'startsAt' | 'state'>): string {
    return `${a.fingerprint}|${a.startsAt}|${a.state}`;
  }

  /** Returns the alerts not seen before (within ttl), and remembers them. */
  fresh(alerts: readonly Alert[]): Alert[] {
    const now = this.now();
    this.expire(now);
    const out: Alert[] = [];
    for (const a of alerts) {
      const k = WebhookDeduplicator.key(a);
      if (this.seenAt.has(k)) continue;
      this.seenAt.set(k, now);
      out.push(a);
      if (this.seenAt.size > this.maxEntries) {
        const oldest = this.seenAt.keys().next();
        if (!oldest.done) this.seenAt.delete(oldest.value);
      }
    }
    return out;
  }

  get size(): number {
    return this.seenAt.size;
  }

  private expire(now: number): void {
    // Map iterates in insertion order, which is time order here.
    for (const [k, t] of this.seenAt) {
      if (now - t < this.ttlMs) break;
      this.seenAt.delete(k);
    }
  }
}

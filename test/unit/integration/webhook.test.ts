import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { formatWebhookIssue, parseWebhook, WebhookDeduplicator } from '../../../src/integration/webhook.js';
import type { Alert } from '../../../src/types/alert.js';
import { CAPTURES_DIR } from './fake-server.js';

const captured = JSON.parse(readFileSync(path.join(CAPTURES_DIR, 'alertmanager-webhooks.json'), 'utf8')) as { body: unknown }[];
const first = captured[0]!.body as Record<string, any>;
const clone = (): Record<string, any> => JSON.parse(JSON.stringify(first));

test('every captured webhook from Alertmanager 0.25 parses', (t) => {
  t.true(captured.length >= 10);
  for (const c of captured) {
    const r = parseWebhook(c.body);
    t.true(r.ok, r.ok ? '' : r.issues.map(formatWebhookIssue).join('; '));
  }
});

test('a firing alert normalises to Alert without endsAt; a resolved one keeps it', (t) => {
  const r = parseWebhook(first);
  if (!r.ok) return t.fail();
  t.deepEqual(r.alerts[0], {
    fingerprint: '3aa5ae07d734551f',
    name: 'CounterIncreased',
    severity: 'info',
    state: 'firing',
    labels: { alertname: 'CounterIncreased', instance: '127.0.0.1:19100', job: 'harness', severity: 'page', trial: '1' },
    annotations: { summary: 'counter for trial 1 increased by 1.3203333333333334' },
    startsAt: '2026-11-26T10:25:48.801Z',
    silenced: false,
    inhibited: false,
    source: 'webhook',
  });
  t.is(r.payload.groupKey, first['groupKey']);
  const resolved = parseWebhook(captured[1]!.body);
  if (!resolved.ok) return t.fail();
  t.like(resolved.alerts[0], { state: 'resolved', endsAt: '2026-11-26T10:25:52.801Z' });
});

test('severity critical and warning are kept', (t) => {
  const b = clone();
  b['alerts'][0].labels.severity = 'critical';
  const r = parseWebhook(b);
  t.true(r.ok && r.alerts[0]!.severity === 'critical');
});

test('every problem is reported at once, each with its field path', (t) => {
  const b = clone();
  b['version'] = '3';
  delete b['alerts'][0].labels.alertname;
  b['alerts'][0].startsAt = 'yesterday';
  b['alerts'][0].extra = 1;
  b['alerts'][0].annotations.n = 5;
  b['alerts'].push('x');
  b['truncatedAlerts'] = -1;
  b['status'] = 'pending';
  delete b['receiver'];
  b['commonLabels'] = [];
  const r = parseWebhook(b);
  if (r.ok) return t.fail();
  t.deepEqual(r.issues.map(formatWebhookIssue), [
    'version: expected "4", got "3"',
    'status: expected "firing" or "resolved", got "pending"',
    'alerts[0].extra: unknown field',
    'alerts[0].labels.alertname: required',
    'alerts[0].startsAt: expected an RFC 3339 time, got "yesterday"',
    'alerts[0].annotations.n: expected a string, got number',
    'alerts[1]: expected an object',
    'truncatedAlerts: expected a non-negative integer, got -1',
    'receiver: required',
    'commonLabels: expected an object, got array',
  ]);
});

test('more strictness: body, alerts, fingerprint, zero startsAt, unknown top-level key', (t) => {
  t.deepEqual(parseWebhook(null), { ok: false, issues: [{ path: '', message: 'expected a JSON object' }] });
  const b = clone();
  b['alerts'][0].fingerprint = '';
  b['alerts'][0].startsAt = '0001-01-01T00:00:00Z';
  b['alerts'][0].status = undefined;
  b['surprise'] = true;
  const r = parseWebhook(b);
  if (r.ok) return t.fail();
  t.deepEqual(r.issues.map(formatWebhookIssue), [
    'surprise: unknown field',
    'alerts[0].startsAt: must be a time, not the zero time',
    'alerts[0].fingerprint: must not be empty',
    'alerts[0].status: required',
  ]);
  const noAlerts = clone();
  delete noAlerts['alerts'];
  const r2 = parseWebhook(noAlerts);
  t.deepEqual(r2.ok ? [] : r2.issues.map(formatWebhookIssue), ['alerts: required']);
  const notArray = { ...clone(), alerts: {} };
  const r3 = parseWebhook(notArray);
  t.deepEqual(r3.ok ? [] : r3.issues.map(formatWebhookIssue), ['alerts: expected an array']);
  const v = clone();
  delete v['version'];
  v['groupKey'] = 3;
  const r4 = parseWebhook(v);
  t.deepEqual(r4.ok ? [] : r4.issues.map(formatWebhookIssue), ['version: required', 'groupKey: expected a string, got number']);
});

const alert = (fp: string, startsAt: string, state: 'firing' | 'resolved' = 'firing'): Alert =>
  ({ fingerprint: fp, name: 'A', severity: 'critical', state, labels: {}, annotations: {}, startsAt, silenced: false, inhibited: false, source: 'webhook' });

test('deduplicator: repeats dropped; a resolution or a new startsAt is new', (t) => {
  const d = new WebhookDeduplicator();
  t.is(d.fresh([alert('a', 't1'), alert('a', 't1')]).length, 1);
  t.deepEqual(d.fresh([alert('a', 't1')]), []);
  t.is(d.fresh([alert('a', 't1', 'resolved')]).length, 1);
  t.is(d.fresh([alert('a', 't2')]).length, 1);
  t.is(d.size, 3);
});

test('deduplicator: memory bounded by maxEntries (oldest forgotten) and ttl', (t) => {
  let now = 0;
  const d = new WebhookDeduplicator({ maxEntries: 2, ttlMs: 1000, now: () => now });
  d.fresh([alert('a', 't'), alert('b', 't'), alert('c', 't')]);
  t.is(d.size, 2);
  t.is(d.fresh([alert('a', 't')]).length, 1); // 'a' was evicted
  now = 5000;
  t.is(d.fresh([alert('c', 't')]).length, 1); // everything expired
  t.is(d.size, 1);
});

test('captured duplicates: the deduplicator keeps one per (fingerprint, startsAt, status)', (t) => {
  const d = new WebhookDeduplicator();
  let fresh = 0;
  let total = 0;
  const keys = new Set<string>();
  for (const c of captured) {
    const r = parseWebhook(c.body);
    if (!r.ok) continue;
    total += r.alerts.length;
    fresh += d.fresh(r.alerts).length;
    for (const a of r.alerts) keys.add(WebhookDeduplicator.key(a));
  }
  t.is(fresh, keys.size);
  t.true(total >= fresh);
});

import test from 'ava';
import { Fingerprints, SnapshotBuilder, fingerprint } from '../../../src/monitor/fixture-build.js';
import { parseFixture } from '../../../src/monitor/fixture.js';

test('memoised fingerprints equal the canonical fingerprint, whatever the written label order', (t) => {
  const fps = new Fingerprints();
  const a = { alertname: 'X', severity: 'warning', policy_id: 'p-1', zone: 'a' };
  const b = { zone: 'a', policy_id: 'p-1', severity: 'warning', alertname: 'X' };
  t.is(fps.of(a).fingerprint, fingerprint(a));
  t.is(fps.of(b).fingerprint, fingerprint(a));
  t.is(fps.of(a).fingerprint, fingerprint(a)); // from the memo
  t.not(fps.of(a).key, fps.of(b).key);
});

test('label sets whose plain concatenations collide get different fingerprints', (t) => {
  const fps = new Fingerprints();
  const one = { a: 'b', c: 'd' };
  const two = { a: 'bc', '': 'd' };
  const three = { ab: '', c: 'd' };
  const got = [one, two, three].map((l) => fps.of(l).fingerprint);
  t.deepEqual(got, [one, two, three].map((l) => fingerprint(l)));
  t.is(new Set(got).size, 3);
});

const head = 'apiVersion: mapek/v1\nkind: Fixture\nname: t\nstart: "2026-11-26T12:00:00Z"\n';

test('an alert recorded unchanged in the next step is the same object; any change makes a new one', (t) => {
  const r = parseFixture(`${head}steps:
  - at: "+0s"
    alerts: [ { name: CharterDown, severity: critical }, { name: ViolationRateHigh, labels: { policy_id: p-1 } } ]
  - at: "+15s"
    alerts: [ { name: CharterDown, severity: critical }, { name: ViolationRateHigh, labels: { policy_id: p-1 }, annotations: { summary: s } } ]
  - at: "+30s"
  - at: "+45s"
    alerts: [ { name: CharterDown, severity: critical, silenced: true }, { name: ViolationRateHigh, labels: { policy_id: p-1 }, annotations: { summary: s } } ]
  - at: "+60s"
    alerts: [ { name: CharterDown, severity: critical, state: resolved } ]
  - at: "+75s"
    alerts: [ { name: CharterDown, severity: critical, state: resolved } ]
`, 'f.yaml');
  if (!r.ok) return t.fail(JSON.stringify(r.issues));
  const [s0, s1, s2, s3, s4, s5] = r.fixture.steps.map((s) => s.snapshot.alerts);
  t.is(s1?.[0], s0?.[0]);
  t.not(s1?.[1], s0?.[1]);
  t.deepEqual(s1?.[1]?.annotations, { summary: 's' });
  t.is(s1?.[1]?.startsAt, '2026-11-26T12:00:00.000Z');
  t.is(s2?.[0], s1?.[0]);
  t.is(s2?.[1], s1?.[1]);
  t.not(s3?.[0], s2?.[0]);
  t.true(s3?.[0]?.silenced);
  t.is(s3?.[0]?.startsAt, '2026-11-26T12:00:00.000Z');
  t.is(s3?.[1], s2?.[1]);
  t.is(s4?.[0]?.endsAt, '2026-11-26T12:01:00.000Z');
  t.not(s5?.[0], s4?.[0]);
  t.is(s5?.[0]?.endsAt, '2026-11-26T12:01:15.000Z');
  t.is(s5?.[0]?.startsAt, '2026-11-26T12:01:15.000Z');
});

test('a reused alert keeps the label order it was first written in only when the order is unchanged', (t) => {
  const b = new SnapshotBuilder('x');
  const first = b.next({ alerts: [{ name: 'A', labels: { x: '1', y: '2' } }] }, 0, '2026-11-26T12:00:00.000Z').alerts[0];
  const same = b.next({ alerts: [{ name: 'A', labels: { x: '1', y: '2' } }] }, 1, '2026-11-26T12:00:15.000Z').alerts[0];
  const swapped = b.next({ alerts: [{ name: 'A', labels: { y: '2', x: '1' } }] }, 2, '2026-11-26T12:00:30.000Z').alerts[0];
  t.is(same, first);
  t.not(swapped, first);
  t.is(swapped?.fingerprint, first?.fingerprint);
  t.deepEqual(Object.keys(swapped?.labels ?? {}), ['alertname', 'severity', 'y', 'x']);
  t.is(swapped?.startsAt, '2026-11-26T12:00:00.000Z');
});

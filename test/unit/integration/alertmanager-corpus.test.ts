/**
 * The committed Alertmanager 0.25 API answers (test/data/alertmanager/*.json `api`) served
 * verbatim to the real AlertmanagerClient and AlertmanagerSource: `status.state` decides
 * whether an alert fires, whatever the local clock says about its `endsAt`; the clock skew
 * seen in `updatedAt` is reported (issue #10 item 5).
 */
import test from 'ava';
import { AlertmanagerClient } from '../../../src/integration/alertmanager.js';
import { AlertmanagerSource } from '../../../src/monitor/alertmanager-source.js';
import { amScenario, type CorpusApiAnswer } from '../../support/corpus.js';
import { fakeServer, json } from './fake-server.js';

async function serve(t: { teardown(f: () => Promise<void>): void }, a: CorpusApiAnswer) {
  const s = await fakeServer(() => json(a.status, a.body, { date: a.date }));
  t.teardown(() => s.close());
  return new AlertmanagerClient({ baseUrl: s.url, retries: 0 });
}

type ApiAlert = { endsAt: string; updatedAt: string; labels: Record<string, string>; status: { state: string } };
const bodyOf = (a: CorpusApiAnswer): ApiAlert[] => a.body as ApiAlert[];

test('item 5: an active alert whose endsAt is behind the local clock still fires (state decides, not the clock)', async (t) => {
  const answer = amScenario('api-all').api[0]!;
  const alerts = bodyOf(answer);
  t.true(alerts.length >= 10);
  const latestEnd = Math.max(...alerts.map((a) => Date.parse(a.endsAt)));
  const c = await serve(t, answer);
  const src = new AlertmanagerSource(c);
  // A local clock 5 s past every endsAt: all of them would have read as resolved.
  const read = await src.read(new Date(latestEnd + 5_000));
  t.is(read.alerts?.length, alerts.length);
  t.deepEqual([...new Set(read.alerts?.map((a) => a.state))], ['firing']);
  t.false(read.alerts?.some((a) => 'endsAt' in a));
});

test('suppressed alerts: inhibited (inhibitedBy) and silenced (silencedBy) are marked, still firing', async (t) => {
  const inh = await (await serve(t, amScenario('inhibition').api[0]!)).alerts();
  t.deepEqual(inh.map((a) => [a.name, a.state, a.inhibited, a.silenced]), [['CorpusInhibited', 'firing', true, false], ['CorpusInhibitor', 'firing', false, false]]);
  const sil = await (await serve(t, amScenario('silence').api[0]!)).alerts();
  t.deepEqual(sil.map((a) => [a.name, a.state, a.inhibited, a.silenced]), [['CorpusSilenced', 'firing', false, true]]);
});

test('an unknown status.state is an invalid response naming the field', async (t) => {
  const [a] = bodyOf(amScenario('posted-by-hand').api[0]!);
  const c = await serve(t, { query: '', status: 200, date: '', body: [{ ...a, status: { ...a!.status, state: 'expired' } }] });
  const err = await t.throwsAsync(c.alerts());
  t.regex(err.message, /: invalid response: \[0\]\.status\.state: expected "active", "suppressed" or "unprocessed", got "expired"$/);
});

test('item 5: the skew between Alertmanager\'s newest updatedAt and the local clock is reported', async (t) => {
  const answer = amScenario('api-all').api[0]!;
  const newest = Math.max(...bodyOf(answer).map((a) => Date.parse(a.updatedAt)));
  const seen: number[] = [];
  const src = new AlertmanagerSource(await serve(t, answer), { onSkew: (s) => seen.push(s) });
  await src.read(new Date(newest - 4_000)); // Alertmanager 4 s ahead
  await src.read(new Date(newest + 30_000)); // newest update 30 s old: no skew seen
  t.deepEqual(seen, [4, 0]);
});

/**
 * The committed Prometheus 2.42 answers (test/data/prometheus/, scripts/capture-corpus.js)
 * served verbatim to the real PrometheusClient and PrometheusSource: NaN and ±Inf samples,
 * scalar, string and matrix results, 400 bad_data and 422 execution errors; a failed named
 * query is reported by its name and PromQL (issue #10 item 6).
 */
import test from 'ava';
import { PrometheusApiError } from '../../../src/integration/errors.js';
import { PrometheusClient } from '../../../src/integration/prometheus.js';
import { PrometheusSource } from '../../../src/monitor/prometheus-source.js';
import { promCapture, type PrometheusCapture } from '../../support/corpus.js';
import { fakeServer, type Answer } from './fake-server.js';

const answer = (c: PrometheusCapture): Answer => ({ status: c.status, headers: { 'content-type': c.contentType }, body: c.body });

async function client(t: { teardown(f: () => Promise<void>): void }, pick: (query: string, path: string) => PrometheusCapture) {
  const s = await fakeServer((req) => { const u = new URL(req.url, 'http://x'); return answer(pick(u.searchParams.get('query') ?? '', u.pathname)); });
  t.teardown(() => s.close());
  return { s, c: new PrometheusClient({ baseUrl: s.url, retries: 0 }) };
}

test('NaN, +Inf and -Inf samples, scalar, string and matrix results parse from the real answers', async (t) => {
  const caps = ['vector-pos-inf', 'vector-neg-inf', 'vector-nan', 'vector-mixed', 'scalar-inf', 'scalar-number', 'string', 'matrix-inf'].map(promCapture);
  const { c } = await client(t, (q, p) => caps.find((x) => x.request.params['query'] === q && x.request.path === p)!);
  const at = new Date(1_700_000_000_000);
  t.deepEqual(await c.query('vector(1/0)', at), { resultType: 'vector', result: [{ metric: {}, value: [1_700_000_000, Infinity] }] });
  t.deepEqual(await c.query('vector(-1/0)', at), { resultType: 'vector', result: [{ metric: {}, value: [1_700_000_000, -Infinity] }] });
  const nan = await c.query('vector(0/0)', at);
  t.true(nan.resultType === 'vector' && Number.isNaN(nan.result[0]?.value[1]));
  const mixed = await c.query(caps[3]!.request.params['query']!, at);
  t.deepEqual(mixed.resultType === 'vector' ? mixed.result.map((r) => [r.metric['x'], String(r.value[1])]) : [], [['pinf', 'Infinity'], ['ninf', '-Infinity'], ['nan', 'NaN'], ['num', '1.5']]);
  t.deepEqual(await c.query('1/0', at), { resultType: 'scalar', result: [1_700_000_000, Infinity] });
  t.deepEqual(await c.query('42', at), { resultType: 'scalar', result: [1_700_000_000, 42] });
  t.deepEqual(await c.query('"hello"', at), { resultType: 'string', result: [1_700_000_000, 'hello'] });
  const m = await c.queryRange('vector(1/0)', new Date(1_700_000_000_000), new Date(1_700_000_002_000), 1);
  t.deepEqual(m, { resultType: 'matrix', result: [{ metric: {}, values: [[1_700_000_000, Infinity], [1_700_000_001, Infinity], [1_700_000_002, Infinity]] }] });
});

test('400 bad_data and 422 execution: Prometheus\'s own text, typed and not retryable', async (t) => {
  const bad = promCapture('error-bad-data');
  const exec = promCapture('error-execution');
  const { s, c } = await client(t, (q) => (q === 'sum(' ? bad : exec));
  const e400 = await t.throwsAsync(c.query('sum('), { instanceOf: PrometheusApiError });
  t.is(e400.message, `prometheus bad_data error (400) from ${s.url}/api/v1/query: ${JSON.parse(bad.body).error}`);
  t.false(e400.retryable);
  const e422 = await t.throwsAsync(c.query('sum_over_time(vector(1)[1h:1s])'), { instanceOf: PrometheusApiError });
  t.is(e422.message, `prometheus execution error (422) from ${s.url}/api/v1/query: query processing would load too many samples into memory in query execution`);
  t.false(e422.retryable);
});

test('item 6: a failed named query is reported by its name and PromQL, with Prometheus\'s error', async (t) => {
  const ok = promCapture('vector-pos-inf');
  const exec = promCapture('error-execution');
  const promql = 'max by (committee_id) (westworld_charter_committee_queue_depth)';
  const { s, c } = await client(t, (q) => (q === promql ? exec : ok));
  const src = new PrometheusSource(c, () => [
    { name: 'validationLatencyP99', subject: 'service', promql: 'max(x)', description: 'ok' },
    { name: 'committeeQueueDepth', subject: 'committee', by: 'committee_id', promql, description: 'fails' },
  ]);
  const err = await t.throwsAsync(src.read(new Date(1_700_000_000_000)));
  t.is(err.message, `named query "committeeQueueDepth" (${promql}) failed: prometheus execution error (422) from ${s.url}/api/v1/query: query processing would load too many samples into memory in query execution`);
  t.true(err.cause instanceof PrometheusApiError);
});

import test from 'ava';
import { PrometheusClient, parseSampleValue } from '../../../src/integration/prometheus.js';
import { HttpStatusError, InvalidResponseError, PrometheusApiError, PrometheusNotReadyError } from '../../../src/integration/errors.js';
import { captureAnswer, fakeServer, json, loadCaptures, type Answer, type FakeServer } from './fake-server.js';

const caps = loadCaptures('prometheus-shapes.txt');
const cap = (name: string): Answer => {
  const c = caps.get(name);
  if (!c) throw new Error(`no capture ${name}`);
  return captureAnswer(c);
};

async function serving(t: { teardown(f: () => Promise<void>): void }, a: Answer | ((n: number) => Answer)): Promise<{ s: FakeServer; c: PrometheusClient }> {
  const s = await fakeServer((_r, n) => (typeof a === 'function' ? a(n) : a));
  t.teardown(() => s.close());
  return { s, c: new PrometheusClient({ baseUrl: s.url, retries: 1, sleep: async () => {} }) };
}

test('captures are loaded', (t) => {
  t.true(caps.size >= 30);
  t.is(caps.get('vector')?.status, 200);
});

test('instant vector query: labels, float-second timestamp, number value; GET with query param', async (t) => {
  const { s, c } = await serving(t, cap('vector'));
  const r = await c.query('test_events_total{trial="1"}', new Date('2026-11-26T10:00:00.250Z'));
  t.deepEqual(r, { resultType: 'vector', result: [{ metric: { __name__: 'test_events_total', instance: '127.0.0.1:19100', job: 'harness', trial: '1' }, value: [1795688790.871, 1] }] });
  t.is(s.requests[0]!.method, 'GET');
  t.is(s.requests[0]!.url, `/api/v1/query?query=${encodeURIComponent('test_events_total{trial="1"}').replace(/%20/g, '+')}&time=1795687200.250`);
});

test('NaN, +Inf and -Inf sample strings are mapped by hand', async (t) => {
  const { c } = await serving(t, cap('vector_nan_inf'));
  const r = await c.query('x');
  if (r.resultType !== 'vector') return t.fail();
  const byK = Object.fromEntries(r.result.map((i) => [i.metric['k'], i.value[1]]));
  t.true(Number.isNaN(byK['nan']));
  t.is(byK['inf'], Number.POSITIVE_INFINITY);
  t.is(byK['neginf'], Number.NEGATIVE_INFINITY);
  t.is(byK['big'], Number.POSITIVE_INFINITY);
  t.is(byK['frac'], 0.1);
});

test('scalar, string, matrix and empty results', async (t) => {
  t.deepEqual(await (await serving(t, cap('scalar'))).c.query('s'), { resultType: 'scalar', result: [1795688790.89, Number.POSITIVE_INFINITY] });
  t.deepEqual(await (await serving(t, cap('scalar2'))).c.query('1.5'), { resultType: 'scalar', result: [1795688790.9, 1.5] });
  t.deepEqual(await (await serving(t, cap('string'))).c.query('"hello"'), { resultType: 'string', result: [1795688790.909, 'hello'] });
  const m = await (await serving(t, cap('matrix_instant'))).c.query('x[3s]');
  t.is(m.resultType, 'matrix');
  if (m.resultType === 'matrix') t.deepEqual(m.result[0]!.values, [[1795688788.84, 1], [1795688789.84, 1], [1795688790.84, 1]]);
  t.deepEqual(await (await serving(t, cap('empty_vector'))).c.query('nonexistent_metric'), { resultType: 'vector', result: [] });
});

test('range query sends start, end and step', async (t) => {
  const { s, c } = await serving(t, cap('range'));
  const r = await c.queryRange('sum(test_events_total)', new Date(1795688786000), new Date(1795688790000), 2);
  t.deepEqual(r, { resultType: 'matrix', result: [{ metric: {}, values: [[1795688786, 8], [1795688788, 9], [1795688790, 9]] }] });
  t.true(s.requests[0]!.url.startsWith('/api/v1/query_range?'));
  const q = new URLSearchParams(s.requests[0]!.url.split('?')[1]);
  t.is(q.get('start'), '1795688786.000');
  t.is(q.get('end'), '1795688790.000');
  t.is(q.get('step'), '2');
});

test('long queries are POSTed form-encoded', async (t) => {
  const { s, c } = await serving(t, cap('range_post'));
  const long = `vector(1) ${' '.repeat(1600)}`;
  await c.queryRange(long, new Date(0), new Date(2000), 1);
  t.is(s.requests[0]!.method, 'POST');
  t.is(s.requests[0]!.url, '/api/v1/query_range');
  t.is(s.requests[0]!.headers['content-type'], 'application/x-www-form-urlencoded');
  t.is(new URLSearchParams(s.requests[0]!.body).get('query'), long);
});

test('series: repeated match[] and label sets', async (t) => {
  const { s, c } = await serving(t, cap('series'));
  const r = await c.series(['test_events_total{trial=~"1|2"}', 'up']);
  t.is(r.length, 3);
  t.deepEqual(r[2], { __name__: 'up', instance: '127.0.0.1:19100', job: 'harness' });
  t.deepEqual(new URLSearchParams(s.requests[0]!.url.split('?')[1]).getAll('match[]'), ['test_events_total{trial=~"1|2"}', 'up']);
});

test('bad_data (400) is a terminal PrometheusApiError with Prometheus\'s message verbatim', async (t) => {
  const { s, c } = await serving(t, cap('parse_error'));
  const err = await t.throwsAsync(c.query('sum(up'), { instanceOf: PrometheusApiError });
  t.is(err!.errorType, 'bad_data');
  t.is(err!.status, 400);
  t.false(err!.retryable);
  t.is(err!.detail, 'invalid parameter "query": 1:7: parse error: unclosed left parenthesis');
  t.is(err!.message, `prometheus bad_data error (400) from ${s.url}/api/v1/query: invalid parameter "query": 1:7: parse error: unclosed left parenthesis`);
  t.is(s.requests.length, 1);
});

test('range errors from the captures: too many points, bad step, end before start, missing params', async (t) => {
  for (const name of ['range_too_many_points', 'range_bad_step', 'range_end_before_start', 'range_missing_params']) {
    const { c } = await serving(t, cap(name));
    const err = await t.throwsAsync(c.queryRange('up', new Date(0), new Date(1000), 1), { instanceOf: PrometheusApiError });
    t.is(err!.errorType, 'bad_data');
    t.false(err!.retryable);
  }
});

test('execution (422) is terminal', async (t) => {
  const { c } = await serving(t, cap('exec_error_many2many'));
  const err = await t.throwsAsync(c.query('x'), { instanceOf: PrometheusApiError });
  t.is(err!.errorType, 'execution');
  t.is(err!.status, 422);
  t.false(err!.retryable);
});

test('every errorType maps to its retryable flag; retryable ones are retried', async (t) => {
  const cases: [string, number, boolean][] = [
    ['timeout', 503, true], ['canceled', 503, true], ['canceled', 499, true], ['internal', 500, false],
    ['unavailable', 500, true], ['not_found', 404, false], ['bad_data', 400, false], ['execution', 422, false],
    ['something_new', 502, true], ['something_new', 418, false],
  ];
  for (const [errorType, status, retryable] of cases) {
    const { s, c } = await serving(t, json(status, { status: 'error', errorType, error: `${errorType} happened` }));
    const err = await t.throwsAsync(c.query('up'), { instanceOf: PrometheusApiError });
    t.is(err!.errorType, errorType);
    t.is(err!.retryable, retryable, errorType);
    t.is(s.requests.length, retryable ? 2 : 1, `${errorType} attempts`);
  }
});

test('a retryable error then success returns the result', async (t) => {
  const { c } = await serving(t, (n) => (n === 1 ? json(503, { status: 'error', errorType: 'timeout', error: 'query timed out' }) : cap('empty_vector')));
  t.deepEqual(await c.query('up'), { resultType: 'vector', result: [] });
});

test('the plain-text 503 before ready is a retryable PrometheusNotReadyError', async (t) => {
  const { s, c } = await serving(t, { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Service Unavailable\n' });
  const err = await t.throwsAsync(c.query('up'), { instanceOf: PrometheusNotReadyError });
  t.is(err!.message, `prometheus at ${s.url}/api/v1/query is not ready: 503 Service Unavailable`);
  t.true(err!.retryable);
  t.is(err!.name, 'PrometheusNotReadyError');
  t.is(s.requests.length, 2);
});

test('the plain-text 404 of an unknown route is an HttpStatusError', async (t) => {
  const { c } = await serving(t, cap('notfound'));
  const err = await t.throwsAsync(c.query('up'), { instanceOf: HttpStatusError });
  t.is(err!.status, 404);
  t.regex(err!.message, /answered 404: 404 page not found$/);
});

test('warnings are surfaced through onWarnings and lastWarnings', async (t) => {
  const s = await fakeServer(() => json(200, { status: 'success', data: { resultType: 'vector', result: [] }, warnings: ['partial response'] }));
  t.teardown(() => s.close());
  const seen: string[][] = [];
  const c = new PrometheusClient({ baseUrl: s.url, onWarnings: (w, q) => seen.push([...w, q]) });
  await c.query('up');
  t.deepEqual(c.lastWarnings, ['partial response']);
  t.deepEqual(seen, [['partial response', 'up']]);
});

test('malformed envelopes and samples are InvalidResponseErrors naming the field', async (t) => {
  const cases: [unknown, string][] = [
    [[1], 'expected a JSON object envelope'],
    [{ status: 'weird' }, 'status: expected "success" or "error", got "weird"'],
    [{ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'abc'] }] } }, 'data.result[0].value: not a sample value: "abc"'],
    [{ status: 'success', data: { resultType: 'vector', result: [{ metric: { a: 1 }, value: [1, '1'] }] } }, 'data.result[0].metric.a: expected a string'],
    [{ status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [[1]] }] } }, 'data.result[0].values[0]: expected [timestamp, "value"]'],
    // A fault after good items and samples: the path names the item and the sample, not the first.
    [{ status: 'success', data: { resultType: 'matrix', result: [{ metric: { a: 'x' }, values: [[1, '1']] }, { metric: {}, values: [[1, '2'], [2, '3'], [3, 'high']] }] } }, 'data.result[1].values[2]: not a sample value: "high"'],
    [{ status: 'success', data: { resultType: 'matrix', result: [{ metric: { a: 'x' }, values: [] }, { values: [] }] } }, 'data.result[1].metric: expected an object of labels'],
    [{ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '1'] }, 7] } }, 'data.result[1]: expected an object'],
    [{ status: 'success', data: { resultType: 'scalar', result: [1, 'x'] } }, 'data.result: not a sample value: "x"'],
    [{ status: 'success', data: { resultType: 'histogram', result: [] } }, 'data.resultType: unknown "histogram"'],
    [{ status: 'success', data: null }, 'data: expected an object'],
  ];
  for (const [body, detail] of cases) {
    const { s, c } = await serving(t, json(200, body));
    const err = await t.throwsAsync(c.query('up'), { instanceOf: InvalidResponseError });
    t.is(err!.message, `GET ${s.url}/api/v1/query: invalid response: ${detail}`);
  }
  const { c } = await serving(t, json(200, { status: 'success', data: { x: 1 } }));
  await t.throwsAsync(c.series(['up']), { message: /data: expected an array of label sets$/ });
  const { c: c2 } = await serving(t, json(200, { status: 'success', data: [{ job: 'a' }, { job: 'b', shard: 2 }] }));
  await t.throwsAsync(c2.series(['up']), { message: /invalid response: data\[1\]\.shard: expected a string$/ });
});

test('samples become numbers and label sets come back whole, special values included', async (t) => {
  const body = { status: 'success', data: { resultType: 'matrix', result: [{ metric: { __name__: 'up', job: 'a' }, values: [[1, '1'], [2, '+Inf'], [3, 'NaN'], [4, '-2.5e1']] }] } };
  const { c } = await serving(t, json(200, body));
  const r = await c.queryRange('up', new Date(1000), new Date(4000), 1);
  t.is(r.resultType, 'matrix');
  if (r.resultType !== 'matrix') return;
  t.deepEqual(r.result[0]!.metric, { __name__: 'up', job: 'a' });
  t.deepEqual(r.result[0]!.values, [[1, 1], [2, Number.POSITIVE_INFINITY], [3, Number.NaN], [4, -25]]);
});

test('parseSampleValue', (t) => {
  t.is(parseSampleValue('1e3'), 1000);
  t.is(parseSampleValue('-Inf'), Number.NEGATIVE_INFINITY);
  t.is(parseSampleValue('Inf'), Number.POSITIVE_INFINITY);
  t.throws(() => parseSampleValue(''), { message: 'not a sample value: ""' });
});

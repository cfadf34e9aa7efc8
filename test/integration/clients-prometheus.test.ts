/**
 * PrometheusClient against the real Prometheus: error types from the server itself,
 * NaN/±Inf, and Prometheus not (yet) there: connection refused and not-ready answers are
 * retryable typed errors.
 */
import anyTest, { type TestFn } from 'ava';
import { HttpConnectionError, PrometheusApiError, PrometheusNotReadyError } from '../../src/integration/errors.js';
import { PrometheusClient } from '../../src/integration/prometheus.js';
import { freePort, startPrometheus, type ManagedProcess } from '../support/stack.js';
import { MapekError } from '../../src/types/errors.js';

const test = anyTest as TestFn<{ prom: ManagedProcess; client: PrometheusClient }>;

test.before(async (t) => {
  // Nothing to scrape: the client tests need only the query engine.
  t.context.prom = await startPrometheus({ charterUrl: `http://127.0.0.1:${await freePort()}` });
  t.context.client = new PrometheusClient({ baseUrl: t.context.prom.url, retries: 0 });
});
test.after.always(async (t) => {
  await t.context.prom?.stop();
});

test('NaN, +Inf and -Inf from the real server', async (t) => {
  const r = await t.context.client.query('label_replace(vector(0)/0,"k","nan","","") or label_replace(vector(1)/0,"k","inf","","") or label_replace(vector(-1)/0,"k","neg","","")');
  if (r.resultType !== 'vector') return t.fail();
  const v = Object.fromEntries(r.result.map((i) => [i.metric['k'], i.value[1]]));
  t.true(Number.isNaN(v['nan']));
  t.is(v['inf'], Number.POSITIVE_INFINITY);
  t.is(v['neg'], Number.NEGATIVE_INFINITY);
  const s = await t.context.client.query('scalar(vector(2.5))');
  t.is(s.resultType, 'scalar');
});

test('bad_data (400) and execution (422) from the real server are terminal', async (t) => {
  const { client, prom } = t.context;
  const bad = await t.throwsAsync(client.query('sum(up'), { instanceOf: PrometheusApiError });
  t.is(bad!.message, `prometheus bad_data error (400) from ${prom.url}/api/v1/query: invalid parameter "query": 1:7: parse error: unclosed left parenthesis`);
  t.false(bad!.retryable);
  const exec = await t.throwsAsync(client.query('vector(1) + on() group_left() (label_replace(vector(1),"a","b","","") or label_replace(vector(1),"a","c","",""))'), { instanceOf: PrometheusApiError });
  t.is(exec!.errorType, 'execution');
  t.is(exec!.status, 422);
  const range = await t.throwsAsync(client.queryRange('up', new Date(0), new Date(20_000_000), 1), { instanceOf: PrometheusApiError });
  t.is(range!.detail, 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
  const series = await client.series(['up']);
  t.true(Array.isArray(series));
});

test('a long query is POSTed and answered', async (t) => {
  const long = `vector(1)${' + 0'.repeat(600)}`;
  const r = await t.context.client.query(long);
  t.like(r, { resultType: 'vector' });
  if (r.resultType === 'vector') t.is(r.result[0]?.value[1], 1);
});

test('Prometheus not there yet: connection refused, then (while starting) only retryable errors, then answers', async (t) => {
  t.timeout(40_000);
  const port = await freePort();
  const client = new PrometheusClient({ baseUrl: `http://127.0.0.1:${port}`, retries: 0, timeoutMs: 1000 });
  const refused = await t.throwsAsync(client.query('1'), { instanceOf: HttpConnectionError });
  t.true(refused!.retryable);
  const errors: MapekError[] = [];
  let done = false;
  const poll = (async () => {
    while (!done) {
      try {
        await client.query('1');
        return true;
      } catch (err) {
        errors.push(err as MapekError);
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    return false;
  })();
  const prom = await startPrometheus({ charterUrl: `http://127.0.0.1:${await freePort()}`, port });
  t.teardown(() => prom.stop());
  const answered = await Promise.race([poll, new Promise<boolean>((r) => setTimeout(() => r(false), 20_000))]);
  done = true;
  t.true(answered);
  t.true(errors.length > 0);
  for (const e of errors) {
    t.true(e instanceof HttpConnectionError || e instanceof PrometheusNotReadyError, `${e.name}: ${e.message}`);
    t.true(e.retryable);
  }
  t.log(`${errors.length} retryable errors before the first answer: ${[...new Set(errors.map((e) => e.name))].join(', ')}`);
});

/**
 * The shared stack launcher (src/app/stack): binary lookup with its install hint, the
 * rewritten deploy configs, the fast alert rules, and starting a real Alertmanager.
 */
import test from 'ava';
import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { readFileSync } from 'node:fs';
import { DEPLOY, StackUnavailableError, alertmanagerTestConfig, fastAlertRules, freePort, prometheusTestConfig, requireBinary, startAlertmanager, startManaged, waitUntil } from '../../../src/app/stack/index.js';

test('requireBinary: a missing binary names itself and says how to install it', (t) => {
  const err = t.throws(() => requireBinary('prometheus', ['/nonexistent-dir']), { instanceOf: StackUnavailableError });
  t.is(err?.message, 'prometheus not found on PATH; install it: apt-get install prometheus prometheus-alertmanager (Debian packages; or run scripts/ensure-stack.sh)');
  t.is(err?.binary, 'prometheus');
  t.false(err?.retryable);
});

test('requireBinary: finds an executable in the given directories, skips non-executables', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-bin-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const other = await mkdtemp(path.join(os.tmpdir(), 'mapek-bin-'));
  t.teardown(() => rm(other, { recursive: true, force: true }));
  await writeFile(path.join(other, 'amtool'), 'not executable');
  await writeFile(path.join(dir, 'amtool'), '#!/bin/sh\n');
  await chmod(path.join(dir, 'amtool'), 0o755);
  t.is(requireBinary('amtool', ['', other, dir]), path.join(dir, 'amtool'));
});

test('prometheusTestConfig: scrapes the given Charter (with its path), 1 s intervals, alerts to the given Alertmanager', async (t) => {
  const doc = yaml.load(await prometheusTestConfig({ charterUrl: 'http://127.0.0.1:4100/charter/', alertmanagerUrl: 'http://127.0.0.1:4200', scrapeIntervalSeconds: 2, rulesFile: '/tmp/r.yml' })) as Record<string, any>;
  t.deepEqual(doc['global'].scrape_interval, '2s');
  t.deepEqual(doc['global'].scrape_timeout, '1800ms');
  t.deepEqual(doc['global'].evaluation_interval, '1s');
  t.deepEqual(doc['rule_files'], ['/tmp/r.yml']);
  t.deepEqual(doc['alerting'], { alertmanagers: [{ api_version: 'v2', timeout: '2s', static_configs: [{ targets: ['127.0.0.1:4200'] }] }] });
  const job = (doc['scrape_configs'] as Record<string, any>[]).find((j) => j['job_name'] === 'charter');
  t.deepEqual(job?.['static_configs'], [{ targets: ['127.0.0.1:4100'] }]);
  t.is(job?.['metrics_path'], '/charter/metrics');
  const plain = yaml.load(await prometheusTestConfig({ charterUrl: 'http://127.0.0.1:4100' })) as Record<string, any>;
  t.is(plain['alerting'], undefined);
  t.deepEqual(plain['rule_files'], [DEPLOY.prometheusRules]);
});

test('prometheusTestConfig / alertmanagerTestConfig: a config without the charter job or the mapek receiver is an error naming the file', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-cfg-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const prom = path.join(dir, 'p.yml');
  await writeFile(prom, 'scrape_configs:\n  - job_name: other\n');
  await t.throwsAsync(prometheusTestConfig({ charterUrl: 'http://127.0.0.1:1' }, prom), { message: `${prom}: no scrape job "charter"` });
  const am = path.join(dir, 'a.yml');
  await writeFile(am, 'route: { receiver: x }\nreceivers:\n  - name: x\n');
  await t.throwsAsync(alertmanagerTestConfig({ webhookUrl: 'http://127.0.0.1:1/hook' }, am), { message: `${am}: no receiver "mapek"` });
});

test('alertmanagerTestConfig: every route gets the fast timings, the mapek receiver posts to the webhook with the token', async (t) => {
  const doc = yaml.load(await alertmanagerTestConfig({ webhookUrl: 'http://127.0.0.1:9/api/v1/alerts/webhook', webhookToken: 'tok', repeatInterval: '20s' })) as Record<string, any>;
  t.like(doc['route'], { group_wait: '0s', group_interval: '1s', repeat_interval: '20s' });
  for (const r of doc['route'].routes as Record<string, unknown>[]) {
    t.is(r['group_wait'], undefined);
    t.is(r['group_interval'], undefined);
  }
  const mapek = (doc['receivers'] as Record<string, any>[]).find((r) => r['name'] === 'mapek');
  t.deepEqual(mapek?.['webhook_configs'], [{ url: 'http://127.0.0.1:9/api/v1/alerts/webhook', send_resolved: true, max_alerts: 0, http_config: { authorization: { type: 'Bearer', credentials: 'tok' } } }]);
});

test('fastAlertRules: 30 s windows and 15 s for-clauses shortened; CharterDown keeps its 10 s; thresholds untouched', (t) => {
  const text = 'expr: increase(x[30s]) > 3\nfor: 15s\n---\nexpr: rate(y[30s]) > 0.05\nfor: 10s\nfor: 0s\n';
  t.is(fastAlertRules(text), 'expr: increase(x[5s]) > 3\nfor: 3s\n---\nexpr: rate(y[5s]) > 0.05\nfor: 10s\nfor: 0s\n');
  t.is(fastAlertRules('rate(z[30s])', '8s', '2s'), 'rate(z[8s])');
});

test('startManaged: a process that exits during startup fails with its logs; the temp dir is removed', async (t) => {
  let dir = '';
  const err = await t.throwsAsync(
    startManaged({
      name: 'false',
      prepare: async (d) => {
        dir = d;
        return ['/bin/sh', ['-c', 'echo boom >&2; exit 3']];
      },
    }),
  );
  t.regex(err?.message ?? '', /^false exited \(3\) during startup: false -c echo boom >&2; exit 3\nboom/);
  await t.throwsAsync(import('node:fs/promises').then((fs) => fs.access(dir)));
});

test('waitUntil: returns the first defined value; times out naming what it waited for and the last error', async (t) => {
  let n = 0;
  t.is(await waitUntil(() => (++n >= 3 ? n : undefined), 2_000, 'three', 1), 3);
  await t.throwsAsync(
    waitUntil(() => {
      throw new Error('nope');
    }, 30, 'the impossible', 5),
    { message: 'timed out after 30 ms waiting for the impossible (last error: nope)' },
  );
});

test('startAlertmanager: the real binary on a free port answers /-/ready; stop is idempotent and removes its directory', async (t) => {
  const port = await freePort();
  const am = await startAlertmanager({ webhookUrl: 'http://127.0.0.1:1/hook', port });
  t.is(am.url, `http://127.0.0.1:${port}`);
  t.is((await fetch(`${am.url}/-/ready`)).status, 200);
  await Promise.all([am.stop(), am.stop()]);
  t.not(am.child.exitCode ?? am.child.signalCode, null);
  await t.throwsAsync(import('node:fs/promises').then((fs) => fs.access(am.dir)));
});

test('fastAlertRules on the shipped rules: only CharterDown keeps a for-clause above 3 s', (t) => {
  const doc = yaml.load(fastAlertRules(readFileSync(DEPLOY.prometheusRules, 'utf8'))) as { groups: { rules: { alert: string; for: string; expr: string }[] }[] };
  const rules = doc.groups.flatMap((g) => g.rules);
  t.deepEqual(rules.filter((r) => !['0s', '3s'].includes(r.for)).map((r) => `${r.alert} ${r.for}`), ['CharterDown 10s']);
  t.false(rules.some((r) => r.expr.includes('[30s]')));
});

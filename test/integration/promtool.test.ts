/**
 * The deploy configs checked by the real tools: promtool check rules / test rules / check
 * config, amtool check-config and the routing tree (every alert reaches mapek).
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { readFile } from 'node:fs/promises';
import { CHARTER_ALERTS } from '../../src/types/alert.js';
import { ALERTMANAGER_CONFIG, PROMETHEUS_CONFIG, PROMETHEUS_RULES, PROMETHEUS_RULES_TEST, requireBinary } from '../support/stack.js';

const run = promisify(execFile);

async function tool(bin: 'promtool' | 'amtool', args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run(requireBinary(bin), args, { timeout: 30_000 });
    return { code: 0, out: r.stdout + r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

test('promtool check rules: the eleven alerts', async (t) => {
  const r = await tool('promtool', ['check', 'rules', PROMETHEUS_RULES]);
  t.is(r.code, 0, r.out);
  t.regex(r.out, /SUCCESS: 11 rules found/);
});

test('the rule file defines exactly CHARTER_ALERTS, each with severity, team and runbook_url', async (t) => {
  const doc = yaml.load(await readFile(PROMETHEUS_RULES, 'utf8')) as { groups: { rules: { alert: string; labels: Record<string, string>; annotations: Record<string, string> }[] }[] };
  const rules = doc.groups.flatMap((g) => g.rules);
  t.deepEqual(rules.map((r) => r.alert), [...CHARTER_ALERTS]);
  for (const r of rules) {
    t.true(['critical', 'warning'].includes(r.labels['severity'] ?? ''), r.alert);
    t.true(['policy', 'security', 'platform'].includes(r.labels['team'] ?? ''), r.alert);
    t.is(r.annotations['runbook_url'], `docs/MAPE_K_RUNBOOK.md#${r.alert.toLowerCase()}`);
    t.truthy(r.annotations['summary']);
    t.truthy(r.annotations['description']);
  }
});

test('promtool test rules: every alert firing and not firing', async (t) => {
  const r = await tool('promtool', ['test', 'rules', PROMETHEUS_RULES_TEST]);
  t.is(r.code, 0, r.out);
  t.regex(r.out, /SUCCESS/);
  const doc = yaml.load(await readFile(PROMETHEUS_RULES_TEST, 'utf8')) as { tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[] };
  const cases = doc.tests.flatMap((x) => x.alert_rule_test);
  for (const name of CHARTER_ALERTS) {
    t.true(cases.some((c) => c.alertname === name && c.exp_alerts.length > 0), `${name} firing`);
    t.true(cases.some((c) => c.alertname === name && c.exp_alerts.length === 0), `${name} not firing`);
  }
});

test('promtool check config: deploy/prometheus/prometheus.yml', async (t) => {
  const r = await tool('promtool', ['check', 'config', PROMETHEUS_CONFIG]);
  t.is(r.code, 0, r.out);
});

test('amtool check-config: five receivers', async (t) => {
  const r = await tool('amtool', ['check-config', ALERTMANAGER_CONFIG]);
  t.is(r.code, 0, r.out);
  t.regex(r.out, /- 5 receivers/);
});

test('amtool routes: every alert reaches mapek, and its severity/team receivers', async (t) => {
  const route = async (...labels: string[]): Promise<string> => {
    const r = await tool('amtool', ['config', 'routes', 'test', `--config.file=${ALERTMANAGER_CONFIG}`, ...labels]);
    t.is(r.code, 0, r.out);
    return r.out.split('\n').filter((l) => l.trim() && !l.startsWith('Warning'))[0]?.trim() ?? '';
  };
  t.is(await route('alertname=CriticalViolationDetected', 'severity=critical', 'team=policy'), 'mapek,critical-pager,policy-team');
  t.is(await route('alertname=TargetViolatingManyPolicies', 'severity=critical', 'team=security'), 'mapek,critical-pager,security-team');
  t.is(await route('alertname=CommitteeOverloaded', 'severity=warning', 'team=platform'), 'mapek,platform-oncall');
  t.is(await route('alertname=ComplianceRatioLow', 'severity=warning', 'team=policy'), 'mapek,policy-team');
});

test('the Alertmanager config sends nothing off this machine', async (t) => {
  const text = await readFile(ALERTMANAGER_CONFIG, 'utf8');
  const urls = text.match(/https?:\/\/[^\s'"]+/g) ?? [];
  t.true(urls.length > 0);
  for (const u of urls) t.is(new URL(u).hostname, '127.0.0.1', u);
});

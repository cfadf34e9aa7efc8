/**
 * `mapek demo --stack --json` as a child process: real Prometheus and Alertmanager, the
 * reference Charter in-process, every fault goes alert → webhook → remediation. Asserts each
 * injected fault was remediated by the expected action, the exit code, and the service's
 * /metrics lines the demo prints (webhooks accepted, each action succeeded and verified).
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../support/stack.js';

interface Line {
  kind: string;
  [k: string]: unknown;
}

const EXPECTED: Readonly<Record<string, string>> = {
  bad_rollout: 'rollback_policy',
  rogue_target: 'quarantine_target',
  committee_overload: 'scale_committee',
  validation_slowdown: 'enable_validation_cache',
  policy_load_failure: 'rollback_policy',
};

test('mapek demo --stack --json: every injected fault is remediated through Prometheus → Alertmanager → webhook, and /metrics shows it', async (t) => {
  t.timeout(180_000);
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/mapek.js'), 'demo', '--stack', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  const lines = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
  t.is(code, 0, `exit code (stderr: ${err.slice(-500)})`);
  t.is(lines[0]?.kind, 'start');
  t.is(lines[0]?.['mode'], 'stack');

  const injected = lines.filter((l) => l.kind === 'fault_injected');
  const outcomes = lines.filter((l) => l.kind === 'outcome');
  t.deepEqual(injected.map((l) => l['fault']), Object.keys(EXPECTED));
  t.is(outcomes.length, injected.length);
  for (const o of outcomes) {
    t.true(o['remediated'], `${String(o['fault'])} remediated`);
    t.is(o['by'], EXPECTED[String(o['fault'])], `${String(o['fault'])} cleared by the expected action`);
    t.is(typeof o['detectMs'], 'number', `${String(o['fault'])} detected through an alert`);
    t.log(`${String(o['fault'])}: detected after ${String(o['detectMs'])} ms, remediated after ${String(o['remediateMs'])} ms`);
  }
  // Detection came from Prometheus alerts (not only Charter's violations API).
  const detected = lines.filter((l) => l.kind === 'detected').flatMap((l) => l['alerts'] as string[]);
  t.true(detected.includes('CriticalViolationDetected'));
  t.true(detected.includes('CommitteeOverloaded'));

  const summary = lines.find((l) => l.kind === 'summary')?.['summary'] as { remediated: number; incidents: unknown[]; successRate: number };
  t.is(summary.remediated, 5);
  t.is(summary.successRate, 1);

  const metrics = (lines.find((l) => l.kind === 'metrics')?.['lines'] ?? []) as string[];
  const sample = (prefix: string): number => metrics.filter((l) => l.startsWith(prefix)).reduce((n, l) => n + Number(l.split(' ').pop()), 0);
  t.true(sample('mapek_webhooks_total{result="accepted"}') >= 5, 'webhooks from Alertmanager accepted');
  for (const action of new Set(Object.values(EXPECTED))) {
    t.true(sample(`mapek_actions_total{type="${action}",result="succeeded"}`) >= 1, `${action} succeeded in /metrics`);
    t.true(sample(`mapek_verifications_total{type="${action}",result="succeeded"}`) >= 1, `${action} verified in /metrics`);
  }
  t.is(sample('mapek_verifications_total{type="rollback_policy",result="failed"}'), 0, 'no correct fix rolled back');
});

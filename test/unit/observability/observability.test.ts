import test from 'ava';
import { createLogger, createServiceMetrics, silentLogger } from '../../../src/observability/index.js';
import type { ExecutionRecord } from '../../../src/types/execution.js';

const at = () => new Date('2026-01-02T03:04:05.000Z');

test('one JSON line per event with level, time, msg and bound fields', (t) => {
  const lines: string[] = [];
  const log = createLogger({ level: 'info', write: (l) => lines.push(l), now: at }).child({ cycleId: 'c-1' });
  log.info('cycle done', { decisions: 2 });
  log.debug('hidden');
  t.deepEqual(lines.map((l) => JSON.parse(l)), [{ level: 'info', time: '2026-01-02T03:04:05.000Z', msg: 'cycle done', cycleId: 'c-1', decisions: 2 }]);
});

test('credentials are redacted by structure: secret-named fields, URL userinfo, Bearer credentials', (t) => {
  const lines: string[] = [];
  const log = createLogger({ level: 'debug', write: (l) => lines.push(l), now: at });
  log.warn('bad auth header Bearer hunter2', {
    headers: { authorization: 'Bearer x', Cookie: 'sid=1' },
    nested: ['GET http://admin:hunter2@127.0.0.1:8000/api/v1/policies failed'],
    err: new Error('request to https://u:p%40ss@charter.example/x timed out'),
    token: 'abc', password: 'p', apiKey: 'k', webhookToken: undefined,
    url: 'http://127.0.0.1:9090/api/v1/query?query=up',
  });
  const line = lines[0] ?? '';
  t.false(line.includes('hunter2'));
  t.deepEqual(JSON.parse(line), {
    level: 'warn', time: '2026-01-02T03:04:05.000Z', msg: 'bad auth header Bearer <redacted>',
    headers: { authorization: '<redacted>', Cookie: '<redacted>' },
    nested: ['GET http://<redacted>@127.0.0.1:8000/api/v1/policies failed'],
    err: { name: 'Error', message: 'request to https://<redacted>@charter.example/x timed out' },
    token: '<redacted>', password: '<redacted>', apiKey: '<redacted>',
    url: 'http://127.0.0.1:9090/api/v1/query?query=up',
  });
});

test('a short secret value does not mangle other text (no substring replacement)', (t) => {
  const lines: string[] = [];
  const log = createLogger({ level: 'info', write: (l) => lines.push(l), now: at });
  // The token "e" of the issue: it used to make "execute" print as "<redacted>x<redacted>cut<redacted>".
  log.info('execute', { config: { webhookToken: 'e', charterToken: undefined, charterApiUrl: 'http://127.0.0.1:8000' }, action: 'enable_validation_cache', note: 'Basic checks passed; Token bucket full; mail a@b.c' });
  t.deepEqual(JSON.parse(lines[0] ?? '{}'), {
    level: 'info', time: '2026-01-02T03:04:05.000Z', msg: 'execute',
    config: { webhookToken: '<redacted>', charterApiUrl: 'http://127.0.0.1:8000' }, action: 'enable_validation_cache', note: 'Basic checks passed; Token bucket full; mail a@b.c',
  }, 'an unset secret is not shown as "<redacted>", and plain words stay as they are');
});

test('errors are logged as name, message and retryability', (t) => {
  const lines: string[] = [];
  const log = createLogger({ level: 'error', write: (l) => lines.push(l), now: at });
  const e = Object.assign(new Error('boom'), { retryable: true });
  log.error('failed', { err: e });
  log.warn('not shown');
  t.deepEqual(JSON.parse(lines[0] ?? '{}').err, { name: 'Error', message: 'boom', retryable: true });
  t.is(lines.length, 1);
  silentLogger.child({}).info('nothing');
});

const record = (over: Partial<ExecutionRecord>): ExecutionRecord => ({
  key: 'k', id: 'e1', decisionId: 'd1', cycleId: 'c1', ruleId: 'r1', incidentId: 'policy:p1', incidentKind: 'X',
  action: { type: 'rollback_policy', target: 'p1', params: {}, cost: 1, benefit: 5, risk: 'medium', verify: { afterMs: 0, conditions: { all: [] } }, cooldownMs: 0 },
  status: 'succeeded', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:03.000Z', ...over,
});

test('service metrics count executions, guard stops, verifications and time to remediate', async (t) => {
  const m = createServiceMetrics({ defaultMetrics: false });
  m.observeExecution(record({ verify: 'succeeded', verifiedAt: '2026-01-01T00:00:04.000Z' }), '2025-12-31T23:59:58.000Z');
  m.observeExecution(record({ status: 'blocked', guard: 'cooldown' }));
  m.setRuleSet('abc');
  m.setRuleSet('def');
  m.setWeights({ r1: 1.25 });
  const text = await m.registry.metrics();
  t.regex(text, /mapek_actions_total\{type="rollback_policy",result="succeeded"\} 1/);
  t.regex(text, /mapek_guard_stops_total\{reason="cooldown"\} 1/);
  t.regex(text, /mapek_verifications_total\{type="rollback_policy",result="succeeded"\} 1/);
  t.regex(text, /mapek_time_to_remediate_seconds_sum\{type="rollback_policy"\} 6/);
  t.regex(text, /mapek_ruleset_info\{hash="def"\} 1/);
  t.notRegex(text, /hash="abc"/);
  t.regex(text, /mapek_rule_weight\{rule="r1"\} 1.25/);
  t.regex(text, /mapek_source_degraded\{source="prometheus"\} 0/);
});

test('default process metrics are on unless disabled', async (t) => {
  const m = createServiceMetrics();
  t.regex(await m.registry.metrics(), /process_cpu_user_seconds_total/);
});

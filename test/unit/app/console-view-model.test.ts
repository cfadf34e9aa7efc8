import test from 'ava';
import { authPolicy } from '../../../src/app/console/auth.js';
import { parseVerdictBody } from '../../../src/app/console/verdict-body.js';
import { consoleJson, executionSteps, executionsView, incidentsView, learningView } from '../../../src/app/console/view-model.js';
import type { Decision } from '../../../src/types/decision.js';
import type { ExecutionRecord } from '../../../src/types/execution.js';
import type { Approval } from '../../../src/types/knowledge.js';
import type { Snapshot } from '../../../src/types/snapshot.js';

const action = { type: 'scale_committee', target: 'c1', params: { delta: 2 }, cost: 1, benefit: 6, risk: 'high', verify: { afterMs: 1000, conditions: { all: [] } }, cooldownMs: 0 } as const;

function record(over: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return { key: 'r|c1|committee:c1|1', id: 'e1', decisionId: 'd1', cycleId: 'c-1', ruleId: 'r', incidentId: 'committee:c1', incidentKind: 'CommitteeOverloaded', action, status: 'succeeded', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:09.000Z', appliedAt: '2026-01-01T00:00:01.000Z', verifiedAt: '2026-01-01T00:00:09.000Z', verify: 'succeeded', ...over };
}

test('consoleJson keeps +Inf, -Inf and NaN visible instead of null', (t) => {
  t.is(consoleJson({ a: Infinity, b: -Infinity, c: NaN, d: 1.5 }), '{"a":"+Inf","b":"-Inf","c":"NaN","d":1.5}');
});

test('executionSteps: intent → approval → applied → verified → outcome; blocked names the guard', (t) => {
  const approval = { id: 'e1', state: 'approved', resolvedBy: 'ana', reason: 'ok', resolvedAt: '2026-01-01T00:00:00.500Z', requestedAt: '2026-01-01T00:00:00.000Z' } as Approval;
  t.deepEqual(executionSteps(record(), approval).map((s) => `${s.step}: ${s.detail}`), [
    'intent: scale_committee "c1" (high risk)',
    'approval: approved by ana: ok',
    'applied: written to Charter',
    'verified: succeeded',
    'outcome: succeeded',
  ]);
  const blocked = executionSteps(record({ status: 'blocked', guard: 'cooldown', guardDetail: 'in cooldown for 30s', appliedAt: undefined, verifiedAt: undefined }));
  t.deepEqual(blocked.map((s) => `${s.step}: ${s.detail}`), ['intent: scale_committee "c1" (high risk)', 'blocked: cooldown: in cooldown for 30s']);
});

test('executionsView groups attempts per incident in creation order, newest incident first', (t) => {
  const v = executionsView([
    record({ id: 'b', createdAt: '2026-01-01T00:01:00.000Z' }),
    record({ id: 'a' }),
    record({ id: 'x', incidentId: 'policy:p1', createdAt: '2026-01-01T00:02:00.000Z' }),
  ]);
  t.deepEqual(v.map((g) => [g.incidentId, g.executions.map((e) => e.id)]), [['policy:p1', ['x']], ['committee:c1', ['a', 'b']]]);
});

test('incidentsView: alerts of the subject with silenced/inhibited, observed facts from the traces, derived facts', (t) => {
  const d = {
    id: 'd1', cycleId: 'c', at: '2026-01-01T00:00:00.000Z', incidentId: 'committee:c1', subject: { kind: 'committee', id: 'c1' }, alerts: ['CommitteeOverloaded'], ruleSetHash: 'h',
    derived: { rootCause: 'committee_overload' },
    rules: [{ rule: 'a@1', stage: 'analyze', fired: true, pass: 1, conditions: [{ fact: 'metrics', path: '$.p99', operator: 'greaterThan', value: 5, factValue: Infinity, result: true }, { fact: 'rootCause', operator: 'equal', value: 'x', factValue: 'committee_overload', result: false }] }],
    candidates: [], chosen: [],
  } as unknown as Decision;
  const alert = (labels: Record<string, string>, silenced = false) => ({ fingerprint: 'f', name: 'CommitteeOverloaded', severity: 'warning', state: 'firing', labels, annotations: {}, startsAt: 's', silenced, inhibited: false, source: 'alertmanager' });
  const snap = { alerts: [alert({ committee_id: 'c1' }, true), alert({ committee_id: 'c2' })] } as unknown as Snapshot;
  const [i] = incidentsView([d], snap);
  t.is(i?.alerts.length, 1);
  t.true(i?.alerts[0]?.silenced);
  t.deepEqual(i?.observed, [{ fact: 'metrics', path: '$.p99', value: Infinity }]);
  t.true(consoleJson(i?.observed).includes('"+Inf"'));
});

test('incidentsView: a decision the executor did not store names the recorded one it repeats; a stored one does not', (t) => {
  const d = (id: string, incidentId: string) => ({ id, cycleId: 'c', at: '2026-01-01T00:00:00.000Z', incidentId, subject: { kind: 'committee', id: incidentId }, alerts: [], ruleSetHash: 'h', derived: {}, rules: [], candidates: [], chosen: [] }) as unknown as Decision;
  const v = incidentsView([d('c9:committee:c1', 'committee:c1'), d('c9:committee:c2', 'committee:c2')], undefined, new Map([['c9:committee:c1', 'c2:committee:c1']]));
  t.deepEqual(v.map((i) => [i.decisionId, i.notRecordedSameAs]), [['c9:committee:c1', 'c2:committee:c1'], ['c9:committee:c2', undefined]]);
  t.false('notRecordedSameAs' in (v[1] ?? {}));
});

test('learningView: a series per rule starting at the old weight, with the incidents that moved it', (t) => {
  const v = learningView([{ ruleId: 'r', from: 1, to: 1.2, samples: 1, successRate: 1, reason: '1/1 succeeded', at: '2026-01-01T00:00:00.000Z', upTo: { at: 'x', keys: ['r|c1|committee:c1|1'] } }], { r: 1.2, q: 0.9 });
  t.deepEqual(v.map((s) => [s.ruleId, s.weight, s.points.map((p) => p.weight)]), [['q', 0.9, []], ['r', 1.2, [1, 1.2]]]);
  t.deepEqual(v[1]?.points[1]?.incidents, ['committee:c1']);
  t.deepEqual(learningView([], {}, ['p']).map((s) => [s.ruleId, s.weight, s.points.length]), [['p', 1, 0]]);
});

test('authPolicy: read views need the token off loopback or when asked', (t) => {
  t.false(authPolicy({ apiToken: 't', consoleReadAuth: false, listenHost: '127.0.0.1' }).readNeedsToken);
  t.true(authPolicy({ apiToken: 't', consoleReadAuth: true, listenHost: '::1' }).readNeedsToken);
  t.true(authPolicy({ apiToken: 't', consoleReadAuth: false, listenHost: '0.0.0.0' }).readNeedsToken);
});

test('parseVerdictBody trims, drops an empty reason and rejects non-objects', (t) => {
  t.deepEqual(parseVerdictBody({ verdict: 'reject', by: ' ana ', reason: '  ' }), { ok: true, value: { verdict: 'reject', by: 'ana' } });
  t.deepEqual(parseVerdictBody([]), { ok: false, issues: ['body: expected a JSON object'] });
  t.deepEqual(parseVerdictBody({ verdict: 'approve', by: 'x', reason: 3 }), { ok: false, issues: ['reason: must be a string'] });
});

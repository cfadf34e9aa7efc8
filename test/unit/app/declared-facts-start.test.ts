import test from 'ava';
import { serviceWorld } from '../../support/service-harness.js';

test('without prometheus the service warns once at start, naming the declared facts that will be null', async (t) => {
  const w = await serviceWorld(t, { config: { rules: ['test/data/facts/rules'] } });
  const warnings = w.log.lines.filter((l) => l['msg'] === 'declared facts need prometheus; without it they are null (missing)');
  t.is(warnings.length, 1);
  t.like(warnings[0], { level: 'warn', facts: 'violationSlope, violationAnomaly, apiErrorPeak, targetsTotal' });
});

test('with prometheus: no such warning, but the facts no rule file gives a query are named', async (t) => {
  const w = await serviceWorld(t, { config: { rules: ['test/data/facts/rules'], prometheusUrl: 'http://127.0.0.1:9' }, start: true });
  t.is(w.log.find('declared facts need prometheus; without it they are null (missing)'), undefined);
  t.like(w.log.find('facts without a query in the rule files (rules/facts.yaml declares the built-ins); from prometheus they are null (missing)'), {
    level: 'warn',
    facts: 'criticalViolationRate, violationRate, policyVersion, policyLoadFailed, violatedPolicies, enforcementFailureRate, committeeQueueDepth, committeeCapacity, committeeP99, validationLatencyP99, validationErrorRatio, complianceRatio, quarantinedShare, apiErrorRatio, up',
  });
});

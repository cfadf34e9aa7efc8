import test from 'ava';
import path from 'node:path';
import { loadRuleSet } from '../../../src/rules/load.js';
import { loadFixtures } from '../../../src/simulate/fixtures.js';
import { htmlModel, renderHtmlReport } from '../../../src/simulate/html-report.js';
import { simulate } from '../../../src/simulate/simulate.js';
import { REPO_ROOT } from '../../support/stack.js';

async function result() {
  const rules = await loadRuleSet([path.join(REPO_ROOT, 'test/data/rules/console')]);
  if (!rules.ok) throw new Error('rules');
  const fx = await loadFixtures([path.join(REPO_ROOT, 'test/data/fixtures/console')], rules.ruleSet);
  return simulate(fx.fixtures, rules.ruleSet, {}, { coverage: true });
}

test('htmlModel: failed fixtures first; a step like the one before (and not failed) is marked same and carries no incidents', async (t) => {
  const m = htmlModel(await result(), '2026-01-01T00:00:00.000Z') as { fixtures: { name: string; ok: boolean; steps: { step: number; same: boolean; incidents: unknown[]; failures: string[] }[] }[] };
  t.deepEqual(m.fixtures.map((f) => [f.name, f.ok]), [['committee-steady', false], ['a-holds', true]]);
  const steps = m.fixtures[0]!.steps;
  t.deepEqual(steps.map((s) => s.same), [false, true, true, true, false]);
  t.is(steps[0]!.failures.length, 1);
  t.deepEqual(steps[1]!.incidents, []);
  t.is(steps[0]!.incidents.length, 1);
});

test('renderHtmlReport: one file, no external reference, embedded JSON cannot close its script', async (t) => {
  const r = await result();
  const evil = { ...r, fixtures: r.fixtures.map((f) => ({ ...f, fixture: { ...f.fixture, description: '</script><script>alert(1)</script>' } })) };
  const html = renderHtmlReport(evil, '2026-01-01T00:00:00.000Z');
  t.false(/\b(src|href)=/.test(html));
  t.is(html.split('</script>').length - 1, 2);
  t.true(html.includes('\\u003c/script>\\u003cscript>alert(1)\\u003c/script>'));
});

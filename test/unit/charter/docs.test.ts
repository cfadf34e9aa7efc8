import test from 'ava';
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import client from 'prom-client';
import { apiRoutes } from '../../../src/charter/http/routes-api.js';
import { testRoutes } from '../../../src/charter/http/routes-test.js';
import { ClientFaults } from '../../../src/charter/http/client-faults.js';
import { REMEDIATION_TABLE } from '../../../src/charter/remediation-table.js';
import { CHARTER_METRICS } from '../../../src/types/metrics.js';

const read = (f: string): string => readFileSync(new URL(`../../../../docs/${f}`, import.meta.url), 'utf8');

test('openapi.yaml documents exactly the routes the server serves', (t) => {
  const doc = yaml.load(read('openapi.yaml')) as { openapi: string; paths: Record<string, Record<string, unknown>> };
  t.is(doc.openapi, '3.0.3');
  const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();
  const routes = [...apiRoutes(new client.Registry()), ...testRoutes({ clientFaults: new ClientFaults(1), writes: () => [], restart: () => {}, reset: () => {} })];
  t.deepEqual(documented, routes.map((r) => `${r.method} ${r.pattern}`).sort());
});

test('PROMETHEUS_METRICS.md covers all fifteen metrics; FAULT_MODEL.md states every probability', (t) => {
  const metrics = read('PROMETHEUS_METRICS.md');
  for (const m of Object.values(CHARTER_METRICS)) t.true(metrics.includes(`## `) && metrics.includes(`\`${m.name}`), m.name);
  t.is(Object.keys(CHARTER_METRICS).length, 15);
  const model = read('FAULT_MODEL.md');
  for (const [kind, actions] of Object.entries(REMEDIATION_TABLE)) {
    for (const p of Object.values(actions)) t.true(model.includes(`**${p}**`), `${kind} ${p}`);
  }
});

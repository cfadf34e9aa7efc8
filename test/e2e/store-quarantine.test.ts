/**
 * `mapek run` as a child over a knowledge store holding a document of the wrong shape (the
 * weights line of issue #9: valid JSON, wrong types). Before, every cycle failed with
 * `"undefined" is not valid JSON` while /healthz said ok. Now the line is quarantined at
 * load (kept in weights.db.quarantine, logged with file, line and reason, counted in
 * /metrics) and the loop goes on: every cycle succeeds and the good weight still applies.
 */
import test from 'ava';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startCharter } from '../../src/charter/index.js';
import { metric, startMapekChild } from '../support/e2e-service.js';
import { freePort, REPO_ROOT, waitUntil } from '../support/stack.js';

const EVIL = '{"_id":"evil","ruleId":5,"weight":"NaN"}';

test('a weights document of the wrong shape is quarantined with file and line; every cycle still succeeds; /healthz and /metrics count it', async (t) => {
  t.timeout(60_000);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-quarantine-'));
  const charter = await startCharter({ port: 0, seed: 7, tickMs: 250 });
  t.teardown(async () => {
    await charter.close();
    await rm(dir, { recursive: true, force: true });
  });
  const knowledge = path.join(dir, 'knowledge');
  await mkdir(knowledge);
  const good = { ruleId: 'tell', from: 1, to: 1.5, samples: 4, successRate: 1, reason: 'learned', at: '2026-01-01T00:00:00.000Z' };
  const goodLine = JSON.stringify({ _id: `${good.at}|000000001|tell`, ruleId: 'tell', at: good.at, body: JSON.stringify(good) });
  const weightsFile = path.join(knowledge, 'weights.db');
  await writeFile(weightsFile, `${goodLine}\n${EVIL}\n`);
  const port = await freePort();
  const child = await startMapekChild({
    CHARTER_API_URL: charter.url,
    MAPE_K_INTERVAL: '1',
    MAPEK_KNOWLEDGE_DIR: knowledge,
    MAPEK_LISTEN_PORT: String(port),
    MAPEK_RULES: path.join(REPO_ROOT, 'test/data/rules/good/minimal.yaml'),
    MAPEK_WEBHOOK_TOKEN: 'quarantine-test-token',
    LOG_LEVEL: 'info',
  });
  t.teardown(async () => void (await child.stop()));
  await waitUntil(() => (child.logs().filter((l) => l['msg'] === 'cycle done').length >= 3 ? true : undefined), 30_000, 'three cycles', 100);
  const cycles = child.logs().filter((l) => l['msg'] === 'cycle done');
  t.deepEqual([...new Set(cycles.map((l) => l['status']))], ['ok'], JSON.stringify(child.logs().filter((l) => l['msg'] === 'cycle failed').slice(0, 2)));
  t.like(child.logs().find((l) => l['msg'] === 'knowledge store: quarantined a document'), {
    level: 'warn', collection: 'weights', id: 'evil', file: weightsFile, line: 2, reason: 'body: must be a string (missing)', keptIn: `${weightsFile}.quarantine`,
  });
  const kept = JSON.parse((await readFile(`${weightsFile}.quarantine`, 'utf8')).trim()) as Record<string, unknown>;
  t.like(kept, { line: 2, reason: 'body: must be a string (missing)', text: EVIL });
  t.is(await metric(child.url, 'mapek_knowledge_quarantined_total', { collection: 'weights' }), 1);
  t.is(await metric(child.url, 'mapek_rule_weight', { rule: 'tell' }), 1.5, 'the good weight still applies');
  t.is(await metric(child.url, 'mapek_cycles_failed_consecutive'), 0);
  const health = (await (await fetch(`${child.url}/healthz`)).json()) as Record<string, unknown>;
  t.like(health, { status: 'ok', knowledge: { quarantined: { weights: 1, executions: 0 } } });
  t.is((await fetch(`${child.url}/readyz`)).status, 200);
  t.is(await child.stop(), 0);
});

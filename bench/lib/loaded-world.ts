/**
 * The loaded world of the footprint and memory sections: the reference Charter, a real
 * Prometheus scraping `series` synthetic Charter series (bench/lib/exporter.ts; no alert
 * rules, so the alert count stays exact) and a real Alertmanager holding `alerts` active
 * alerts posted through its API (one policy each, an hour long), its webhook to a sink.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startCharter } from '../../src/charter/index.js';
import { AlertmanagerClient } from '../../src/integration/alertmanager.js';
import { startAlertmanager, startPrometheus } from '../../test/support/stack.js';
import { startWebhookListener } from '../../test/support/webhook-listener.js';
import { startExporter } from './exporter.js';
import { sleep } from './section.js';
import { get } from './webhook.js';

export interface LoadedWorld {
  /** Active alerts Alertmanager holds once set up. */
  readonly held: number;
  readonly series: number;
  /** `mapek run` arguments against this world: a cycle every 5 s, dry run (the 1,000 policies are not in Charter). */
  serviceArgs(knowledgeDir: string): string[];
  stop(): Promise<void>;
}

export async function startLoadedWorld(tmp: string, alerts: number, series: number): Promise<LoadedWorld> {
  const charter = await startCharter({ port: 0 });
  const exporter = await startExporter(series);
  const sink = await startWebhookListener();
  const rules = path.join(tmp, 'no-rules.yml');
  await writeFile(rules, 'groups: []\n');
  const am = await startAlertmanager({ webhookUrl: sink.url });
  const prom = await startPrometheus({ charterUrl: exporter.url, alertmanagerUrl: am.url, rulesFile: rules });
  const stop = async (): Promise<void> => {
    await prom.stop();
    await am.stop();
    await sink.close();
    await exporter.close();
    await charter.close();
  };
  try {
    const api = new AlertmanagerClient({ baseUrl: am.url, timeoutMs: 10_000, retries: 0 });
    const startsAt = new Date().toISOString();
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    const batch = Array.from({ length: alerts }, (_, i) => ({ labels: { alertname: 'CriticalViolationDetected', severity: 'critical', team: 'policy', policy_id: `p-${i}` }, startsAt, endsAt }));
    await api.postAlerts(batch);
    // Wait until Prometheus holds every series.
    for (let i = 0; i < 100; i++) {
      const r = await get(`${prom.url}/api/v1/query?query=${encodeURIComponent('count({__name__=~"westworld_charter_.*"})')}`);
      const v = Number((JSON.parse(r.body) as { data?: { result?: { value?: [number, string] }[] } }).data?.result?.[0]?.value?.[1] ?? 0);
      if (v >= series) break;
      await sleep(500);
    }
    const held = (await api.alerts({ active: true })).length;
    const serviceArgs = (knowledgeDir: string): string[] => [
      '--charter-url', charter.url, '--prometheus-url', prom.url, '--alertmanager-url', am.url,
      '--knowledge-dir', knowledgeDir, '--interval', '5', '--dry-run', '--log-level', 'warn',
    ];
    return { held, series, serviceArgs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * One reference Charter (in process) + a webhook listener + the real Prometheus and
 * Alertmanager, with the three clients pointed at them. A test file shares one of these
 * across its serial tests (test.before / test.after.always).
 */
import { startCharter, type CharterHandle } from '../../src/charter/index.js';
import { AlertmanagerClient } from '../../src/integration/alertmanager.js';
import { CharterClient } from '../../src/integration/charter-client.js';
import { PrometheusClient } from '../../src/integration/prometheus.js';
import { parseWebhook } from '../../src/integration/webhook.js';
import type { Alert } from '../../src/types/alert.js';
import { startStack, waitUntil, type Stack } from '../support/stack.js';
import { alertsOf, startWebhookListener, type ReceivedWebhook, type WebhookListener } from '../support/webhook-listener.js';

export const WEBHOOK_TOKEN = 'integration-token';
/** The reference Charter's seed: with it the first correct remediation of each fault used here succeeds (docs/FAULT_MODEL.md draws). */
export const SEED = 1;

export interface CharterStack {
  readonly charter: CharterHandle;
  readonly listener: WebhookListener;
  readonly stack: Stack;
  readonly prometheus: PrometheusClient;
  readonly alertmanager: AlertmanagerClient;
  readonly client: CharterClient;
  stop(): Promise<void>;
}

export async function startCharterStack(): Promise<CharterStack> {
  const charter = await startCharter({ port: 0, testApi: true, tickMs: 250, seed: SEED });
  const listener = await startWebhookListener();
  let stack: Stack;
  try {
    stack = await startStack({ charterUrl: charter.url, webhookUrl: listener.url, webhookToken: WEBHOOK_TOKEN });
  } catch (err) {
    await listener.close();
    await charter.close();
    throw err;
  }
  const prometheus = new PrometheusClient({ baseUrl: stack.prometheusUrl });
  // Start every test from a scraped Charter, so fault → alert times are not startup times.
  await waitUntil(async () => {
    const r = await prometheus.query('up{job="charter"} == 1');
    return r.resultType === 'vector' && r.result.length === 1 ? true : undefined;
  }, 20_000, 'Prometheus to scrape Charter');
  return {
    charter,
    listener,
    stack,
    prometheus,
    alertmanager: new AlertmanagerClient({ baseUrl: stack.alertmanagerUrl }),
    client: new CharterClient({ baseUrl: charter.url }),
    stop: async () => {
      await stack.stop();
      await listener.close();
      await charter.close();
    },
  };
}

/** Waits until Prometheus has the alert firing (ALERTS{alertstate="firing"}) with these labels. */
export async function firingInPrometheus(p: PrometheusClient, alertname: string, labels: Readonly<Record<string, string>>, timeoutMs: number): Promise<Record<string, string>> {
  const sel = Object.entries({ alertname, alertstate: 'firing', ...labels }).map(([k, v]) => `${k}="${v}"`).join(',');
  return waitUntil(async () => {
    const r = await p.query(`ALERTS{${sel}}`);
    return r.resultType === 'vector' && r.result[0] ? { ...r.result[0].metric } : undefined;
  }, timeoutMs, `${alertname} ${JSON.stringify(labels)} firing in Prometheus`);
}

/** Parses a received webhook strictly and returns its alerts (throws with the issues). */
export function webhookAlerts(w: ReceivedWebhook): readonly Alert[] {
  const r = parseWebhook(w.body);
  if (!r.ok) throw new Error(`invalid webhook: ${r.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  return r.alerts;
}

/** The first alert named `alertname` in `state` in a webhook. */
export function alertIn(w: ReceivedWebhook, alertname: string, state: 'firing' | 'resolved'): Alert {
  const a = webhookAlerts(w).find((x) => x.name === alertname && x.state === state);
  if (!a) throw new Error(`no ${state} ${alertname} in webhook: ${JSON.stringify(alertsOf(w))}`);
  return a;
}

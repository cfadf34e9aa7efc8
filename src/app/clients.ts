import type { Config } from '../config/options.js';
import { AlertmanagerClient } from '../integration/alertmanager.js';
import { CharterClient } from '../integration/charter-client.js';
import { HttpClient, type HttpResponse } from '../integration/http.js';
import { HttpStatusError } from '../integration/errors.js';
import { PrometheusClient } from '../integration/prometheus.js';
import type { AlertmanagerApi, CharterApi, PrometheusApi } from '../types/ports.js';

export interface Clients {
  /** For the monitor's reads (one retry: the next cycle is the real retry). */
  readonly charter: CharterApi;
  /** For the executor: one request per call; the executor's retry stage is the only retry. */
  readonly executorCharter: CharterApi;
  readonly prometheus?: PrometheusApi;
  readonly alertmanager?: AlertmanagerApi;
  /** GET Charter's /metrics as text (fallback metrics when Prometheus is absent or down). */
  readonly scrapeCharterMetrics: () => Promise<string>;
  /** Aborts every request in flight and refuses later ones (the service has stopped). */
  readonly closeClients: () => void;
}

/**
 * The integration clients for a config. Monitor reads use one retry (the next cycle is the
 * real retry); the executor's Charter client makes one request per call, so that the
 * executor's retry stage (src/execute/retry.ts) is the one owner of the retry policy.
 */
export function buildClients(config: Config): Clients {
  const common = { timeoutMs: config.requestTimeoutMs, retries: 1 };
  const charterOpts = { ...common, baseUrl: config.charterApiUrl, ...(config.charterToken ? { bearerToken: config.charterToken } : {}) };
  const metricsHttp = new HttpClient({ ...charterOpts, retries: 0 });
  const charter = new CharterClient(charterOpts);
  const executorCharter = new CharterClient({ ...charterOpts, retries: 0 });
  const prometheus = config.prometheusUrl ? new PrometheusClient({ ...common, baseUrl: config.prometheusUrl }) : undefined;
  const alertmanager = config.alertmanagerUrl ? new AlertmanagerClient({ ...common, baseUrl: config.alertmanagerUrl }) : undefined;
  return {
    charter,
    executorCharter,
    ...(prometheus ? { prometheus } : {}),
    ...(alertmanager ? { alertmanager } : {}),
    closeClients: () => {
      for (const h of [metricsHttp, charter.http, executorCharter.http, prometheus?.http, alertmanager?.http]) h?.shutdown();
    },
    scrapeCharterMetrics: () =>
      metricsHttp.call({ method: 'GET', path: '/metrics', headers: { accept: 'text/plain' } }, (res: HttpResponse) => {
        if (res.status < 200 || res.status > 299) throw new HttpStatusError(res.method, res.url, res.status, res.text);
        return res.text;
      }),
  };
}

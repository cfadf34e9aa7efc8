/**
 * The local monitoring stack: the real `prometheus` and `prometheus-alertmanager` binaries
 * started from the deploy/ configs (rewritten by configs.ts) on free 127.0.0.1 ports in temp
 * directories. Used by `mapek demo --stack`, the integration and e2e tests and the benchmarks.
 * A missing binary is a StackUnavailableError saying how to install it.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { requireBinary } from './binaries.js';
import { alertmanagerTestConfig, prometheusTestConfig, type AlertmanagerOptions, type PrometheusOptions } from './configs.js';
import { startManaged, type ManagedProcess } from './process.js';

export { INSTALL_HINT, StackUnavailableError, requireBinary, searchDirs, type StackBinary } from './binaries.js';
export { alertmanagerTestConfig, fastAlertRules, prometheusTestConfig, type AlertmanagerOptions, type PrometheusOptions } from './configs.js';
export { DEPLOY, REPO_ROOT, findRepoRoot } from './paths.js';
export { ExitedError, freePort, httpGet, startManaged, waitUntil, type ManagedProcess } from './process.js';

export interface StackOptions extends Omit<PrometheusOptions, 'alertmanagerUrl' | 'port'>, AlertmanagerOptions {}

export interface Stack {
  readonly prometheus: ManagedProcess;
  readonly alertmanager: ManagedProcess;
  readonly prometheusUrl: string;
  readonly alertmanagerUrl: string;
  /** Stops both (Prometheus first). Idempotent. */
  stop(): Promise<void>;
}

export async function startPrometheus(o: PrometheusOptions): Promise<ManagedProcess> {
  const bin = requireBinary('prometheus');
  return startManaged({
    name: 'prometheus',
    ...(o.port !== undefined ? { port: o.port } : {}),
    prepare: async (dir, port) => {
      const config = path.join(dir, 'prometheus.yml');
      await writeFile(config, await prometheusTestConfig(o));
      return [bin, [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=1h', '--web.enable-lifecycle', '--log.level=warn']];
    },
  });
}

export async function startAlertmanager(o: AlertmanagerOptions): Promise<ManagedProcess> {
  const bin = requireBinary('prometheus-alertmanager');
  return startManaged({
    name: 'alertmanager',
    ...(o.port !== undefined ? { port: o.port } : {}),
    prepare: async (dir, port) => {
      const config = path.join(dir, 'alertmanager.yml');
      await writeFile(config, await alertmanagerTestConfig(o));
      return [bin, [`--config.file=${config}`, `--storage.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn']];
    },
  });
}

/** Alertmanager, then Prometheus pointed at it. Both binaries are checked before either starts. */
export async function startStack(o: StackOptions): Promise<Stack> {
  requireBinary('prometheus');
  requireBinary('prometheus-alertmanager');
  const alertmanager = await startAlertmanager(o);
  let prometheus: ManagedProcess;
  try {
    const { port: _alertmanagerPort, ...prom } = o;
    prometheus = await startPrometheus({ ...prom, alertmanagerUrl: alertmanager.url });
  } catch (err) {
    await alertmanager.stop();
    throw err;
  }
  return {
    prometheus,
    alertmanager,
    prometheusUrl: prometheus.url,
    alertmanagerUrl: alertmanager.url,
    stop: async () => {
      await prometheus.stop();
      await alertmanager.stop();
    },
  };
}

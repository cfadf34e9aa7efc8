/**
 * Test harness for the real monitoring stack: a thin wrapper over the product launcher
 * (src/app/stack/, also behind `mapek demo --stack`). It starts the Debian `prometheus` and
 * `prometheus-alertmanager` binaries with the deploy/ configs rewritten for a test on free
 * 127.0.0.1 ports, waits until /-/ready, and stops them. A missing binary is an error saying
 * how to install it: tests that need the stack fail, they never skip.
 */
import { startStack, type Stack, type StackOptions } from '../../src/app/stack/index.js';
import { DEPLOY } from '../../src/app/stack/paths.js';

export {
  INSTALL_HINT,
  REPO_ROOT,
  alertmanagerTestConfig,
  fastAlertRules,
  freePort,
  httpGet,
  prometheusTestConfig,
  requireBinary,
  startAlertmanager,
  startPrometheus,
  startStack,
  waitUntil,
  type AlertmanagerOptions,
  type ManagedProcess,
  type PrometheusOptions,
  type Stack,
  type StackOptions,
} from '../../src/app/stack/index.js';

export const PROMETHEUS_CONFIG = DEPLOY.prometheusConfig;
export const PROMETHEUS_RULES = DEPLOY.prometheusRules;
export const PROMETHEUS_RULES_TEST = DEPLOY.prometheusRulesTest;
export const ALERTMANAGER_CONFIG = DEPLOY.alertmanagerConfig;

/** For one test: starts the stack and registers its stop with t.teardown. */
export async function startStackFor(t: { teardown(fn: () => Promise<void>): void }, o: StackOptions): Promise<Stack> {
  const s = await startStack(o);
  t.teardown(() => s.stop());
  return s;
}

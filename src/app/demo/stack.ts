import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEPLOY, fastAlertRules, requireBinary, startStack } from '../stack/index.js';
import type { DemoStack } from './scenario.js';

/**
 * `mapek demo --stack`: real Prometheus and Alertmanager from the shared launcher
 * (src/app/stack), the alert rules on the demo's seconds timescale, a random webhook token.
 * Checks both binaries now, so a missing one is a StackUnavailableError before anything starts.
 */
export function demoStack(rulesFile: string = DEPLOY.prometheusRules): DemoStack {
  requireBinary('prometheus');
  requireBinary('prometheus-alertmanager');
  return async (charterUrl, webhookUrl) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-demo-rules-'));
    try {
      const rules = path.join(dir, 'charter-alerts.yml');
      await writeFile(rules, fastAlertRules(await readFile(rulesFile, 'utf8')));
      const webhookToken = `demo-${randomBytes(12).toString('hex')}`;
      const stack = await startStack({ charterUrl, webhookUrl, webhookToken, rulesFile: rules });
      return {
        prometheusUrl: stack.prometheusUrl,
        alertmanagerUrl: stack.alertmanagerUrl,
        webhookToken,
        stop: async () => {
          await stack.stop();
          await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  };
}

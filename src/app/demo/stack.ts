import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import yaml from 'js-yaml';
import type { DemoStack } from './scenario.js';

export class StackUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackUnavailableError';
  }
}

function findBinary(name: string): string {
  for (const d of [...(process.env['PATH'] ?? '').split(path.delimiter), '/usr/bin', '/usr/local/bin']) {
    if (!d) continue;
    const p = path.join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next directory
    }
  }
  throw new StackUnavailableError(`${name} not found on PATH; install it (Debian: apt-get install prometheus prometheus-alertmanager) or run plain \`mapek demo\``);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    try {
      const ok = await new Promise<boolean>((resolve) => {
        const req = http.get(`${url}/-/ready`, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        });
        req.on('error', () => resolve(false));
      });
      if (ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}


/**
 * `mapek demo --stack`: real Prometheus and Alertmanager started from the deploy/ configs,
 * rewritten for the demo (1 s scrape and evaluation, group_wait 0s, the webhook pointed at
 * the service) on free loopback ports and temporary directories — as the test harness does.
 */
export async function startDemoStack(root: string): Promise<DemoStack> {
  const promBin = findBinary('prometheus');
  const amBin = findBinary('prometheus-alertmanager');
  const [promPort, amPort] = [await freePort(), await freePort()];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mapek-demo-stack-'));
  const children: ChildProcess[] = [];
  const token = `demo-${Math.random().toString(36).slice(2)}`;
  return {
    prometheusUrl: `http://127.0.0.1:${promPort}`,
    alertmanagerUrl: `http://127.0.0.1:${amPort}`,
    webhookToken: token,
    async start(charterUrl, webhookUrl) {
      const am = yaml.load(await readFile(path.join(root, 'deploy/alertmanager/alertmanager.yml'), 'utf8')) as Record<string, any>;
      const strip = (r: Record<string, any>): void => {
        for (const k of ['group_wait', 'group_interval', 'repeat_interval']) delete r[k];
        for (const c of (r['routes'] as Record<string, any>[] | undefined) ?? []) strip(c);
      };
      strip(am['route']);
      Object.assign(am['route'], { group_wait: '0s', group_interval: '1s', repeat_interval: '10s' });
      const receiver = (am['receivers'] as Record<string, any>[]).find((r) => r['name'] === 'mapek');
      if (receiver) receiver['webhook_configs'] = [{ url: webhookUrl, send_resolved: true, http_config: { authorization: { type: 'Bearer', credentials: token } } }];
      await writeFile(path.join(dir, 'alertmanager.yml'), yaml.dump(am));
      const prom = yaml.load(await readFile(path.join(root, 'deploy/prometheus/prometheus.yml'), 'utf8')) as Record<string, any>;
      prom['global'] = { ...prom['global'], scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' };
      prom['rule_files'] = [path.join(root, 'deploy/prometheus/charter-alerts.yml')];
      prom['alerting'] = { alertmanagers: [{ api_version: 'v2', static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }] };
      const job = (prom['scrape_configs'] as Record<string, any>[]).find((j) => j['job_name'] === 'charter');
      if (job) job['static_configs'] = [{ targets: [new URL(charterUrl).host] }];
      await writeFile(path.join(dir, 'prometheus.yml'), yaml.dump(prom));
      const amChild = spawn(amBin, [`--config.file=${path.join(dir, 'alertmanager.yml')}`, `--storage.path=${path.join(dir, 'am')}`, `--web.listen-address=127.0.0.1:${amPort}`, '--cluster.listen-address=', '--log.level=warn'], { stdio: 'ignore' });
      children.push(amChild);
      await waitReady(`http://127.0.0.1:${amPort}`, amChild, 20_000);
      const promChild = spawn(promBin, [`--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'prom')}`, `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn'], { stdio: 'ignore' });
      children.push(promChild);
      await waitReady(`http://127.0.0.1:${promPort}`, promChild, 20_000);
    },
    async stop() {
      for (const c of children.reverse()) {
        if (c.exitCode !== null) continue;
        const exited = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (c.exitCode === null) c.kill('SIGKILL');
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

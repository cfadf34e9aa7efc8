/**
 * A loopback /metrics endpoint with `series` synthetic Charter series (the names the named
 * queries read), for a Prometheus that must hold many series: policies, targets and
 * committees in proportion, counters increasing with every scrape.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Exporter {
  readonly url: string;
  readonly series: number;
  close(): Promise<void>;
}

export function exposition(series: number, scrape: number): string {
  const policies = Math.floor(series / 5); // 2 violation series + 1 version + …
  const targets = Math.floor(series / 10);
  const lines: string[] = [];
  let n = 0;
  const push = (l: string): void => {
    if (n < series) lines.push(l);
    n++;
  };
  for (let p = 0; p < policies; p++) {
    push(`westworld_charter_policy_violations_total{policy_id="p-${p}",severity="critical",node_or_service="node-${p % 97}"} ${scrape * (p % 3)}`);
    push(`westworld_charter_policy_violations_total{policy_id="p-${p}",severity="low",node_or_service="node-${p % 89}"} ${scrape * (p % 5)}`);
    push(`westworld_charter_policy_version{policy_id="p-${p}",load_state="loaded"} ${1 + (p % 4)}`);
  }
  for (let t = 0; t < targets; t++) {
    push(`westworld_charter_target_violated_policies{node_or_service="node-${t}"} ${t % 7}`);
    push(`westworld_charter_enforcement_failures_total{node_or_service="node-${t}"} ${scrape * (t % 2)}`);
  }
  for (let c = 0; n < series; c++) {
    push(`westworld_charter_committee_queue_depth{committee_id="committee-${c}"} ${c % 6}`);
    push(`westworld_charter_committee_capacity{committee_id="committee-${c}"} 4`);
  }
  return `${lines.join('\n')}\n`;
}

export async function startExporter(series: number): Promise<Exporter> {
  let scrapes = 0;
  const server = http.createServer((req, res) => {
    const body = exposition(series, scrapes++);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    series,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

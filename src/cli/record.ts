import { factCatalog } from '../types/facts.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { EXIT, parseCommandArgs, type Command, type Io } from './command.js';
import { flagOptions } from '../config/flags.js';
import { flagHelp } from '../config/help.js';
import { OPTIONS } from '../config/options.js';
import { loadConfig } from '../app/bootstrap.js';
import { buildClients } from '../app/clients.js';
import { writeFixture, writeFixtureJsonl, type RecordedStep } from '../app/record/fixture-writer.js';
import { AlertmanagerSource } from '../monitor/alertmanager-source.js';
import { CharterSource } from '../monitor/charter-source.js';
import { CompositeMonitor } from '../monitor/composite.js';
import { PrometheusSource } from '../monitor/prometheus-source.js';
import type { MonitorSource } from '../monitor/source.js';
import { createPlanner } from '../analyze/index.js';
import { loadRuleSet } from '../rules/load.js';
import { formatIssue } from '../types/errors.js';

const HELP = `usage: mapek record --duration DURATION --out fixtures/NAME.yaml [--format yaml|jsonl] [options]

Records the monitor's snapshots from live sources (the same sources as \`mapek run\`:
--prometheus-url, --alertmanager-url, --charter-url or their environment variables) every
--interval seconds into a simulation fixture, with the actions the planner chose at each
step written as commented draft expectations. Replay it with \`mapek simulate FILE\`.
--format jsonl writes the JSON-lines form (head on line 1, one step per line, no draft
expectations), which long recordings load several times faster; simulate reads both.

options:
  --duration D                how long to record: seconds, or with a unit (90s, 10m, 1h)
  --out FILE                  fixture to write (its name is the file name without .yaml/.jsonl)
  --format yaml|jsonl         yaml (default; with draft expectations) or jsonl (NAME.jsonl)
  --description TEXT          the fixture's description
  -h, --help                  show this help

the options of mapek run (--interval is the time between snapshots):
  --config FILE               YAML config file (or MAPEK_CONFIG); unknown keys are errors
${flagHelp(OPTIONS)}

exit codes: 0 written, 1 invalid config or rules, 2 usage, 70 internal error`;

function parseDuration(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return n * (unit === 'ms' ? 1 : unit === 's' ? 1_000 : unit === 'm' ? 60_000 : 3_600_000);
}

export const command: Command = {
  name: 'record',
  summary: 'record live snapshots into a simulation fixture',
  run: async (argv, io) => {
    const args = parseCommandArgs(argv, { ...flagOptions(), duration: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' }, description: { type: 'string' } }, HELP, io);
    if (args === null) return EXIT.ok;
    return record(args.values, process.env, io);
  },
};

export async function record(v: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>, io: Io, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))): Promise<number> {
  const durationMs = typeof v['duration'] === 'string' ? parseDuration(v['duration']) : undefined;
  if (durationMs === undefined || durationMs <= 0) {
    io.err(`mapek record: --duration: expected a duration like 90s, 10m or 1h, got ${JSON.stringify(v['duration'] ?? null)}`);
    return EXIT.usage;
  }
  const format = v['format'] ?? 'yaml';
  if (format !== 'yaml' && format !== 'jsonl') {
    io.err(`mapek record: --format: expected yaml or jsonl, got ${JSON.stringify(format)}`);
    return EXIT.usage;
  }
  const ext = format === 'yaml' ? /\.ya?ml$/ : /\.jsonl$/;
  const out = v['out'];
  if (typeof out !== 'string' || !ext.test(out)) {
    io.err(`mapek record: --out: expected a ${format === 'yaml' ? '.yaml' : '.jsonl'} file${format === 'yaml' ? '' : ' with --format jsonl'}, got ${JSON.stringify(out ?? null)}`);
    return EXIT.usage;
  }
  const name = basename(out).replace(ext, '');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    io.err(`mapek record: --out: the file name "${name}" must be lower case, digits and "-" (it becomes the fixture name)`);
    return EXIT.usage;
  }
  const cfg = await loadConfig(v, env);
  if (!cfg.ok) {
    for (const e of cfg.errors) io.err(`mapek record: ${e}`);
    return EXIT.failed;
  }
  const config = cfg.config;
  // --interval is an ordinary option flag: compileConfig validated it into intervalMs.
  const intervalMs = config.intervalMs;
  const rules = await loadRuleSet(config.rules);
  if (!rules.ok) {
    for (const i of rules.issues) io.err(formatIssue(i));
    return EXIT.failed;
  }
  const planner = createPlanner(rules.ruleSet);
  const clients = buildClients(config);
  const sources: MonitorSource[] = [];
  if (clients.prometheus) sources.push(new PrometheusSource(clients.prometheus, () => factCatalog(rules.ruleSet)));
  if (clients.alertmanager) sources.push(new AlertmanagerSource(clients.alertmanager));
  const noStack = !clients.prometheus && !clients.alertmanager;
  sources.push(new CharterSource(clients.charter, { lookbackMs: Math.max(intervalMs, 5_000), scrapeMetrics: clients.scrapeCharterMetrics, evaluateAlerts: noStack, rateWindowMs: Math.max(intervalMs * 4, 2_000) }));
  const monitor = new CompositeMonitor({ sources, timeoutMs: config.requestTimeoutMs * 2 });
  const steps: RecordedStep[] = [];
  const end = Date.now() + durationMs;
  for (let i = 0; ; i++) {
    const snapshot = await monitor.observe();
    const decisions = planner.plan(snapshot, {}, `record-${i}`);
    steps.push({ snapshot, decisions });
    io.err(`mapek record: step ${i} at ${snapshot.at}: ${snapshot.alerts.length} alerts, ${decisions.reduce((n, d) => n + d.chosen.length, 0)} planned actions`);
    if (Date.now() + intervalMs > end) break;
    await sleep(intervalMs);
  }
  const description = typeof v['description'] === 'string' ? v['description'] : `Recorded from ${config.prometheusUrl ?? 'Charter'} for ${Math.round(durationMs / 1000)} s every ${intervalMs / 1000} s.`;
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, (format === 'yaml' ? writeFixture : writeFixtureJsonl)(name, description, steps));
  io.out(`wrote ${out}: ${steps.length} steps`);
  return EXIT.ok;
}

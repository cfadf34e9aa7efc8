import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, parseCommandArgs, type Command } from './command.js';
import { FAULT_KINDS, type FaultKind } from '../types/charter.js';
import { createLogger, silentLogger } from '../observability/logger.js';
import { formatEvent } from '../app/demo/events.js';
import { formatMetricLines } from '../app/demo/metrics.js';
import { runDemo, type DemoStack } from '../app/demo/scenario.js';
import { demoStack } from '../app/demo/stack.js';
import { StackUnavailableError } from '../app/stack/binaries.js';

const HELP = `usage: mapek demo [--seed N] [--faults K1,K2,...] [--json] [--stack] [--verbose]

Starts the reference Charter in-process, injects faults one after another and runs the
real MAPE-K loop (controller, planner, executor, knowledge store in memory) against it,
printing a live timeline and a closing summary. Needs nothing else installed.

options:
  --seed N        seed of the reference Charter (default 7)
  --faults LIST   comma-separated fault kinds, in order (default all five:
                  ${FAULT_KINDS.join(', ')})
  --rules DIR     rule directory (default the shipped rules/)
  --json          one JSON event per line (the last is the summary)
  --stack         go through real Prometheus and Alertmanager (alert → webhook → action);
                  needs the prometheus and prometheus-alertmanager binaries
  --verbose       also print the service's JSON log lines (to stderr)

exit codes: 0 every fault remediated, 1 some fault was not, 2 usage, 3 --stack binaries missing`;

/** Repository root: this file runs from dist/src/cli/. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The end of the output with --stack: the service's own /metrics lines (a JSON line with --json). */
function printMetrics(lines: readonly string[], json: boolean, out: (s: string) => void): void {
  out(json ? JSON.stringify({ kind: 'metrics', lines }) : `\n${formatMetricLines(lines)}`);
}

export const command: Command = {
  name: 'demo',
  summary: 'run the loop against an in-process reference Charter with injected faults',
  run: async (argv, io) => {
    const args = parseCommandArgs(
      argv,
      { seed: { type: 'string' }, faults: { type: 'string' }, rules: { type: 'string' }, json: { type: 'boolean' }, stack: { type: 'boolean' }, verbose: { type: 'boolean' } },
      HELP,
      io,
    );
    if (args === null) return EXIT.ok;
    const v = args.values;
    const seed = v['seed'] === undefined ? 7 : Number(v['seed']);
    if (!Number.isInteger(seed) || seed < 0) {
      io.err(`mapek demo: --seed: expected an integer ≥ 0, got ${JSON.stringify(v['seed'])}`);
      return EXIT.usage;
    }
    const faults = typeof v['faults'] === 'string' ? v['faults'].split(',').map((s) => s.trim()) : [...FAULT_KINDS];
    const unknown = faults.find((f) => !(FAULT_KINDS as readonly string[]).includes(f));
    if (unknown !== undefined) {
      io.err(`mapek demo: --faults: unknown fault kind "${unknown}" (expected ${FAULT_KINDS.join(', ')})`);
      return EXIT.usage;
    }
    const json = v['json'] === true;
    const log = v['verbose'] === true ? createLogger({ level: 'info', write: (l) => io.err(l) }) : silentLogger;
    let stack: DemoStack | undefined;
    if (v['stack'] === true) {
      try {
        stack = demoStack();
      } catch (err) {
        if (err instanceof StackUnavailableError) {
          io.err(`mapek demo --stack: ${err.message}; or run plain \`mapek demo\``);
          return EXIT.unavailable;
        }
        throw err;
      }
    }
    const { summary, metrics } = await runDemo({
      seed,
      rulesDir: typeof v['rules'] === 'string' ? v['rules'] : join(ROOT, 'rules'),
      faults: faults as FaultKind[],
      log,
      emit: (e) => io.out(json ? JSON.stringify(e) : formatEvent(e)),
      ...(stack ? { stack } : {}),
    });
    if (metrics) printMetrics(metrics, json, io.out);
    return summary.remediated === summary.incidents.length ? EXIT.ok : EXIT.failed;
  },
};

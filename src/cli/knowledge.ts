/** `mapek knowledge weights|history|shadow|audit`: what the learner believes, what was done, what shadow rules would have done, and whether Charter agrees; read only. */
import { shadowReport } from '../simulate/shadow-report.js';
import type { Estimate, ExecutionRecord, WeightChange } from '../types/execution.js';
import type { ExtendedKnowledgeStore } from '../types/knowledge.js';
import { EXIT, parseCommandArgs, UsageError, type Command, type Io } from './command.js';
import { audit, AUDIT_HELP, AUDIT_OPTION, AUDIT_USAGE } from './knowledge-audit.js';
import { exportCommand, importCommand } from './knowledge-transfer.js';
import { openCliStore, STORE_HELP, STORE_OPTIONS, storeLocation } from './store-option.js';

const HELP = `usage: mapek knowledge weights [--explain] [--json] [--dir DIR | --store-url URL]
       mapek knowledge history [--limit N] [--json] [--dir DIR | --store-url URL]
       mapek knowledge shadow [--limit N] [--json] [--dir DIR | --store-url URL]
       ${AUDIT_USAGE}
       mapek knowledge export|import … (see mapek knowledge export --help)

  weights   each plan rule's learned weight per situation (incident kind): estimate, evidence, why
  history   the most recent executions, newest first
  shadow    per shadow rule (mode: shadow): how often it would have acted, where it
            disagreed with the live plan, and the outcomes of the live actions there
${AUDIT_HELP}

options:
${STORE_HELP}
  --explain     weights: per rule and situation, the estimate, its uncertainty, the
                evidence and why it ranks where it does
  --limit N     history: how many executions (default 20); shadow: how many recent
                decisions to read (default 1000)
${AUDIT_OPTION}
  --json        machine-readable output
  -h, --help    this help

Reads the store files without locking them (or the database); safe while the service runs.
exit codes: 0 ok (audit: no disagreement), 1 audit: disagreements found, 2 usage error,
3 no knowledge store at DIR, the database unreachable, or (audit) Charter unreachable`;

export interface WeightRow {
  /** The key in the weights: `rule|situation` for a situated weight, else the rule id. */
  readonly key: string;
  readonly ruleId: string;
  /** The incident kind it was learned in ('-' for an old, unsituated weight). */
  readonly situation: string;
  readonly weight: number;
  readonly samples: number;
  readonly successRate: number;
  readonly estimate?: Estimate;
  readonly reason?: string;
  /** Place among the rules learned in the same situation (1 = the highest weight). */
  readonly rank: number;
  readonly of: number;
}

export async function weightRows(store: ExtendedKnowledgeStore): Promise<WeightRow[]> {
  const latest = await store.latestWeightChanges();
  const rows = Object.entries(latest).map(([key, c]: [string, WeightChange]) => ({
    key,
    ruleId: c.rule ?? key,
    situation: c.situation ?? '-',
    weight: c.to,
    samples: c.samples,
    successRate: c.successRate,
    ...(c.estimate ? { estimate: c.estimate } : {}),
    reason: c.reason,
  }));
  rows.sort((a, b) => (a.situation < b.situation ? -1 : a.situation > b.situation ? 1 : b.weight - a.weight || (a.ruleId < b.ruleId ? -1 : 1)));
  return rows.map((r) => {
    const peers = rows.filter((x) => x.situation === r.situation);
    return { ...r, rank: peers.indexOf(r) + 1, of: peers.length };
  });
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

function table(rows: readonly string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
}

/** Why a row ranks where it does among the rules of its situation. */
export function rankWhy(r: WeightRow, rows: readonly WeightRow[]): string {
  const peers = rows.filter((x) => x.situation === r.situation && x !== r);
  const e = r.estimate;
  const counted = e?.timeFactor !== undefined ? `the weight scaled by ×${e.timeFactor.toFixed(2)} for it` : 'not counted in the weight: learner.timeWeight is 0';
  const time = e?.seconds !== undefined && e.situationSeconds !== undefined ? `; an attempt takes ${e.seconds.toPrecision(2)}s against ${e.situationSeconds.toPrecision(2)}s for the situation's attempts (${counted})` : '';
  const belief = e ? `estimated ${pct(e.mean)} ± ${pct(e.sd)} to clear it (prior ${pct(e.prior)}) on evidence ${e.evidence.toFixed(1)} from ${e.outcomes} outcomes; the last draw was ${pct(e.draw)}${time}` : 'learned before estimates were recorded';
  const above = peers.filter((x) => x.weight > r.weight).map((x) => `${x.ruleId} ${x.weight.toPrecision(3)}`);
  const below = peers.filter((x) => x.weight <= r.weight).map((x) => `${x.ruleId} ${x.weight.toPrecision(3)}`);
  const place = peers.length === 0 ? 'the only rule learned in this situation' : `rank ${r.rank} of ${r.of} by weight${above.length ? `, behind ${above.join(', ')}` : ''}${below.length ? `, ahead of ${below.join(', ')}` : ''}`;
  return `${belief}; ${place}; the planner ranks by priority × weight (${r.weight.toPrecision(3)})`;
}

async function weights(store: ExtendedKnowledgeStore, explain: boolean, json: boolean, io: Io): Promise<number> {
  const rows = await weightRows(store);
  if (json) {
    io.out(JSON.stringify(explain ? rows.map((r) => ({ ...r, why: rankWhy(r, rows) })) : rows, null, 2));
    return EXIT.ok;
  }
  if (rows.length === 0) {
    io.out('no learned weights yet (every plan rule has weight 1)');
    return EXIT.ok;
  }
  io.out(table([['RULE', 'SITUATION', 'WEIGHT', 'ESTIMATE', 'EVIDENCE', 'WHY'], ...rows.map((r) => [r.ruleId, r.situation, r.weight.toPrecision(3), r.estimate ? `${pct(r.estimate.mean)} ± ${pct(r.estimate.sd)}` : '-', r.estimate ? r.estimate.evidence.toFixed(1) : String(r.samples), r.reason ?? 'no change yet'])]));
  if (explain) {
    for (const r of rows) {
      io.out(`\n${r.ruleId} in ${r.situation}: weight ${r.weight.toPrecision(3)}`);
      io.out(`  ${rankWhy(r, rows)}`);
      if (r.reason) io.out(`  last change: ${r.reason}`);
    }
  }
  return EXIT.ok;
}

export function historyLine(r: ExecutionRecord): string[] {
  const why = r.guard ? `${r.guard}: ${r.guardDetail ?? ''}` : r.error ?? (r.verify ? `verify ${r.verify}` : '');
  return [r.createdAt, r.id, r.status, `${r.action.type} ${r.action.target}`, r.ruleId, why];
}

async function shadow(store: ExtendedKnowledgeStore, limit: number, json: boolean, io: Io): Promise<number> {
  const decisions = await store.recentDecisions(limit);
  const ids = new Set(decisions.map((d) => d.id));
  const executions = (await store.findExecutions({ limit: limit * 4 })).filter((e) => ids.has(e.decisionId));
  const rows = shadowReport(decisions, executions);
  if (json) {
    io.out(JSON.stringify(rows, null, 2));
    return EXIT.ok;
  }
  if (rows.length === 0) {
    io.out(`no shadow rule would have acted in the last ${decisions.length} decisions`);
    return EXIT.ok;
  }
  const outcomes = (o: Readonly<Record<string, number>>): string => Object.entries(o).map(([k, n]) => `${k} ${n}`).join(', ') || '-';
  io.out(table([['RULE', 'WOULD ACT', 'DISAGREED', 'LIVE OUTCOMES THERE'], ...rows.map((r) => [r.ruleId, String(r.wouldAct), String(r.disagreed), outcomes(r.liveOutcomes)])]));
  for (const r of rows) for (const e of r.examples) io.out(`  ${r.ruleId} in ${e.decisionId}: would ${e.shadow}; live: ${e.live}`);
  return EXIT.ok;
}

async function history(store: ExtendedKnowledgeStore, limit: number, json: boolean, io: Io): Promise<number> {
  const rs = await store.findExecutions({ limit });
  if (json) {
    io.out(JSON.stringify(rs, null, 2));
    return EXIT.ok;
  }
  if (rs.length === 0) {
    io.out('no executions recorded');
    return EXIT.ok;
  }
  io.out(table([['TIME', 'ID', 'STATUS', 'ACTION', 'RULE', 'WHY'], ...rs.map(historyLine)]));
  return EXIT.ok;
}

export const command: Command = {
  name: 'knowledge',
  summary: 'inspect the knowledge store: `weights [--explain]`, `history`, `shadow`, `audit` (against Charter); `export`/`import` (NDJSON)',
  async run(argv, io) {
    if (argv[0] === 'export') return exportCommand(argv.slice(1), io, process.env);
    if (argv[0] === 'import') return importCommand(argv.slice(1), io, process.env);
    const parsed = parseCommandArgs(argv, { ...STORE_OPTIONS, explain: { type: 'boolean' }, json: { type: 'boolean' }, limit: { type: 'string' }, 'charter-url': { type: 'string' } }, HELP, io);
    if (!parsed) return EXIT.ok;
    const [sub, ...extra] = parsed.positionals;
    const SUBS = ['weights', 'history', 'shadow', 'audit'];
    if (sub === undefined || !SUBS.includes(sub)) throw new UsageError(sub === undefined ? 'expected a subcommand: weights, history, shadow or audit' : `unknown subcommand "${sub}" (expected weights, history, shadow or audit)`);
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const v = parsed.values;
    const where = storeLocation(v, process.env);
    if (sub === 'audit') return audit(v, where, process.env, io);
    if (v['charter-url'] !== undefined) throw new UsageError('--charter-url: only for audit');
    const limitText = (v['limit'] as string | undefined) ?? (sub === 'shadow' ? '1000' : '20');
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit: expected a positive integer, got "${limitText}"`);
    let store: ExtendedKnowledgeStore;
    try {
      store = await openCliStore(where);
    } catch (err) {
      io.err(`mapek knowledge: ${(err as Error).message}`);
      return EXIT.unavailable;
    }
    if (sub === 'shadow') return shadow(store, limit, v['json'] === true, io);
    return sub === 'weights' ? weights(store, v['explain'] === true, v['json'] === true, io) : history(store, limit, v['json'] === true, io);
  },
};

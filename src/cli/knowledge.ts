/** `mapek knowledge weights|history|shadow|audit`: what the learner believes, what was done, what shadow rules would have done, and whether Charter agrees; read only. */
import { DEFAULT_LEARNER_OPTIONS, openReadonlyView, ruleStats, type RuleStats } from '../knowledge/index.js';
import { shadowReport } from '../simulate/shadow-report.js';
import type { ExecutionRecord, WeightChange } from '../types/execution.js';
import type { ExtendedKnowledgeStore } from '../types/knowledge.js';
import { EXIT, parseCommandArgs, UsageError, type Command, type Io } from './command.js';
import { audit, AUDIT_HELP, AUDIT_OPTION, AUDIT_USAGE } from './knowledge-audit.js';

const HELP = `usage: mapek knowledge weights [--explain] [--json] [--dir DIR]
       mapek knowledge history [--limit N] [--json] [--dir DIR]
       mapek knowledge shadow [--limit N] [--json] [--dir DIR]
       ${AUDIT_USAGE}

  weights   each plan rule's learned weight, sample size, success rate and why
  history   the most recent executions, newest first
  shadow    per shadow rule (mode: shadow): how often it would have acted, where it
            disagreed with the live plan, and the outcomes of the live actions there
${AUDIT_HELP}

options:
  --dir DIR     knowledge store directory (default: knowledge)
  --explain     weights: the learner's reasoning per rule and per incident kind
  --limit N     history: how many executions (default 20); shadow: how many recent
                decisions to read (default 1000)
${AUDIT_OPTION}
  --json        machine-readable output
  -h, --help    this help

Reads the store files without locking them; safe while the service runs.
exit codes: 0 ok (audit: no disagreement), 1 audit: disagreements found, 2 usage error,
3 no knowledge store at DIR, or (audit) Charter unreachable`;

export interface WeightRow {
  readonly ruleId: string;
  readonly weight: number;
  readonly samples: number;
  readonly successRate: number;
  readonly reason?: string;
  readonly stats?: RuleStats;
}

export async function weightRows(store: ExtendedKnowledgeStore): Promise<WeightRow[]> {
  const weights = await store.currentWeights();
  const outcomes = await store.outcomes({ limit: 2_000 });
  const history = await store.weightHistory(10_000);
  const last = new Map<string, WeightChange>();
  for (const c of [...history].reverse()) last.set(c.ruleId, c);
  const decisive = outcomes.filter((o) => o.result !== 'inconclusive');
  const ids = [...new Set([...Object.keys(weights), ...outcomes.map((o) => o.ruleId)])].sort();
  return ids.map((ruleId) => {
    const stats = ruleStats(ruleId, outcomes.filter((o) => o.ruleId === ruleId), decisive.length, DEFAULT_LEARNER_OPTIONS);
    const reason = last.get(ruleId)?.reason;
    return { ruleId, weight: weights[ruleId] ?? 1, samples: stats.samples, successRate: stats.successRate, ...(reason ? { reason } : {}), stats };
  });
}

const pct = (x: number): string => `${Math.round(x * 100)}%`;

function table(rows: readonly string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
}

async function weights(store: ExtendedKnowledgeStore, explain: boolean, json: boolean, io: Io): Promise<number> {
  const rows = await weightRows(store);
  if (json) {
    io.out(JSON.stringify(rows.map(({ stats, ...r }) => (explain ? { ...r, stats } : r)), null, 2));
    return EXIT.ok;
  }
  if (rows.length === 0) {
    io.out('no learned weights yet (every plan rule has weight 1)');
    return EXIT.ok;
  }
  io.out(table([['RULE', 'WEIGHT', 'SAMPLES', 'SUCCESS', 'WHY'], ...rows.map((r) => [r.ruleId, r.weight.toFixed(2), String(r.samples), r.samples ? pct(r.successRate) : '-', r.reason ?? 'no change yet'])]));
  if (explain) {
    for (const r of rows) {
      const s = r.stats;
      if (!s) continue;
      io.out(`\n${r.ruleId}: weight ${r.weight.toFixed(2)}`);
      io.out(`  recency-weighted success ${pct(s.decayedRate)}${s.trend !== undefined ? `, trend ${pct(s.trend)}` : ''}, exploration bonus +${s.bonus.toFixed(2)}, target weight ${s.target.toFixed(2)}`);
      for (const [kind, k] of Object.entries(s.kinds)) io.out(`  ${kind}: ${k.successes}/${k.samples} succeeded`);
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
  summary: 'inspect the knowledge store: `weights [--explain]`, `history`, `shadow`, `audit` (against Charter)',
  async run(argv, io) {
    const parsed = parseCommandArgs(argv, { dir: { type: 'string' }, explain: { type: 'boolean' }, json: { type: 'boolean' }, limit: { type: 'string' }, 'charter-url': { type: 'string' } }, HELP, io);
    if (!parsed) return EXIT.ok;
    const [sub, ...extra] = parsed.positionals;
    const SUBS = ['weights', 'history', 'shadow', 'audit'];
    if (sub === undefined || !SUBS.includes(sub)) throw new UsageError(sub === undefined ? 'expected a subcommand: weights, history, shadow or audit' : `unknown subcommand "${sub}" (expected weights, history, shadow or audit)`);
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const v = parsed.values;
    if (sub === 'audit') return audit(v, process.env, io);
    if (v['charter-url'] !== undefined) throw new UsageError('--charter-url: only for audit');
    const limitText = (v['limit'] as string | undefined) ?? (sub === 'shadow' ? '1000' : '20');
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit: expected a positive integer, got "${limitText}"`);
    let store: ExtendedKnowledgeStore;
    try {
      store = await openReadonlyView((v['dir'] as string | undefined) ?? 'knowledge');
    } catch (err) {
      io.err(`mapek knowledge: ${(err as Error).message}`);
      return EXIT.unavailable;
    }
    if (sub === 'shadow') return shadow(store, limit, v['json'] === true, io);
    return sub === 'weights' ? weights(store, v['explain'] === true, v['json'] === true, io) : history(store, limit, v['json'] === true, io);
  },
};

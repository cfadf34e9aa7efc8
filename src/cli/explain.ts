/** `mapek explain ID`: one decision in full — facts, conditions, candidates, guards, outcome. */
import type { Decision, UnrecordedRepeats } from '../types/decision.js';
import type { ExecutionRecord } from '../types/execution.js';
import type { ExtendedKnowledgeStore } from '../types/knowledge.js';
import { EXIT, parseCommandArgs, UsageError, type Command, type Io } from './command.js';
import { openCliStore, STORE_HELP, STORE_OPTIONS, storeLocation } from './store-option.js';

const HELP = `usage: mapek explain ID [--json] [--dir DIR | --store-url URL]

Prints one decision in full: the incident and its alerts, the facts analysis derived, every
rule evaluated with each condition's fact value and result, the candidates and why they
lost, and each action's execution — the guard that stopped it, if any, and the outcome; an
action not run again because its intent already existed names the execution that holds it.
A decision recorded after identical ones that were not stored says so ("same plan as
decision X for N more cycles, not recorded again"). ID is a decision id, an execution id or an execution key.

options:
${STORE_HELP}
  --json        { decision, executions } as JSON
  -h, --help    this help

exit codes: 0 ok, 1 no such decision, 2 usage error, 3 no knowledge store at DIR or the database unreachable`;

/** Why a decision id from the log may be missing from the store. */
export const NOT_STORED_HINT = '  (a decision identical to its incident\'s last recorded one, with nothing to run or its actions refused again as recorded, is not stored again; its "planned" log line names the recorded one as notRecordedSameAs)';

export async function findDecision(store: ExtendedKnowledgeStore, id: string): Promise<{ decision?: Decision; executions: readonly ExecutionRecord[] }> {
  let decision = await store.getDecision(id);
  if (!decision) {
    const byId = (await store.findExecutions({ id }))[0] ?? (await store.getExecution(id));
    if (byId) decision = await store.getDecision(byId.decisionId);
    if (!decision && byId) return { executions: [byId] };
  }
  if (!decision) return { executions: [] };
  const executions = [...(await store.findExecutions({ decisionId: decision.id }))].reverse();
  return { decision, executions };
}

const show = (v: unknown): string => (v === undefined ? 'undefined' : JSON.stringify(v));

export function renderExecution(r: ExecutionRecord): string[] {
  const lines = [`  ${r.id}  ${r.action.type} "${r.action.target}"  rule ${r.ruleId}  → ${r.status}`];
  if (r.guard) lines.push(`    stopped by ${r.guard}: ${r.guardDetail ?? ''}`);
  if (r.appliedAt) lines.push(`    applied at ${r.appliedAt}`);
  if (r.verify) lines.push(`    verification ${r.verify} at ${r.verifiedAt ?? '?'}`);
  if (r.error) lines.push(`    error: ${r.error}`);
  lines.push(`    key ${r.key}`);
  return lines;
}

/** What was not stored before this decision, in plain words. */
export function unrecordedLines(u: UnrecordedRepeats): string[] {
  const n = `${u.cycles} more cycle${u.cycles === 1 ? '' : 's'}`;
  const refused = u.refused === undefined ? '' : `, its actions refused again by ${[...new Set(u.refused)].join(', ')} as recorded under it`;
  return u.same
    ? [`same plan as decision ${u.decisionId} (at ${u.at}) for ${n}, until ${u.lastAt}: not recorded again (unchanged, ${refused === '' ? 'nothing to run' : `nothing new to record${refused}`})`]
    : [`the previous decision ${u.decisionId} (at ${u.at}) held unchanged for ${n}${refused}, until ${u.lastAt}: not recorded again; the plan changed with this one`];
}

export function render(d: Decision | undefined, executions: readonly ExecutionRecord[]): string {
  const out: string[] = [];
  if (d) {
    out.push(`decision ${d.id}  cycle ${d.cycleId}  at ${d.at}`);
    out.push(`incident ${d.incidentId}  alerts: ${d.alerts.join(', ') || '(none)'}  rule set ${d.ruleSetHash.slice(0, 12)}`);
    const u = d.unrecordedBefore;
    if (u !== undefined) out.push(...unrecordedLines(u));
    out.push('', 'derived facts:');
    const derived = Object.entries(d.derived);
    if (derived.length === 0) out.push('  (none)');
    for (const [k, v] of derived) out.push(`  ${k} = ${show(v)}`);
    out.push('', 'rules:');
    for (const r of d.rules) {
      out.push(`  ${r.fired ? 'fired ' : 'no    '} ${r.rule} (${r.stage}${r.stage === 'analyze' ? `, pass ${r.pass}` : ''})`);
      for (const c of r.conditions) {
        out.push(`    ${c.result ? '✓' : '✗'} ${c.fact}${c.path ? ` ${c.path}` : ''} ${c.operator} ${show(c.value)}  (was ${show(c.factValue)})`);
      }
    }
    out.push('', 'candidates:');
    if (d.candidates.length === 0) out.push('  (none)');
    for (const c of d.candidates) {
      const won = d.chosen.some((x) => x.rule === c.rule && x.action.target === c.action.target);
      out.push(`  ${won ? 'chosen' : 'lost  '} ${c.rule}: ${c.action.type} "${c.action.target}" priority ${c.priority} × weight ${c.weight.toFixed(2)} = ${c.effectivePriority.toFixed(2)}, utility ${c.utility.toFixed(2)}${c.rejected ? ` — ${c.rejected}` : ''}`);
    }
  }
  out.push('', 'executions:');
  const duplicates = d?.duplicates ?? [];
  if (executions.length === 0 && duplicates.length === 0) out.push('  (none)');
  for (const r of executions) out.push(...renderExecution(r));
  for (const x of duplicates) {
    const c = d?.chosen.find((k) => k.ruleId === x.ruleId && k.action.target === x.target);
    out.push(`  not run again: ${c?.action.type ?? 'action'} "${x.target}" rule ${x.ruleId} — intent exists: execution ${x.executionId} (${x.status}, cycle ${x.cycleId})`);
    out.push(`    key ${x.key}`);
  }
  return out.join('\n');
}

export async function explain(store: ExtendedKnowledgeStore, id: string, json: boolean, io: Io): Promise<number> {
  const { decision, executions } = await findDecision(store, id);
  if (!decision && executions.length === 0) {
    io.err(`mapek explain: no decision or execution "${id}"\n${NOT_STORED_HINT}`);
    return EXIT.failed;
  }
  io.out(json ? JSON.stringify({ decision: decision ?? null, executions }, null, 2) : render(decision, executions));
  return EXIT.ok;
}

export const command: Command = {
  name: 'explain',
  summary: 'print one decision in full',
  async run(argv, io) {
    const parsed = parseCommandArgs(argv, { ...STORE_OPTIONS, json: { type: 'boolean' } }, HELP, io);
    if (!parsed) return EXIT.ok;
    const [id, ...extra] = parsed.positionals;
    if (id === undefined) throw new UsageError('expected a decision or execution ID');
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const where = storeLocation(parsed.values, process.env);
    let store: ExtendedKnowledgeStore;
    try {
      store = await openCliStore(where);
    } catch (err) {
      io.err(`mapek explain: ${(err as Error).message}`);
      return EXIT.unavailable;
    }
    return explain(store, id, parsed.values['json'] === true, io);
  },
};

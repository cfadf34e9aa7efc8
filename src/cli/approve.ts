/**
 * `mapek approve ID` / `mapek reject ID`: a verdict on a high-risk action waiting in the
 * queue. Works on the store directory directly (a small file in approvals-inbox/, never the
 * service's data files); the running service takes it in on its next cycle.
 */
import { openReadonlyView, writeVerdict } from '../knowledge/index.js';
import { EXIT, parseCommandArgs, UsageError, type Command, type Io } from './command.js';

function help(verb: 'approve' | 'reject'): string {
  return `usage: mapek ${verb} ID [--dir DIR] [--by NAME]${verb === 'reject' ? ' [--reason TEXT]' : ''} [--json]

${verb === 'approve' ? 'Approves' : 'Rejects'} a high-risk action waiting for approval (see \`mapek knowledge history\`:
status awaiting_approval; ID is its execution id). The service picks the verdict up on its
next cycle${verb === 'approve' ? ' and applies the action if its incident still calls for it' : ' and closes the intent'}.

options:
  --dir DIR       knowledge store directory (default: knowledge)
  --by NAME       who decided (default: $USER)${verb === 'reject' ? '\n  --reason TEXT   why; recorded with the execution' : ''}
  --json          the verdict as JSON
  -h, --help      this help

exit codes: 0 ok, 1 no action awaiting approval with that id, 2 usage error, 3 no knowledge store at DIR`;
}

async function decide(verb: 'approve' | 'reject', argv: readonly string[], io: Io, now: () => Date): Promise<number> {
  const opts: Record<string, { type: 'string' | 'boolean' }> = { dir: { type: 'string' }, by: { type: 'string' }, json: { type: 'boolean' } };
  if (verb === 'reject') opts['reason'] = { type: 'string' };
  const parsed = parseCommandArgs(argv, opts, help(verb), io);
  if (!parsed) return EXIT.ok;
  const [id, ...extra] = parsed.positionals;
  if (id === undefined) throw new UsageError('expected the ID of an action awaiting approval');
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const dir = (parsed.values['dir'] as string | undefined) ?? 'knowledge';
  let approval;
  try {
    approval = await (await openReadonlyView(dir)).getApproval(id);
  } catch (err) {
    io.err(`mapek ${verb}: ${(err as Error).message}`);
    return EXIT.unavailable;
  }
  if (!approval || approval.state !== 'waiting') {
    io.err(`mapek ${verb}: no action awaiting approval with id "${id}"${approval ? ` (it was ${approval.state})` : ''}`);
    return EXIT.failed;
  }
  const reason = parsed.values['reason'] as string | undefined;
  const verdict = {
    id,
    state: verb === 'approve' ? ('approved' as const) : ('rejected' as const),
    by: (parsed.values['by'] as string | undefined) ?? process.env['USER'] ?? 'cli',
    ...(reason !== undefined ? { reason } : {}),
    at: now().toISOString(),
  };
  await writeVerdict(dir, verdict);
  if (parsed.values['json'] === true) io.out(JSON.stringify(verdict));
  else io.out(`${verdict.state} ${id}: ${approval.action.type} "${approval.action.target}" (rule ${approval.ruleId}); the service takes it in on its next cycle`);
  return EXIT.ok;
}

export const approve: Command = {
  name: 'approve',
  summary: 'approve a high-risk action waiting in the queue',
  run: (argv, io) => decide('approve', argv, io, () => new Date()),
};

export const reject: Command = {
  name: 'reject',
  summary: 'reject a high-risk action waiting in the queue',
  run: (argv, io) => decide('reject', argv, io, () => new Date()),
};

/**
 * `mapek approve ID` / `mapek reject ID`: a verdict on a high-risk action waiting in the
 * queue. With `--url` it goes to a running service's POST /api/v1/approvals/{id} (token
 * from MAPEK_API_TOKEN), from any machine. Without it, it works on the store directory
 * directly (a small file in approvals-inbox/, never the service's data files), for a
 * service without HTTP; the running service takes it in on its next cycle. With `--store-url`
 * (or MAPEK_STORE_URL) it resolves the approval's row in the shared PostgreSQL store itself,
 * a compare-and-set: of two verdicts from two machines exactly one wins.
 */
import { openReadonlyView, writeVerdict } from '../knowledge/index.js';
import type { StoreLocation } from '../knowledge/index.js';
import type { Approval } from '../types/knowledge.js';
import { EXIT, parseCommandArgs, UsageError, type Command, type Io } from './command.js';
import { openCliStore, storeLocation } from './store-option.js';

type Verb = 'approve' | 'reject';

function help(verb: Verb): string {
  return `usage: mapek ${verb} ID [--url URL | --dir DIR | --store-url URL] [--by NAME] [--reason TEXT] [--json]

${verb === 'approve' ? 'Approves' : 'Rejects'} a high-risk action waiting for approval (see \`mapek knowledge history\`,
GET /api/v1/approvals or the console: status awaiting_approval; ID is its execution id). The
service acts on the verdict in its next cycle${verb === 'approve' ? ' and applies the action if its incident still calls for it' : ' and closes the intent'}.

options:
  --url URL       a running service (e.g. http://127.0.0.1:9400): POST /api/v1/approvals/ID
                  with the bearer token from MAPEK_API_TOKEN
  --dir DIR       without --url: knowledge store directory (default: knowledge)
  --store-url URL without --url: the shared PostgreSQL store (postgres://…; default
                  $MAPEK_STORE_URL): the verdict is written to its approval row
  --by NAME       who decided (default: $USER)
  --reason TEXT   why; recorded with the approval
  --json          the verdict as JSON
  -h, --help      this help

exit codes: 0 ok, 1 no action awaiting approval with that id (or the token was refused),
2 usage error, 3 no knowledge store at DIR, the database or the service unreachable`;
}

interface Parsed {
  readonly id: string;
  readonly by: string;
  readonly reason: string | undefined;
  readonly json: boolean;
}

function summary(verb: Verb, a: Pick<Approval, 'id' | 'action' | 'ruleId'>, via: string): string {
  return `${verb === 'approve' ? 'approved' : 'rejected'} ${a.id}: ${a.action.type} "${a.action.target}" (rule ${a.ruleId}); ${via}`;
}

async function overHttp(verb: Verb, base: string, p: Parsed, io: Io, env: Readonly<Record<string, string | undefined>>): Promise<number> {
  let url: URL;
  try {
    url = new URL(`api/v1/approvals/${encodeURIComponent(p.id)}`, base.endsWith('/') ? base : `${base}/`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new UsageError(`--url: must be an http(s) URL, got "${base}"`);
  }
  const token = env['MAPEK_API_TOKEN'];
  if (token === undefined || token === '') {
    io.err(`mapek ${verb}: MAPEK_API_TOKEN is not set (the service's API token)`);
    return EXIT.usage;
  }
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ verdict: verb, by: p.by, ...(p.reason !== undefined ? { reason: p.reason } : {}) }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    io.err(`mapek ${verb}: cannot reach ${url.origin}: ${(err as Error).message}`);
    return EXIT.unavailable;
  }
  const text = await res.text();
  let body: { approval?: Approval; error?: { message?: string } } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON: reported below with the status
  }
  if (res.ok && body.approval !== undefined) {
    if (p.json) io.out(JSON.stringify(body.approval));
    else io.out(summary(verb, body.approval, 'the service acts on it in its next cycle'));
    return EXIT.ok;
  }
  io.err(`mapek ${verb}: ${url.origin} answered ${res.status}: ${body.error?.message ?? text.slice(0, 200)}`);
  return res.status >= 500 ? EXIT.unavailable : EXIT.failed;
}

async function inInbox(verb: Verb, dir: string, p: Parsed, io: Io, now: () => Date): Promise<number> {
  let approval;
  try {
    approval = await (await openReadonlyView(dir)).getApproval(p.id);
  } catch (err) {
    io.err(`mapek ${verb}: ${(err as Error).message}`);
    return EXIT.unavailable;
  }
  if (!approval || approval.state !== 'waiting') {
    io.err(`mapek ${verb}: no action awaiting approval with id "${p.id}"${approval ? ` (it was ${approval.state})` : ''}`);
    return EXIT.failed;
  }
  const verdict = {
    id: p.id,
    state: verb === 'approve' ? ('approved' as const) : ('rejected' as const),
    by: p.by,
    ...(p.reason !== undefined ? { reason: p.reason } : {}),
    at: now().toISOString(),
  };
  await writeVerdict(dir, verdict);
  if (p.json) io.out(JSON.stringify(verdict));
  else io.out(summary(verb, approval, 'the service takes it in on its next cycle'));
  return EXIT.ok;
}

async function inDatabase(verb: Verb, where: StoreLocation, p: Parsed, io: Io, now: () => Date): Promise<number> {
  let store;
  try {
    store = await openCliStore(where);
  } catch (err) {
    io.err(`mapek ${verb}: ${(err as Error).message}`);
    return EXIT.unavailable;
  }
  try {
    const state = verb === 'approve' ? 'approved' : 'rejected';
    const resolved = await store.resolveApproval(p.id, state, p.by, p.reason, now().toISOString());
    if (resolved === undefined) {
      const a = await store.getApproval(p.id);
      io.err(`mapek ${verb}: no action awaiting approval with id "${p.id}"${a ? ` (it was ${a.state})` : ''}`);
      return EXIT.failed;
    }
    if (p.json) io.out(JSON.stringify(resolved));
    else io.out(summary(verb, resolved, 'the leader acts on it in its next cycle'));
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** The command with its environment and clock injected (tests pass their own). */
export async function decide(verb: Verb, argv: readonly string[], io: Io, now: () => Date, env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const opts = { dir: { type: 'string' }, 'store-url': { type: 'string' }, url: { type: 'string' }, by: { type: 'string' }, reason: { type: 'string' }, json: { type: 'boolean' } } as const;
  const parsed = parseCommandArgs(argv, opts, help(verb), io);
  if (!parsed) return EXIT.ok;
  const [id, ...extra] = parsed.positionals;
  if (id === undefined) throw new UsageError('expected the ID of an action awaiting approval');
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const url = parsed.values['url'] as string | undefined;
  const dir = parsed.values['dir'] as string | undefined;
  if (url !== undefined && dir !== undefined) throw new UsageError('--url and --dir exclude each other');
  if (url !== undefined && parsed.values['store-url'] !== undefined) throw new UsageError('--url and --store-url exclude each other');
  const p: Parsed = {
    id,
    by: (parsed.values['by'] as string | undefined) ?? env['USER'] ?? 'cli',
    reason: parsed.values['reason'] as string | undefined,
    json: parsed.values['json'] === true,
  };
  if (url !== undefined) return overHttp(verb, url, p, io, env);
  const where = storeLocation(parsed.values, env);
  return where.url !== undefined ? inDatabase(verb, where, p, io, now) : inInbox(verb, where.dir, p, io, now);
}

export const approve: Command = {
  name: 'approve',
  summary: 'approve a high-risk action waiting in the queue (locally or --url)',
  run: (argv, io) => decide('approve', argv, io, () => new Date(), process.env),
};

export const reject: Command = {
  name: 'reject',
  summary: 'reject a high-risk action waiting in the queue (locally or --url)',
  run: (argv, io) => decide('reject', argv, io, () => new Date(), process.env),
};

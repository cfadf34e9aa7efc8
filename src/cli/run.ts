import { EXIT, parseCommandArgs, type Command, type Io } from './command.js';
import { flagOptions } from '../config/flags.js';
import { OPTIONS, type Config } from '../config/options.js';
import { redactedConfig } from '../config/compile.js';
import { environmentHelp, flagHelp } from '../config/help.js';
import { loadConfig } from '../app/bootstrap.js';
import { buildClients } from '../app/clients.js';
import { Service, StartError } from '../app/service.js';
import { applyCompactHeap, restoreDefaultHeap } from '../app/heap.js';
import { createLogger } from '../observability/logger.js';
import { loadRuleSet } from '../rules/load.js';
import { formatIssue } from '../types/errors.js';
import { describeStore, isPostgresUrl, openStore, type NedbKnowledgeStore, type PostgresKnowledgeStore } from '../knowledge/index.js';
import { replicaCoordinator } from '../app/replica.js';
import type { Coordinator } from '../coordination/coordinator.js';
import type { ExecutorOptionsInput } from '../execute/options.js';

const HELP = `usage: mapek run [--config FILE] [options] [--check]

Runs the MAPE-K controller as a service: HTTP on 127.0.0.1:9400 (the console at /,
/metrics, /healthz, /readyz, POST /api/v1/alerts/webhook, GET /api/v1/decisions,
GET /api/v1/approvals, POST /api/v1/approvals/ID with MAPEK_API_TOKEN).
Precedence: flags > environment > config file > defaults. SIGHUP reloads the rules;
SIGTERM/SIGINT stop gracefully. The webhook needs MAPEK_WEBHOOK_TOKEN, or
--webhook-auth off to run without authentication (loopback only).

options:
  --config FILE               YAML config file (or MAPEK_CONFIG); unknown keys are errors
${flagHelp(OPTIONS)}
  --check                     validate config and rules, print the result, exit 0 (valid) or 1
  --json                      with --check: print the result as JSON
  -h, --help                  show this help

environment or file only:
${environmentHelp(OPTIONS)}

exit codes: 0 stopped cleanly / check passed, 1 invalid config or rules, 2 usage,
3 store or port unavailable, 70 internal error`;

/** \`mapek run\` serves the webhook: authentication is on, or off because the config says so. */
export function webhookAuthProblem(config: Config): string | undefined {
  if (config.webhookAuth !== undefined) return undefined;
  return 'webhook authentication is not configured: set MAPEK_WEBHOOK_TOKEN, or MAPEK_WEBHOOK_AUTH=off (--webhook-auth off) to accept unauthenticated webhooks on loopback';
}

export const command: Command = {
  name: 'run',
  summary: 'run the controller as a service',
  run: async (argv, io) => {
    const args = parseCommandArgs(argv, { ...flagOptions(), check: { type: 'boolean' }, json: { type: 'boolean' } }, HELP, io);
    if (args === null) return EXIT.ok;
    if (args.positionals.length > 0) {
      io.err(`mapek run: unexpected argument "${args.positionals[0]}"`);
      return EXIT.usage;
    }
    return runService(args.values, process.env, io, { ownsProcess: true });
  },
};

/** ownsProcess: this process runs nothing but the service (the command line), so it may set process-wide V8 flags (src/app/heap.ts). */
export interface RunServiceOptions {
  readonly ownsProcess?: boolean;
}

export async function runService(flags: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>, io: Io, options: RunServiceOptions = {}): Promise<number> {
  const cfg = await loadConfig(flags, env);
  const check = flags['check'] === true;
  if (!cfg.ok) {
    if (check && flags['json'] === true) io.out(JSON.stringify({ ok: false, config: cfg.errors, rules: [] }));
    else for (const e of cfg.errors) io.err(`mapek run: ${e}`);
    return EXIT.failed;
  }
  const config = cfg.config;
  const authProblem = webhookAuthProblem(config);
  if (authProblem !== undefined) {
    if (check && flags['json'] === true) io.out(JSON.stringify({ ok: false, config: [authProblem], rules: [] }));
    else io.err(`mapek run: ${authProblem}`);
    return EXIT.failed;
  }
  if (check) {
    const rules = await loadRuleSet(config.rules);
    const issues = rules.ok ? [] : rules.issues.map(formatIssue);
    if (flags['json'] === true) {
      io.out(JSON.stringify({ ok: rules.ok, config: [], rules: issues, ...(rules.ok ? { ruleSetHash: rules.ruleSet.hash, ruleCount: rules.ruleSet.rules.length } : {}), resolved: redactedConfig(config) }));
    } else if (rules.ok) {
      io.out(`config ok; rules ok: ${rules.ruleSet.rules.length} rules in ${rules.ruleSet.files.length} files, hash ${rules.ruleSet.hash}`);
    } else {
      for (const i of issues) io.err(i);
      io.err(`mapek run --check: ${issues.length} rule issue${issues.length === 1 ? '' : 's'}`);
    }
    return rules.ok ? EXIT.ok : EXIT.failed;
  }

  const log = createLogger({ level: config.logLevel, write: (l) => io.out(l) });
  log.info('starting', { config: redactedConfig(config), pid: process.pid });
  if (options.ownsProcess === true) {
    if (config.compactHeap) log.info('heap: compact (compactHeap: false for V8\'s defaults)', { v8Flags: applyCompactHeap() });
    else log.info('heap: V8 defaults (compactHeap: false)', { v8Flags: restoreDefaultHeap() });
  }
  if (config.webhookAuth === 'off') log.warn('webhook authentication is off (MAPEK_WEBHOOK_AUTH=off): any local process can post alerts', { listenHost: config.listenHost });
  else log.info('webhook authentication: bearer token (MAPEK_WEBHOOK_TOKEN)');
  let store: NedbKnowledgeStore | PostgresKnowledgeStore;
  let coordinator: Coordinator | undefined;
  const where = { url: config.storeUrl, dir: config.knowledgeDir };
  try {
    if (config.storeUrl !== undefined && isPostgresUrl(config.storeUrl)) {
      // A shared store: replicas elect one leader; the store fences its writes with the lease.
      coordinator = replicaCoordinator(config, config.storeUrl, log);
      store = await openStore(where, { fence: coordinator });
      log.info('knowledge store: PostgreSQL; this replica competes for the leader lease', { store: describeStore(where), replicaId: coordinator.replicaId, leaseTtlMs: config.leaseTtlMs });
    } else store = await openStore(where);
  } catch (err) {
    const option = config.storeUrl !== undefined ? { option: 'store URL (--store-url, MAPEK_STORE_URL, store.url)', store: describeStore(where) } : { dir: config.knowledgeDir };
    log.error('cannot open the knowledge store', { ...option, error: (err as Error).message });
    return EXIT.unavailable;
  }
  for (const r of store.loadReports()) log.warn('knowledge store: dropped corrupt lines (backup kept)', { file: r.file, dropped: r.dropped, lines: r.lines, backup: r.backup });
  const service = new Service({
    config,
    log,
    ...buildClients(config),
    store,
    loadRules: loadRuleSet,
    executorOptions: config.executor as ExecutorOptionsInput,
    ...(coordinator ? { coordinator } : {}),
  });

  let resolveStopped: (code: number) => void = () => undefined;
  const stopped = new Promise<number>((r) => (resolveStopped = r));
  const onStop = (signal: string) => () => {
    log.info('signal received; stopping', { signal });
    service.stop().then(
      () => resolveStopped(EXIT.ok),
      (err: unknown) => {
        log.error('shutdown failed', { error: (err as Error).message });
        resolveStopped(EXIT.internal);
      },
    );
  };
  const onHup = (): void => void service.reloadRules('SIGHUP');
  const term = onStop('SIGTERM');
  const int = onStop('SIGINT');
  process.on('SIGTERM', term);
  process.on('SIGINT', int);
  process.on('SIGHUP', onHup);
  try {
    await service.start();
  } catch (err) {
    process.off('SIGTERM', term);
    process.off('SIGINT', int);
    process.off('SIGHUP', onHup);
    await coordinator?.stop().catch(() => undefined);
    await store.close().catch(() => undefined);
    if (err instanceof StartError) {
      log.error('cannot start', { error: err.message });
      return EXIT.failed;
    }
    log.error('cannot start', { error: (err as Error).message });
    return EXIT.unavailable;
  }
  const code = await stopped;
  process.off('SIGTERM', term);
  process.off('SIGINT', int);
  process.off('SIGHUP', onHup);
  return code;
}

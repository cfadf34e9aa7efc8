/**
 * Every user-facing option of `mapek run` (and the parts `demo`/`record` share): its name in
 * the YAML file, its environment variable, its flag, its default and how it is parsed. The one
 * table docs/MAPE_K_RUNBOOK.md documents; compile.ts turns it into a resolved Config.
 */

export type OptionKind = 'url' | 'string' | 'seconds' | 'milliseconds' | 'integer' | 'boolean' | 'level' | 'list' | 'port' | 'host' | 'mapping' | 'auth' | 'store-url';

export interface OptionSpec {
  /** Key in Config. */
  readonly key: ConfigKey;
  /** Key in the YAML file (durations there are in the same unit as the environment); `a.b` is key b of the mapping a. */
  readonly file: string;
  readonly env?: string;
  readonly flag?: string;
  readonly kind: OptionKind;
  /** Default, already in the compiled form (ms for durations). */
  readonly default: unknown;
  readonly secret?: boolean;
  /** Name of the value in help (`--knowledge-dir DIR`); default from the kind (src/config/help.ts). */
  readonly valueName?: string;
  readonly doc: string;
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const WEBHOOK_AUTH = ['token', 'off'] as const;
export type WebhookAuth = (typeof WEBHOOK_AUTH)[number];

/** The fully resolved configuration: readonly, durations in ms. */
export interface Config {
  readonly prometheusUrl: string | undefined;
  readonly alertmanagerUrl: string | undefined;
  readonly charterApiUrl: string;
  readonly charterToken: string | undefined;
  readonly intervalMs: number;
  readonly cycleTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly logLevel: LogLevel;
  readonly listenHost: string;
  readonly listenPort: number;
  readonly webhookToken: string | undefined;
  /** Bearer token of POST /api/v1/approvals/{id} and the console's approve/reject; undefined: those are refused. */
  readonly apiToken: string | undefined;
  /** Require apiToken for the console's read-only views on loopback too (always required elsewhere). */
  readonly consoleReadAuth: boolean;
  /**
   * How the webhook is authenticated: 'token' (MAPEK_WEBHOOK_TOKEN), 'off' (stated
   * explicitly), or undefined when neither is configured (`mapek run` refuses to start).
   */
  readonly webhookAuth: WebhookAuth | undefined;
  readonly webhookMaxBytes: number;
  readonly knowledgeDir: string;
  /** A shared PostgreSQL store (postgres://…); undefined: the journal store under knowledgeDir. */
  readonly storeUrl: string | undefined;
  readonly rules: readonly string[];
  readonly reloadDebounceMs: number;
  readonly dryRun: boolean;
  readonly shutdownGraceMs: number;
  /** Look-back of Charter's violations and of the metrics and alerts derived from Charter's own /metrics. */
  readonly charterWindowMs: number;
  readonly decisionsLimit: number;
  readonly unreadyAfterFailedCycles: number;
  /** Run the learner after every cycle that verified something (default true). */
  readonly learn: boolean;
  /** The learner's settings (validated by it: src/knowledge/learner-options.ts; docs/LEARNING.md). */
  readonly learner: Readonly<Record<string, unknown>>;
  /** `mapek run` keeps its V8 heap compact (src/app/heap.ts); false: V8's defaults. */
  readonly compactHeap: boolean;
  /** Guard-rail settings passed to the executor (validated there; docs/EXECUTION.md). */
  readonly executor: Readonly<Record<string, unknown>>;
  /** Leader lease TTL with a shared PostgreSQL store (ms, on the database's clock). */
  readonly leaseTtlMs: number;
  /** Renewal period of the lease (ms); undefined: a third of the TTL. */
  readonly leaseRenewMs: number | undefined;
  /** This replica's name in the lease; undefined: hostname-pid. */
  readonly replicaId: string | undefined;
}

export type ConfigKey = keyof Config;

export const OPTIONS: readonly OptionSpec[] = [
  { key: 'prometheusUrl', file: 'prometheusUrl', env: 'PROMETHEUS_URL', flag: 'prometheus-url', kind: 'url', default: undefined, doc: 'Prometheus base URL. Unset: no Prometheus; metrics are derived from Charter\'s own /metrics.' },
  { key: 'alertmanagerUrl', file: 'alertmanagerUrl', env: 'ALERTMANAGER_URL', flag: 'alertmanager-url', kind: 'url', default: undefined, doc: 'Alertmanager base URL (API v2). Unset: alerts come from Prometheus ALERTS or the in-process evaluator.' },
  { key: 'charterApiUrl', file: 'charterApiUrl', env: 'CHARTER_API_URL', flag: 'charter-url', kind: 'url', default: 'http://127.0.0.1:8000', doc: 'Charter API base URL.' },
  { key: 'charterToken', file: 'charterToken', env: 'MAPEK_CHARTER_TOKEN', kind: 'string', valueName: 'TOKEN', default: undefined, secret: true, doc: 'Bearer token sent to Charter. Never logged. Environment or file only (a flag would show in `ps`).' },
  { key: 'intervalMs', file: 'interval', env: 'MAPE_K_INTERVAL', flag: 'interval', kind: 'seconds', default: 30_000, doc: 'Seconds between timer-driven cycles (webhooks trigger cycles earlier).' },
  { key: 'cycleTimeoutMs', file: 'cycleTimeout', env: 'MAPEK_CYCLE_TIMEOUT', flag: 'cycle-timeout', kind: 'seconds', default: 60_000, doc: 'Seconds after which a cycle is abandoned and recorded as timed out.' },
  { key: 'requestTimeoutMs', file: 'requestTimeout', env: 'MAPEK_REQUEST_TIMEOUT', flag: 'request-timeout', kind: 'seconds', default: 5_000, doc: 'Seconds before one HTTP request to Prometheus, Alertmanager or Charter is aborted.' },
  { key: 'logLevel', file: 'logLevel', env: 'LOG_LEVEL', flag: 'log-level', kind: 'level', default: 'info', doc: 'debug, info, warn or error.' },
  { key: 'listenHost', file: 'listenHost', env: 'MAPEK_LISTEN_HOST', flag: 'host', kind: 'host', default: '127.0.0.1', doc: 'Address the HTTP server binds (loopback only by default).' },
  { key: 'listenPort', file: 'listenPort', env: 'MAPEK_LISTEN_PORT', flag: 'port', kind: 'port', default: 9400, doc: 'Port of /metrics, /healthz, /readyz, the webhook and the JSON endpoints (0: any free port).' },
  { key: 'webhookToken', file: 'webhookToken', env: 'MAPEK_WEBHOOK_TOKEN', kind: 'string', valueName: 'TOKEN', default: undefined, secret: true, doc: 'Bearer token the Alertmanager webhook must send. Never logged; empty is an error.' },
  { key: 'webhookAuth', file: 'webhookAuth', env: 'MAPEK_WEBHOOK_AUTH', flag: 'webhook-auth', kind: 'auth', default: undefined, doc: 'token: the webhook must send MAPEK_WEBHOOK_TOKEN (implied when it is set); off: no webhook authentication (loopback only). `mapek run` refuses to start with neither.' },
  { key: 'apiToken', file: 'apiToken', env: 'MAPEK_API_TOKEN', kind: 'string', valueName: 'TOKEN', default: undefined, secret: true, doc: 'Bearer token of POST /api/v1/approvals/{id} and the console\'s Approve/Reject (also what `mapek approve --url` sends). Unset: approving over HTTP is refused. Never logged.' },
  { key: 'consoleReadAuth', file: 'consoleReadAuth', env: 'MAPEK_CONSOLE_READ_AUTH', kind: 'boolean', default: false, doc: 'Require the API token for the console\'s read-only views on loopback too; off loopback they always require it.' },
  { key: 'webhookMaxBytes', file: 'webhookMaxBytes', env: 'MAPEK_WEBHOOK_MAX_BYTES', kind: 'integer', default: 1_048_576, doc: 'Largest webhook body accepted; larger bodies get 413.' },
  { key: 'knowledgeDir', file: 'knowledgeDir', env: 'MAPEK_KNOWLEDGE_DIR', flag: 'knowledge-dir', kind: 'string', valueName: 'DIR', default: 'knowledge', doc: 'Directory of the knowledge store (decisions, executions, weights).' },
  { key: 'storeUrl', file: 'store.url', env: 'MAPEK_STORE_URL', flag: 'store-url', kind: 'store-url', default: undefined, doc: 'A shared PostgreSQL knowledge store (postgres://USER@HOST:PORT/DB; password from PGPASSWORD or ~/.pgpass rather than the URL) instead of the files under the knowledge directory: what several replicas need (they then elect one leader through a lease in it). Unset: the files (one node).' },
  { key: 'rules', file: 'rules', env: 'MAPEK_RULES', flag: 'rules', kind: 'list', default: ['rules'], doc: 'Rule files or directories (comma separated in the environment).' },
  { key: 'reloadDebounceMs', file: 'reloadDebounceMs', env: 'MAPEK_RELOAD_DEBOUNCE', kind: 'milliseconds', default: 300, doc: 'Milliseconds to wait after a rule file changes before reloading.' },
  { key: 'dryRun', file: 'dryRun', env: 'MAPEK_DRY_RUN', flag: 'dry-run', kind: 'boolean', default: false, doc: 'Plan and record, never write to Charter.' },
  { key: 'shutdownGraceMs', file: 'shutdownGrace', env: 'MAPEK_SHUTDOWN_GRACE', kind: 'seconds', default: 30_000, doc: 'Seconds SIGTERM waits for the cycle in flight before leaving it recorded for recovery.' },
  { key: 'charterWindowMs', file: 'charterWindow', env: 'MAPEK_CHARTER_WINDOW', kind: 'seconds', default: 60_000, doc: 'Seconds of Charter data the monitor reads back: recent violations, and (without Prometheus) the window of the rates and alerts it derives from Charter\'s /metrics. A verification waits until this window covers only time after its action.' },
  { key: 'executor', file: 'executor', kind: 'mapping', default: {}, doc: 'Guard rails of the executor (cooldownMs, hysteresis, rateLimit, maxConcurrent, breaker, approvalRisk, …; file only, see docs/EXECUTION.md).' },
  { key: 'decisionsLimit', file: 'decisionsLimit', env: 'MAPEK_DECISIONS_LIMIT', kind: 'integer', default: 100, doc: 'Most decisions GET /api/v1/decisions returns.' },
  { key: 'unreadyAfterFailedCycles', file: 'unreadyAfterFailedCycles', env: 'MAPEK_UNREADY_AFTER_FAILED_CYCLES', kind: 'integer', default: 3, doc: 'Consecutive failed cycles after which /readyz answers 503 and /healthz says degraded (until a cycle succeeds).' },
  { key: 'leaseTtlMs', file: 'leaseTtl', env: 'MAPEK_LEASE_TTL', flag: 'lease-ttl', kind: 'seconds', default: 10_000, doc: 'With a PostgreSQL store: seconds the leader lease lasts on the database\'s clock; a standby takes over at most this long after the leader stopped renewing.' },
  { key: 'leaseRenewMs', file: 'leaseRenew', env: 'MAPEK_LEASE_RENEW', flag: 'lease-renew', kind: 'seconds', default: undefined, doc: 'With a PostgreSQL store: seconds between lease renewals (default a third of leaseTtl; at most half of it).' },
  { key: 'replicaId', file: 'replicaId', env: 'MAPEK_REPLICA_ID', flag: 'replica-id', kind: 'string', valueName: 'ID', default: undefined, doc: 'This replica\'s name in the leader lease, /healthz and the logs (default hostname-pid).' },
  { key: 'learn', file: 'learn', env: 'MAPEK_LEARN', kind: 'boolean', default: true, doc: 'Learn weights from verified outcomes (docs/LEARNING.md). false: the rules\' priorities alone decide and the stored weights stay as they are (outcomes are still recorded).' },
  { key: 'learner', file: 'learner', kind: 'mapping', default: {}, doc: 'Settings of the learner (forgetting, priorStrength, changeWindow, changeAlpha, timeWeight, seed, …; file only, see docs/LEARNING.md for each and its default).' },
  { key: 'compactHeap', file: 'compactHeap', env: 'MAPEK_COMPACT_HEAP', kind: 'boolean', default: true, doc: 'Keep the service\'s V8 heap compact: a small young generation and an old generation that grows by 20 % past its live size, about half the memory of V8\'s defaults for about a quarter more CPU per cycle (docs/PERFORMANCE.md section 12). Not a cap. false: V8\'s defaults.' },
];

export function optionFor(key: string): OptionSpec | undefined {
  return OPTIONS.find((o) => o.key === key);
}

/** `mapek knowledge audit`: every disagreement between the store's execution records and Charter. */
import { auditKnowledge, type AuditReport } from '../execute/audit.js';
import { CharterClient } from '../integration/charter-client.js';
import { readWriteLog } from '../integration/charter-writes.js';
import { describeStore, type StoreLocation } from '../knowledge/index.js';
import type { ExtendedKnowledgeStore } from '../types/knowledge.js';
import { EXIT, UsageError, type Io } from './command.js';
import { openCliStore } from './store-option.js';

export const AUDIT_USAGE = 'mapek knowledge audit [--charter-url URL] [--json] [--dir DIR | --store-url URL]';
export const AUDIT_HELP = `  audit     compare the executions with Charter's writes and current state; exit 1 on any disagreement`;
export const AUDIT_OPTION = `  --charter-url URL  audit: the Charter to compare with (default: $CHARTER_API_URL or http://127.0.0.1:8000)`;

const DEFAULT_CHARTER_URL = 'http://127.0.0.1:8000';

export function charterUrlOf(flag: unknown, env: Readonly<Record<string, string | undefined>>): string {
  const url = typeof flag === 'string' ? flag : env['CHARTER_API_URL'] || DEFAULT_CHARTER_URL;
  let ok = false;
  try {
    ok = ['http:', 'https:'].includes(new URL(url).protocol);
  } catch {
    ok = false;
  }
  if (!ok) throw new UsageError(`--charter-url: expected an http(s) URL, got "${url}"`);
  return url.replace(/\/+$/, '');
}

/** The readable report: one summary line, then one line per disagreement. */
export function formatAudit(r: AuditReport, dir: string, url: string): string {
  const source = r.history === 'write_log' ? "charter's write log" : 'policy histories (no write log)';
  const head = `audit of ${dir} against ${url} (${source}): ${r.records} executions, ${r.writes} landed writes, ${r.states} resources compared`;
  if (r.disagreements.length === 0) return `${head}\nno disagreements`;
  const width = Math.max(...r.disagreements.map((d) => d.kind.length));
  const n = r.disagreements.length;
  return [head, `${n} disagreement${n === 1 ? '' : 's'}:`, ...r.disagreements.map((d) => `  ${d.kind.padEnd(width)}  ${d.message}`)].join('\n');
}

export async function audit(v: Record<string, unknown>, where: StoreLocation, env: Readonly<Record<string, string | undefined>>, io: Io): Promise<number> {
  const url = charterUrlOf(v['charter-url'], env);
  const dir = describeStore(where);
  let store: ExtendedKnowledgeStore;
  try {
    store = await openCliStore(where);
  } catch (err) {
    io.err(`mapek knowledge: ${(err as Error).message}`);
    return EXIT.unavailable;
  }
  const charter = new CharterClient({ baseUrl: url, retries: 0 });
  let report: AuditReport;
  try {
    report = await auditKnowledge({ store, charter, writeLog: () => readWriteLog(charter.http) });
  } catch (err) {
    io.err(`mapek knowledge: cannot audit against ${url}: ${(err as Error).message}`);
    return EXIT.unavailable;
  } finally {
    charter.http.close();
    await store.close();
  }
  io.out(v['json'] === true ? JSON.stringify({ store: dir, charter: url, ...report }, null, 2) : formatAudit(report, dir, url));
  return report.disagreements.length === 0 ? EXIT.ok : EXIT.failed;
}

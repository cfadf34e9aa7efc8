/**
 * `mapek knowledge audit`: do the store's execution records agree with Charter? The
 * comparison (compareWithCharter) is pure; auditKnowledge reads the records, Charter's write
 * history and the current state of every resource involved, then compares. The fault suite
 * runs it after every case; docs/EXECUTION.md describes the report.
 */
import type { CharterWrite } from '../integration/charter-writes.js';
import type { ExecutionRecord } from '../types/execution.js';
import type { ExtendedKnowledgeStore } from '../types/knowledge.js';
import type { CharterApi } from '../types/ports.js';
import { comparePolicyHistory, compareWriteLog } from './audit-compare.js';
import { resourceOf, resourceOfWrite, type AuditInput, type AuditReport, type CurrentState } from './audit-model.js';

export { UNDO_KEY_SUFFIX, type AuditInput, type AuditReport, type CurrentState, type Disagreement, type DisagreementKind } from './audit-model.js';

const ORDER = ['unrecorded_write', 'unrecorded_undo', 'write_missing', 'unexpected_write', 'double_apply', 'state_mismatch'];

/** Every disagreement between the records and Charter (pure). */
export function compareWithCharter(input: AuditInput): AuditReport {
  const records = input.records.filter((r) => resourceOf(r.action.type, r.action.target) !== undefined);
  const { disagreements, landed } = input.writes ? compareWriteLog(records, input.writes, input.current) : comparePolicyHistory(records, input.policies ?? [], input.current);
  const states = [...input.current.keys()].filter((k) => k !== 'reload').length;
  const sorted = [...disagreements].sort((a, b) => ORDER.indexOf(a.kind) - ORDER.indexOf(b.kind));
  return { history: input.writes ? 'write_log' : 'policy_history', records: records.length, writes: landed, states, disagreements: sorted };
}

export interface AuditSources {
  readonly store: Pick<ExtendedKnowledgeStore, 'findExecutions'>;
  readonly charter: CharterApi;
  /** Charter's write log (reference Charter); resolves undefined when this Charter keeps none. */
  readonly writeLog?: () => Promise<readonly CharterWrite[] | undefined>;
}

/** A Charter answer of 404 for a resource: it does not exist (a record may name a bogus target). */
const isNotFound = (err: unknown): boolean => (err as { status?: unknown }).status === 404;

async function read(charter: CharterApi, resource: string): Promise<unknown> {
  const [kind, ...rest] = resource.split(':');
  const id = rest.join(':');
  switch (kind) {
    case 'policy':
      return (await charter.getPolicy(id)).value;
    case 'target':
      return (await charter.getTarget(id)).value;
    case 'committee':
      return (await charter.getCommittee(id)).value;
    case 'settings':
      return (await charter.getSettings()).value;
    default:
      return undefined;
  }
}

/** Reads everything the comparison needs, then compares. Throws when the store or Charter cannot be read. */
export async function auditKnowledge(src: AuditSources): Promise<AuditReport> {
  const records: readonly ExecutionRecord[] = await src.store.findExecutions({});
  const writes = src.writeLog ? await src.writeLog() : undefined;
  const policies = writes ? undefined : await src.charter.listPolicies();
  const resources = new Set<string>();
  for (const r of records) {
    const res = resourceOf(r.action.type, r.action.target);
    if (res !== undefined && res !== 'reload') resources.add(res);
  }
  for (const w of writes ?? []) if (w.applied) resources.add(resourceOfWrite(w));
  const current = new Map<string, unknown>();
  for (const res of [...resources].sort()) {
    if (res === 'reload' || res.startsWith('path:')) continue;
    try {
      current.set(res, await read(src.charter, res));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return compareWithCharter({ records, ...(writes ? { writes } : {}), ...(policies ? { policies } : {}), current: current as CurrentState });
}

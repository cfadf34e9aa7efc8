/**
 * The two comparisons of the audit. With the reference Charter's write log every landed
 * write is matched to a record by its Idempotency-Key; with any other Charter, policy
 * versions applied by mapek are matched by the execution id Charter keeps in their reason,
 * and the other resources are checked by their current state only.
 */
import type { Policy } from '../types/charter.js';
import type { ExecutionRecord } from '../types/execution.js';
import type { CharterWrite } from '../integration/charter-writes.js';
import { canonical, claimsWritten, label, project, resourceOf, resourceOfWrite, stateMismatches, UNDO_KEY_SUFFIX, who, type CurrentState, type Disagreement } from './audit-model.js';

const describe = (w: CharterWrite): string => `write #${w.id} ${w.method} ${w.path}`;
const ids = (ws: readonly CharterWrite[]): string => ws.map((w) => `#${w.id}`).join(', ');

/** Records matched against the write log. */
export function compareWriteLog(records: readonly ExecutionRecord[], writes: readonly CharterWrite[], current: CurrentState): { disagreements: Disagreement[]; landed: number } {
  const out: Disagreement[] = [];
  const byKey = new Map<string, ExecutionRecord>(records.map((r) => [r.key, r]));
  const landed = writes.filter((w) => w.applied);
  const under = new Map<string, CharterWrite[]>();
  for (const w of landed) {
    if (w.idempotencyKey === undefined) {
      out.push({ kind: 'unrecorded_write', resource: label(resourceOfWrite(w)), writes: [w.id], message: `${describe(w)} landed with no Idempotency-Key: no execution record accounts for it` });
      continue;
    }
    const list = under.get(w.idempotencyKey) ?? [];
    list.push(w);
    under.set(w.idempotencyKey, list);
  }

  for (const [key, ws] of under) {
    if (byKey.has(key)) continue;
    const base = key.endsWith(UNDO_KEY_SUFFIX) ? key.slice(0, -UNDO_KEY_SUFFIX.length) : undefined;
    if (base !== undefined && byKey.has(base)) continue; // checked with its record below
    for (const w of ws) {
      out.push(
        base !== undefined
          ? { kind: 'unrecorded_undo', key, resource: label(resourceOfWrite(w)), writes: [w.id], message: `undo ${describe(w)} (key "${key}") landed but no execution record has key "${base}"` }
          : { kind: 'unrecorded_write', key, resource: label(resourceOfWrite(w)), writes: [w.id], message: `${describe(w)} (key "${key}") landed but no execution record has that key` },
      );
    }
  }

  for (const r of records) {
    const resource = resourceOf(r.action.type, r.action.target);
    if (resource === undefined) continue;
    const forward = under.get(r.key) ?? [];
    // An undo journaled as its own record (key `<key>:rollback`) accounts for its writes itself.
    const undo = byKey.has(`${r.key}${UNDO_KEY_SUFFIX}`) ? [] : under.get(`${r.key}${UNDO_KEY_SUFFIX}`) ?? [];
    const undoRecorded = byKey.has(`${r.key}${UNDO_KEY_SUFFIX}`);
    const base = { key: r.key, executionId: r.id, resource: label(resource) };
    if (forward.length > 1) out.push({ ...base, kind: 'double_apply', writes: forward.map((w) => w.id), message: `${who(r)}: ${forward.length} writes landed under one key (${ids(forward)})` });
    if (undo.length > 1) out.push({ ...base, kind: 'double_apply', writes: undo.map((w) => w.id), message: `${who(r)}: ${undo.length} undo writes landed under key "${r.key}${UNDO_KEY_SUFFIX}" (${ids(undo)})` });
    if (claimsWritten(r.status)) {
      if (forward.length === 0) out.push({ ...base, kind: 'write_missing', message: `${who(r)} says its write landed, but no write under its key landed in charter` });
    } else if (forward.length > 0) {
      out.push({ ...base, kind: 'unexpected_write', writes: forward.map((w) => w.id), message: `${who(r)} says nothing was written, but ${describe(forward[0]!)} landed under its key` });
    }
    if (r.status === 'rolled_back' && undo.length === 0 && !undoRecorded) out.push({ ...base, kind: 'write_missing', message: `${who(r)} says it was rolled back, but no undo write (key "${r.key}${UNDO_KEY_SUFFIX}") landed in charter` });
    if (r.status !== 'rolled_back' && undo.length > 0) out.push({ ...base, kind: 'unrecorded_undo', writes: undo.map((w) => w.id), message: `undo ${describe(undo[0]!)} (key "${r.key}${UNDO_KEY_SUFFIX}") landed but ${who(r)} does not say it was rolled back` });
  }

  // The state of each resource against the record that owns its last landed write.
  const lastWrite = new Map<string, CharterWrite>();
  for (const w of landed) lastWrite.set(resourceOfWrite(w), w);
  const owner = new Map<string, ExecutionRecord>();
  for (const [resource, w] of lastWrite) {
    const key = w.idempotencyKey;
    if (key === undefined || resource === 'reload') continue;
    const own = byKey.get(key);
    const undone = key.endsWith(UNDO_KEY_SUFFIX) ? byKey.get(key.slice(0, -UNDO_KEY_SUFFIX.length)) : undefined;
    // Expectations only from a record that says it wrote (else: already unexpected_write), or
    // from an undo its record says happened (else: already unrecorded_undo).
    if (own && claimsWritten(own.status)) owner.set(resource, own);
    else if (!own && undone?.status === 'rolled_back') owner.set(resource, undone);
  }
  return { disagreements: [...out, ...stateMismatches(owner, current)], landed: landed.length };
}

const EXECUTION_IN_REASON = /\(([^()\s]+)\)$/;

/**
 * Records matched against policy histories (any Charter): each version applied by mapek
 * names its execution in its reason (`mapek <rule> for <incident> (<execution id>)`).
 */
export function comparePolicyHistory(records: readonly ExecutionRecord[], policies: readonly Policy[], current: CurrentState): { disagreements: Disagreement[]; landed: number } {
  const out: Disagreement[] = [];
  const byId = new Map(records.map((r) => [r.id, r]));
  let landed = 0;
  const versionsOf = new Map<string, { policy: string; version: number; spec: unknown }[]>();
  for (const p of policies) {
    for (const h of p.history) {
      if (h.appliedBy !== 'mapek') continue;
      landed++;
      const id = EXECUTION_IN_REASON.exec(h.reason ?? '')?.[1];
      const r = id === undefined ? undefined : byId.get(id);
      const res = label(`policy:${p.id}`);
      if (!r || resourceOf(r.action.type, r.action.target) !== `policy:${p.id}`) {
        out.push({ kind: 'unrecorded_write', resource: res, writes: [h.version], message: `${res} version ${h.version} was applied by mapek${id === undefined ? ' without an execution id in its reason' : ` for execution ${id}`}, and no execution record of that policy has that id` });
        continue;
      }
      const list = versionsOf.get(r.id) ?? [];
      list.push({ policy: p.id, version: h.version, spec: project('policy', h) });
      versionsOf.set(r.id, list);
    }
  }

  const last = new Map<string, ExecutionRecord>();
  for (const r of records) {
    const resource = resourceOf(r.action.type, r.action.target);
    if (resource === undefined) continue;
    if (claimsWritten(r.status) && r.appliedAt !== undefined && (last.get(resource)?.appliedAt ?? '') <= r.appliedAt) last.set(resource, r);
    if (!resource.startsWith('policy:')) continue;
    const vs = versionsOf.get(r.id) ?? [];
    const base = { key: r.key, executionId: r.id, resource: label(resource) };
    const list = (xs: typeof vs): string => xs.map((v) => `v${v.version}`).join(', ');
    const prior = r.prior === undefined ? undefined : canonical(project(resource, r.prior));
    const undos = vs.filter((v) => prior !== undefined && canonical(v.spec) === prior);
    const forwards = vs.filter((v) => !undos.includes(v));
    if (!claimsWritten(r.status)) {
      if (vs.length > 0) out.push({ ...base, kind: 'unexpected_write', writes: vs.map((v) => v.version), message: `${who(r)} says nothing was written, but ${label(resource)} ${list(vs)} was applied for it` });
      continue;
    }
    if (forwards.length === 0) out.push({ ...base, kind: 'write_missing', message: `${who(r)} says its write landed, but ${label(resource)} has no version applied for it` });
    if (forwards.length > 1) out.push({ ...base, kind: 'double_apply', writes: forwards.map((v) => v.version), message: `${who(r)}: ${forwards.length} versions of ${label(resource)} were applied for it (${list(forwards)})` });
    if (r.status === 'rolled_back' && undos.length === 0) out.push({ ...base, kind: 'write_missing', message: `${who(r)} says it was rolled back, but ${label(resource)} has no undo version applied for it` });
    if (undos.length > 1) out.push({ ...base, kind: 'double_apply', writes: undos.map((v) => v.version), message: `${who(r)}: ${undos.length} undo versions of ${label(resource)} were applied for it (${list(undos)})` });
    if (r.status !== 'rolled_back' && undos.length > 0) out.push({ ...base, kind: 'unrecorded_undo', writes: undos.map((v) => v.version), message: `${label(resource)} ${list(undos)} undid execution ${r.id}, but ${who(r)} does not say it was rolled back` });
  }
  last.delete('reload');
  return { disagreements: [...out, ...stateMismatches(last, current)], landed };
}

/**
 * How each record is stored as a document (its indexed fields plus the record as JSON in
 * `body`), and the check every document read from a backend passes: the envelope (an `_id`,
 * a `body` string holding valid JSON), the record's schema (record-schemas.ts), and indexed
 * fields equal to what the record implies (a query by index never sees a stale value).
 */
import type { Decision } from '../types/decision.js';
import type { ExecutionRecord, WeightChange } from '../types/execution.js';
import type { Approval, Outcome } from '../types/knowledge.js';
import type { StoredDoc } from './collection.js';
import { recordIssues } from './record-schemas.js';

export type CollectionName = 'decisions' | 'executions' | 'outcomes' | 'weights' | 'approvals' | 'controller';

export function decisionDoc(d: Decision): StoredDoc {
  return { _id: d.id, at: d.at, cycleId: d.cycleId, incidentId: d.incidentId, body: JSON.stringify(d) };
}

export function executionDoc(r: ExecutionRecord): StoredDoc {
  return {
    _id: r.key,
    id: r.id,
    status: r.status,
    ruleId: r.ruleId,
    target: r.action.target,
    incidentId: r.incidentId,
    decisionId: r.decisionId,
    createdAt: r.createdAt,
    body: JSON.stringify(r),
  };
}

export function outcomeDoc(o: Outcome): StoredDoc {
  return { _id: o.key, ruleId: o.ruleId, at: o.at, body: JSON.stringify(o) };
}

/** `seq` orders changes made in the same millisecond. */
export function weightDoc(w: WeightChange, seq: number): StoredDoc {
  return { _id: `${w.at}|${String(seq).padStart(9, '0')}|${w.ruleId}`, ruleId: w.ruleId, at: w.at, body: JSON.stringify(w) };
}

export function approvalDoc(a: Approval): StoredDoc {
  return { _id: a.id, state: a.state, requestedAt: a.requestedAt, body: JSON.stringify(a) };
}

export function controllerDoc(name: string, value: unknown): StoredDoc {
  return { _id: name, body: JSON.stringify(value) };
}

/** The document `name` would store for `record` (the check compares against it). */
function expectedDoc(name: CollectionName, id: string, record: unknown): StoredDoc {
  switch (name) {
    case 'decisions':
      return decisionDoc(record as Decision);
    case 'executions':
      return executionDoc(record as ExecutionRecord);
    case 'outcomes':
      return outcomeDoc(record as Outcome);
    case 'weights': {
      const w = record as WeightChange;
      return { ...weightDoc(w, 0), _id: id.startsWith(`${w.at}|`) && id.endsWith(`|${w.ruleId}`) ? id : `${w.at}|…|${w.ruleId}` };
    }
    case 'approvals':
      return approvalDoc(record as Approval);
    case 'controller':
      return controllerDoc(id, record);
  }
}

export type DocumentCheck = { readonly ok: true; readonly record: unknown } | { readonly ok: false; readonly issue: string };

/** Checks a stored document of `name`; when sound, its record, parsed once. */
export function checkDocument(name: CollectionName, doc: Readonly<Record<string, unknown>>): DocumentCheck {
  const bad = (issue: string): DocumentCheck => ({ ok: false, issue });
  const id = doc['_id'];
  if (typeof id !== 'string') return bad('_id: must be a string');
  const body = doc['body'];
  if (typeof body !== 'string') return bad(`body: must be a string${body === undefined ? ' (missing)' : ''}`);
  let record: unknown;
  try {
    record = JSON.parse(body);
  } catch {
    return bad('body: not valid JSON');
  }
  const issues = recordIssues(name, record);
  if (issues.length > 0) return bad(issues.join('; '));
  const expected = expectedDoc(name, id, record);
  for (const key of new Set([...Object.keys(expected), ...Object.keys(doc)])) {
    if (key === 'body') continue;
    if (!(key in expected)) return bad(`${key}: unexpected field`);
    if (expected[key] !== doc[key]) return bad(`${key}: ${JSON.stringify(doc[key])} disagrees with the record (${JSON.stringify(expected[key])})`);
  }
  return { ok: true, record };
}

/**
 * POST /api/v1/approvals/{id}: a verdict on a high-risk action waiting for approval, from
 * anywhere that has the API token (`mapek approve --url`, the console). The service is the
 * store's only writer, so the verdict goes straight into its store (who, when, why); the
 * executor acts on it in the next cycle, which is triggered at once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../observability/logger.js';
import type { Approval, ExtendedKnowledgeStore } from '../../types/knowledge.js';
import { HttpError, readBody, send } from '../http-server.js';
import { requireToken, type AuthPolicy } from './auth.js';
import { parseVerdictBody } from './verdict-body.js';

export interface ApprovalsApiDeps {
  readonly store: Pick<ExtendedKnowledgeStore, 'getApproval' | 'resolveApproval'>;
  readonly auth: AuthPolicy;
  readonly now: () => Date;
  readonly log: Logger;
  readonly maxBodyBytes: number;
  /** A verdict was recorded: run a cycle soon, tell the console. */
  readonly onResolved: (a: Approval) => void;
}

const PATH = /^\/api\/v1\/approvals\/([^/]+)$/;

/** The approvals route; resolves false for any other path. */
export async function approvalsRoute(d: ApprovalsApiDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const m = PATH.exec(url.pathname);
  if (m === null) return false;
  if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed', `${req.method ?? 'GET'} not allowed on ${url.pathname}; use POST`);
  requireToken(d.auth, req, 'approving over http');
  let id: string;
  try {
    id = decodeURIComponent(m[1]!);
  } catch {
    throw new HttpError(400, 'invalid_id', `approval id is not valid percent-encoding: ${JSON.stringify(m[1])}`);
  }
  const raw = await readBody(req, d.maxBodyBytes);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, 'invalid_json', `body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = parseVerdictBody(body);
  if (!parsed.ok) throw new HttpError(400, 'invalid_body', `invalid verdict: ${parsed.issues[0] ?? ''}${parsed.issues.length > 1 ? ` (and ${parsed.issues.length - 1} more)` : ''}`, parsed.issues);
  const before = await d.store.getApproval(id);
  if (before === undefined) throw new HttpError(404, 'not_found', `no approval with id "${id}"`);
  if (before.state !== 'waiting') throw new HttpError(409, 'not_waiting', `approval "${id}" is no longer waiting (it was ${before.state}${before.resolvedBy ? ` by ${before.resolvedBy}` : ''})`);
  const { verdict, by, reason } = parsed.value;
  const state = verdict === 'approve' ? 'approved' : 'rejected';
  const after = await d.store.resolveApproval(id, state, by, reason, d.now().toISOString());
  // Another verdict won the race between the read and the compare-and-set.
  if (after === undefined) throw new HttpError(409, 'not_waiting', `approval "${id}" is no longer waiting`);
  d.log.info('approval resolved over http', { id, state, by, reason, action: after.action.type, target: after.action.target, remote: req.socket.remoteAddress });
  d.onResolved(after);
  send(res, 200, { approval: after });
  return true;
}

/**
 * The body of POST /api/v1/approvals/{id}: `{verdict: "approve"|"reject", by, reason?}`,
 * checked completely (every issue at once, each naming its field; unknown keys rejected).
 */

export interface VerdictBody {
  readonly verdict: 'approve' | 'reject';
  readonly by: string;
  readonly reason?: string;
}

const MAX_BY = 200;
const MAX_REASON = 2_000;
const KEYS = new Set(['verdict', 'by', 'reason']);

export function parseVerdictBody(body: unknown): { ok: true; value: VerdictBody } | { ok: false; issues: string[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, issues: ['body: expected a JSON object'] };
  const o = body as Record<string, unknown>;
  const issues: string[] = [];
  for (const k of Object.keys(o)) if (!KEYS.has(k)) issues.push(`${k}: unknown field (expected verdict, by, reason)`);
  const verdict = o['verdict'];
  if (verdict !== 'approve' && verdict !== 'reject') issues.push(`verdict: must be "approve" or "reject", got ${JSON.stringify(verdict) ?? 'nothing'}`);
  const by = o['by'];
  if (typeof by !== 'string' || by.trim() === '') issues.push('by: must be a non-empty string (who decides)');
  else if (by.length > MAX_BY) issues.push(`by: longer than ${MAX_BY} characters`);
  const reason = o['reason'];
  if (reason !== undefined && typeof reason !== 'string') issues.push('reason: must be a string');
  else if (typeof reason === 'string' && reason.length > MAX_REASON) issues.push(`reason: longer than ${MAX_REASON} characters`);
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    value: { verdict: verdict as VerdictBody['verdict'], by: (by as string).trim(), ...(typeof reason === 'string' && reason.trim() !== '' ? { reason: reason.trim() } : {}) },
  };
}

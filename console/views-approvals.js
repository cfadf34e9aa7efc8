// Approvals: the high-risk actions waiting for a human, with their incident and why they
// were chosen; Approve / Reject with a reason. Errors from the service (no token, a token
// it refuses, already decided) are shown next to the buttons.
import { useState } from '/console/vendor/hooks.mjs';
import { html, time, empty } from './format.js';
import { sendVerdict } from './api.js';

function Approval({ a }) {
  const [reason, setReason] = useState('');
  const [result, setResult] = useState(undefined);
  const [busy, setBusy] = useState(false);
  const act = async (verdict) => {
    setBusy(true);
    try {
      setResult(await sendVerdict(a.id, verdict, reason.trim()));
    } catch (err) {
      setResult({ ok: false, error: err.message });
    } finally {
      setBusy(false);
    }
  };
  return html`<article class="incident approval" data-testid="approval" data-approval=${a.id} data-target=${a.action.target}>
    <h3><b>${a.action.type}</b> on <code>${a.action.target}</code> <span class="tag bad">${a.action.risk} risk</span></h3>
    <p>incident <code>${a.incidentId}</code> · rule <code>${a.ruleId}</code> · waiting since ${time(a.requestedAt)}</p>
    ${a.explanation ? html`<p class="muted">${a.explanation}</p>` : ''}
    <p class="muted">params: <code>${JSON.stringify(a.action.params)}</code></p>
    <div class="actions">
      <input type="text" placeholder="reason (recorded)" value=${reason} onInput=${(e) => setReason(e.target.value)} data-testid="reason" />
      <button class="approve" disabled=${busy} onClick=${() => act('approve')} data-testid="approve">Approve</button>
      <button class="reject" disabled=${busy} onClick=${() => act('reject')} data-testid="reject">Reject</button>
    </div>
    ${result && !result.ok ? html`<p class="error" role="alert" data-testid="verdict-error">${result.status === 401 ? 'not authorised: ' : ''}${result.error}</p>` : ''}
    ${result?.ok ? html`<p class="ok" data-testid="verdict-ok">${result.approval.state} by ${result.approval.resolvedBy}; the service acts on it in its next cycle</p>` : ''}
  </article>`;
}

export function ApprovalsView({ state }) {
  return html`<section data-view="approvals">
    ${state.approvals.length === 0 ? empty('nothing waits for approval') : state.approvals.map((a) => html`<${Approval} key=${a.id} a=${a} />`)}
    ${state.decided.length > 0 ? html`<h2>Recently decided</h2><ul data-testid="decided">${state.decided.map((a) => html`<li>
      <span class=${a.state === 'approved' ? 'ok' : 'bad'}>${a.state}</span> ${a.action.type} <code>${a.action.target}</code> by <b>${a.resolvedBy}</b> at ${time(a.resolvedAt)}${a.reason ? html`: ${a.reason}` : ''}</li>`)}</ul>` : ''}
  </section>`;
}

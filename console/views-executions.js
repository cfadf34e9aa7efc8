// Executions: per incident, each attempt's timeline intent → applied → verified → outcome,
// or blocked with the guard and its reason; later attempts under the same incident (next-best
// plans, rollbacks) follow in order.
import { html, time, empty } from './format.js';

export function ExecutionsView({ state }) {
  return html`<section data-view="executions">
    ${state.executions.length === 0 ? empty('no executions recorded') : state.executions.map((g) => html`<article class="incident" data-testid="execution-group">
      <h3><code>${g.incidentId}</code></h3>
      ${g.executions.map((e, n) => html`<div class="execution" data-testid="execution" data-status=${e.status}>
        <p>${n > 0 ? html`<span class="tag">attempt ${n + 1}</span> ` : ''}<b>${e.action}</b> by <code>${e.ruleId}</code> → <span class=${`status-${e.status}`}>${e.status}</span> <span class="muted">${e.id}</span></p>
        <ol class="timeline">${e.steps.map((s) => html`<li class=${`step-${s.step}`}><span class="when">${time(s.at)}</span> <b>${s.step}</b> ${s.detail}</li>`)}</ol>
      </div>`)}
    </article>`)}
  </section>`;
}

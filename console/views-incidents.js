// Incidents: each open incident with its alerts (silenced, inhibited), the facts observed
// and derived, which rules fired and which did not (and the condition that failed), and the
// chosen action with why it beat the others.
import { html, show, time, empty } from './format.js';

function Rule({ r }) {
  const failed = r.conditions.filter((c) => !c.result);
  return html`<li class=${r.fired ? 'fired' : 'not-fired'}>
    <span class="tag">${r.stage}</span> <code>${r.rule}</code> ${r.fired ? html`<b class="ok">fired</b>` : html`<span class="muted">did not fire</span>`}
    ${!r.fired && failed.length > 0 ? html`<span class="why">: ${failed.map((c) => html`<code>${c.fact}${c.path ? ` ${c.path}` : ''} ${c.operator} ${show(c.value)}</code> was <code>${show(c.factValue)}</code> `)}</span>` : ''}
  </li>`;
}

function Incident({ i }) {
  return html`<article class="incident" data-testid="incident" data-incident=${i.incidentId}>
    <h3>${i.subject.kind} <code>${i.subject.id}</code> <span class="muted">decided ${time(i.at)}</span></h3>
    ${i.notRecordedSameAs ? html`<p class="muted" data-testid="not-recorded">same plan as decision <code>${i.notRecordedSameAs}</code>, unchanged, with nothing to run or its actions refused again as recorded: not recorded again</p>` : ''}
    <div class="grid2">
      <div>
        <h4>Alerts</h4>
        <ul>${i.alerts.length === 0 ? html`<li class="muted">none in the last snapshot</li>` : i.alerts.map((a) => html`<li data-testid="alert">
          <b>${a.name}</b> <span class=${`sev-${a.severity}`}>${a.severity}</span> ${a.silenced ? html`<span class="tag warn">silenced</span>` : ''} ${a.inhibited ? html`<span class="tag warn">inhibited</span>` : ''}
          <span class="muted">since ${time(a.startsAt)} (${a.source})</span></li>`)}</ul>
        <h4>Facts</h4>
        <table class="facts" data-testid="facts"><tbody>
          ${i.observed.map((f) => html`<tr><td>${f.fact}${f.path ? html` <code>${f.path}</code>` : ''}</td><td class="muted">observed</td><td><code>${show(f.value)}</code></td></tr>`)}
          ${Object.entries(i.derived).map(([k, v]) => html`<tr><td>${k}</td><td class="muted">derived</td><td><code>${show(v)}</code></td></tr>`)}
        </tbody></table>
      </div>
      <div>
        <h4>Chosen action</h4>
        ${i.chosen.length > 0 ? i.chosen.map((c) => html`<p data-testid="chosen"><b>${c.action.type}</b> on <code>${c.action.target}</code> by <code>${c.rule}</code>
          <span class="muted">(risk ${c.action.risk}, effective priority ${show(c.effectivePriority)}, utility ${show(c.utility)})</span></p>`) : html`<p class="muted" data-testid="chosen">no action proposed</p>`}
        ${i.candidates.filter((c) => c.rejected).length > 0 ? html`<h4>Why it beat the others</h4><ul>${i.candidates.filter((c) => c.rejected).map((c) => html`<li><code>${c.rule}</code> ${c.action.type}: ${c.rejected}</li>`)}</ul>` : ''}
        <h4>Rules</h4>
        <ul class="rules">${i.rules.map((r) => html`<${Rule} r=${r} />`)}</ul>
      </div>
    </div>
  </article>`;
}

export function IncidentsView({ state }) {
  return html`<section data-view="incidents">
    ${state.incidents.length === 0 ? empty('no open incidents in the last cycle') : state.incidents.map((i) => html`<${Incident} key=${i.incidentId} i=${i} />`)}
  </section>`;
}

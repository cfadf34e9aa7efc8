// Now: sources and their health, the mode, the rule set in force and its last reload, the
// role, cycle rate and the last cycle.
import { html, show, time, ago } from './format.js';

const SOURCES = ['prometheus', 'alertmanager', 'charter'];

export function NowView({ state }) {
  const n = state.now;
  const h = n.health ?? {};
  const sources = SOURCES.filter((s) => n.sources[s] !== undefined);
  const rs = n.ruleSet;
  const r = n.lastReload;
  return html`<section data-view="now">
    <div class="cards">
      <div class="card">
        <h3>Mode</h3>
        <p class=${`big mode-${h.mode}`} data-testid="mode">${show(h.mode)}</p>
        <p class="muted">role: ${show(h.role ?? 'single instance')} · breaker ${show(h.breaker)} · ${show(h.pendingVerifications)} verifications pending</p>
      </div>
      <div class="card">
        <h3>Cycles</h3>
        <p class="big">${n.cyclesPerMinute === undefined ? '—' : `${n.cyclesPerMinute}/min`}</p>
        <p class="muted" data-testid="last-cycle">${n.lastCycle ? html`last ${n.lastCycle.id}: ${n.lastCycle.status} in ${n.lastCycle.durationMs} ms, ${ago(n.lastCycle.at, state.at)}` : 'no cycle yet'}</p>
      </div>
    </div>
    <h2>Sources</h2>
    <table>
      <thead><tr><th>source</th><th>health</th><th>error</th></tr></thead>
      <tbody>
        ${sources.length === 0 ? html`<tr><td colspan="3" class="muted">not observed yet</td></tr>` : sources.map((s) => html`<tr data-testid=${`source-${s}`}>
          <td>${s}</td><td class=${n.sources[s].ok ? 'ok' : 'bad'}>${n.sources[s].ok ? 'ok' : 'down'}</td><td>${n.sources[s].error ?? ''}</td></tr>`)}
      </tbody>
    </table>
    <h2>Rule set</h2>
    ${rs ? html`<dl class="kv">
      <dt>name</dt><dd>${rs.sets.join(', ')}</dd>
      <dt>hash</dt><dd><code data-testid="ruleset-hash">${rs.hash.slice(0, 16)}</code></dd>
      <dt>rules</dt><dd>${rs.rules.length}: ${rs.rules.join(', ')}</dd>
      <dt>files</dt><dd>${rs.files.join(', ')}</dd>
      <dt>last reload</dt><dd class=${r && !r.ok ? 'bad' : ''}>${r ? html`${time(r.at)}: ${r.ok ? 'ok' : html`rejected, previous set kept<ul>${r.issues.map((i) => html`<li><code>${i}</code></li>`)}</ul>`}` : '—'}</dd>
    </dl>` : html`<p class="bad">no valid rule set loaded</p>`}
  </section>`;
}

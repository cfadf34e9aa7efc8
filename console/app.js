// The console shell: the views as tabs (the URL fragment names the open one), the live
// state from the service's event stream, and the token bar. Preact + htm: 5 kB of library
// as plain ES modules, no build step, served by the service itself.
import { render } from '/console/vendor/preact.mjs';
import { useEffect, useState } from '/console/vendor/hooks.mjs';
import { html, time } from './format.js';
import { session, stream } from './api.js';
import { NowView } from './views-now.js';
import { IncidentsView } from './views-incidents.js';
import { ExecutionsView } from './views-executions.js';
import { ApprovalsView } from './views-approvals.js';
import { LearningView } from './views-learning.js';

const VIEWS = [
  ['now', 'Now', NowView],
  ['incidents', 'Incidents', IncidentsView],
  ['executions', 'Executions', ExecutionsView],
  ['approvals', 'Approvals', ApprovalsView],
  ['learning', 'Learning', LearningView],
];

const currentView = () => (VIEWS.some(([id]) => `#${id}` === location.hash) ? location.hash.slice(1) : 'now');

function TokenBar({ onChange }) {
  const [token, setToken] = useState(session.token());
  const [name, setName] = useState(session.name());
  const save = (e) => {
    e.preventDefault();
    session.setToken(token.trim());
    session.setName(name.trim());
    onChange();
  };
  return html`<form class="tokenbar" onSubmit=${save}>
    <label>name <input type="text" value=${name} onInput=${(e) => setName(e.target.value)} data-testid="operator" placeholder="who approves" /></label>
    <label>API token <input type="password" value=${token} onInput=${(e) => setToken(e.target.value)} data-testid="token" autocomplete="off" /></label>
    <button type="submit" data-testid="save-token">${session.token() ? 'Update' : 'Use'}</button>
    <span class="muted">${session.token() ? 'token set for this tab' : 'no token: read-only'}</span>
  </form>`;
}

function App() {
  const [view, setView] = useState(currentView());
  const [state, setState] = useState(undefined);
  const [status, setStatus] = useState({ live: false });
  const [epoch, setEpoch] = useState(0);
  useEffect(() => {
    const onHash = () => setView(currentView());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    const ctl = new AbortController();
    stream(setState, setStatus, ctl.signal);
    return () => ctl.abort();
  }, [epoch]);
  const View = VIEWS.find(([id]) => id === view)[2];
  const counts = state ? { incidents: state.incidents.length, approvals: state.approvals.length } : {};
  return html`<header>
      <h1>mapek</h1>
      <nav>${VIEWS.map(([id, label]) => html`<a href=${`#${id}`} class=${id === view ? 'active' : ''} data-testid=${`tab-${id}`}>${label}${counts[id] ? html` <span class="count">${counts[id]}</span>` : ''}</a>`)}</nav>
      <span class=${status.live ? 'live' : 'offline'} data-testid="live">${status.live ? `live · ${state ? time(state.at) : '…'}` : status.error ?? 'connecting…'}</span>
    </header>
    <${TokenBar} onChange=${() => setEpoch((n) => n + 1)} />
    <main>${state ? html`<${View} state=${state} />` : html`<p class="muted">${status.status === 401 || status.status === 403 ? 'this console needs the API token to show data' : 'waiting for the first state…'}</p>`}</main>`;
}

const root = document.getElementById('app');
root.textContent = ''; // the static "loading" note: render() adds to, not replaces, what is there
render(html`<${App} />`, root);

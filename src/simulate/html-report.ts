/**
 * `mapek simulate --html FILE`: one self-contained HTML file (inline style and script, no
 * network) of a simulation. Fixtures with failed expectations come first, their failures
 * listed in red at the top; per step the alerts (and which are silenced, inhibited or
 * resolved), the facts that mattered, rules fired, actions planned or rejected; coverage at
 * the end. The data is embedded as JSON and rendered by the page in chunks as it scrolls, and
 * runs of steps where nothing changed collapse into one expandable row, so a 24-hour,
 * 5,760-step recording opens at once and stays usable.
 */
import { groupIncidents } from '../monitor/incidents.js';
import type { SimulationResult } from './simulate.js';
import { factsThatMattered } from './timeline.js';

interface HtmlIncident {
  readonly id: string;
  readonly alerts: readonly string[];
  readonly inactive: readonly string[];
  readonly facts: readonly string[];
  readonly derived: readonly string[];
  readonly fired: readonly string[];
  readonly planned: readonly string[];
  readonly rejected: readonly string[];
}

interface HtmlStep {
  readonly step: number;
  readonly at: string;
  readonly offset: string;
  readonly name?: string;
  readonly line: number;
  readonly failures: readonly string[];
  readonly incidents: readonly HtmlIncident[];
  /** Same incidents, facts and plans as the step before, and no failure: collapsible (incidents left out). */
  readonly same: boolean;
}

/** The page's data: plain JSON, one object per fixture. */
export function htmlModel(result: SimulationResult, generatedAt: string): Record<string, unknown> {
  const fixtures = result.fixtures.map(({ report, runs, fixture }) => {
    let prev = '';
    const steps = report.steps.map((s, i): HtmlStep => {
      const run = runs[i];
      const inactive = new Map<string, string[]>();
      for (const inc of run ? groupIncidents(run.step.snapshot) : []) {
        const tags = inc.alerts.flatMap((a) => (a.state === 'resolved' ? [`${a.name} resolved`] : a.silenced ? [`${a.name} silenced`] : a.inhibited ? [`${a.name} inhibited`] : []));
        if (tags.length > 0) inactive.set(inc.id, [...new Set(tags)].sort());
      }
      const incidents = (run?.decisions ?? []).map((d): HtmlIncident => ({
        id: d.incidentId,
        alerts: d.alerts,
        inactive: inactive.get(d.incidentId) ?? [],
        facts: factsThatMattered(d),
        derived: Object.entries(d.derived).map(([k, v]) => `${k}=${JSON.stringify(v)}`),
        fired: d.rules.filter((r) => r.fired).map((r) => r.rule),
        planned: d.chosen.map((c) => `${c.action.type} ${c.action.target} ${JSON.stringify(c.action.params)} by ${c.rule}`),
        rejected: d.candidates.filter((c) => c.rejected !== undefined).map((c) => `${c.action.type} ${c.action.target} by ${c.rule}: ${c.rejected ?? ''}`),
      }));
      const key = JSON.stringify(incidents) + (run?.error ?? '');
      const same = i > 0 && key === prev && s.failures.length === 0 && s.name === undefined;
      prev = key;
      // An unchanged step's incidents are the previous step's: not repeated in the file.
      return { step: s.step, at: s.at, offset: s.offset, ...(s.name !== undefined ? { name: s.name } : {}), line: s.line, failures: s.failures, incidents: same ? [] : incidents, same };
    });
    return { name: report.fixture, file: report.file, description: fixture.description.trim(), ok: report.ok, steps };
  });
  // Failed fixtures first; otherwise in the order given.
  const ordered = [...fixtures.filter((f) => !f.ok), ...fixtures.filter((f) => f.ok)];
  return { ok: result.ok, ruleSetHash: result.ruleSetHash, generatedAt, fixtures: ordered, coverage: result.coverage ?? null };
}

/** JSON safe inside <script>: no "</script>", no "<!--". */
function embed(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:0;background:#fbfbfa;color:#1d2128}
header{background:#1d2128;color:#fff;padding:.7rem 1.2rem}header h1{font-size:1.1rem;margin:0}
main{padding:1rem 1.2rem;max-width:1200px}.muted{color:#6b7280}code{font:12px ui-monospace,monospace;background:#f1f2f4;padding:0 .2rem;border-radius:3px}
.fixture{background:#fff;border:1px solid #e2e4e8;border-radius:6px;margin:0 0 1rem;padding:.6rem 1rem}
.fixture.failed{border-color:#b3261e}.fixture h2{font-size:1rem;margin:.2rem 0}
.failures{background:#fdecea;border-left:4px solid #b3261e;padding:.4rem .8rem;margin:.4rem 0}
.fail,.failures li{color:#b3261e;font-weight:600}.ok{color:#137333}
.step{border-top:1px solid #eef0f2;padding:.3rem 0}.step.failed{background:#fdf3f2}
.step h3{font-size:.9rem;margin:0}.inc{margin:.2rem 0 .2rem 1rem}.inc div{margin-left:1rem}
.same{color:#6b7280;cursor:pointer;padding:.2rem 0;border-top:1px dashed #e2e4e8}.same:hover{color:#1a56db}
.tag{font-size:.75rem;border:1px solid #e2e4e8;border-radius:4px;padding:0 .3rem;margin-left:.3rem}
table{border-collapse:collapse}td,th{text-align:left;padding:.1rem .8rem .1rem 0;border-bottom:1px solid #eef0f2}
.never{color:#b3261e}.false{color:#8a5a00}`;

/** The page's script: renders the embedded model with DOM calls (text only, never innerHTML). */
const SCRIPT = String.raw`(() => {
const data = JSON.parse(document.getElementById('report-data').textContent);
const CHUNK = 200;
const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };
const line = (label, items, cls) => { const d = el('div', cls); d.append(el('span', 'muted', label + ': '), document.createTextNode(items.join(', '))); return d; };
function stepEl(f, s) {
  const d = el('div', 'step' + (s.failures.length ? ' failed' : ''));
  d.id = 'f' + f.idx + '-s' + s.step;
  d.append(el('h3', null, 'step ' + s.step + '  ' + s.offset + '  ' + s.at + (s.name ? '  ' + s.name : '')));
  if (s.incidents.length === 0) d.append(el('div', 'inc muted', 'no incidents'));
  for (const i of s.incidents) {
    const x = el('div', 'inc');
    x.append(el('b', null, i.id), document.createTextNode('  alerts: ' + (i.alerts.join(', ') || 'none firing')));
    for (const t of i.inactive) x.append(el('span', 'tag', t));
    if (i.facts.length) x.append(line('facts', i.facts));
    if (i.derived.length) x.append(line('derived', i.derived));
    x.append(line('fired', i.fired.length ? i.fired : ['none']));
    for (const p of i.planned) x.append(line('planned', [p], 'ok'));
    for (const r of i.rejected) x.append(line('rejected', [r]));
    d.append(x);
  }
  if (s.failures.length === 0) d.append(el('div', 'inc ok', 'ok: expectations hold'));
  for (const m of s.failures) d.append(el('div', 'inc fail', 'FAIL ' + f.file + ':' + s.line + ' step ' + s.step + ': ' + m));
  return d;
}
/** Rows: a step, or a run of unchanged steps shown as one row that expands on click. */
function rows(f) {
  const out = [];
  let incidents = [];
  for (const s of f.steps) {
    if (s.same) s.incidents = incidents; else incidents = s.incidents;
    const last = out[out.length - 1];
    if (s.same && last && last.kind === 'same') last.steps.push(s);
    else if (s.same) out.push({ kind: 'same', steps: [s] });
    else out.push({ kind: 'step', step: s });
  }
  return out;
}
function rowEl(f, r) {
  if (r.kind === 'step') return stepEl(f, r.step);
  const a = r.steps[0].step, b = r.steps[r.steps.length - 1].step;
  const d = el('div', 'same', '▸ ' + r.steps.length + ' step' + (r.steps.length > 1 ? 's' : '') + ' without changes (' + (a === b ? 'step ' + a : 'steps ' + a + '–' + b) + ')');
  d.addEventListener('click', () => { const frag = document.createDocumentFragment(); for (const s of r.steps) frag.append(stepEl(f, s)); d.replaceWith(frag); });
  return d;
}
/** Appends rows CHUNK at a time when the end of the list comes into view. */
function lazyList(container, f, list) {
  let next = 0;
  const sentinel = el('div', 'muted');
  container.append(sentinel);
  const more = () => {
    const frag = document.createDocumentFragment();
    for (const end = Math.min(list.length, next + CHUNK); next < end; next++) frag.append(rowEl(f, list[next]));
    sentinel.before(frag);
    sentinel.textContent = next < list.length ? (list.length - next) + ' more rows below…' : '';
    if (next >= list.length) io.disconnect();
  };
  const io = new IntersectionObserver((es) => { if (es.some((e) => e.isIntersecting)) more(); }, { rootMargin: '800px' });
  io.observe(sentinel);
  more();
  return (step) => { while (next < list.length && !document.getElementById('f' + f.idx + '-s' + step)) more(); };
}
const main = document.getElementById('report');
const failedFixtures = data.fixtures.filter((f) => !f.ok).length;
main.append(el('p', failedFixtures ? 'fail' : 'ok', failedFixtures ? failedFixtures + ' of ' + data.fixtures.length + ' fixture(s) failed' : 'all ' + data.fixtures.length + ' fixture(s) hold'));
data.fixtures.forEach((f, idx) => {
  f.idx = idx;
  const box = el('section', 'fixture' + (f.ok ? '' : ' failed'));
  box.dataset.fixture = f.name;
  const failed = f.steps.filter((s) => s.failures.length);
  box.append(el('h2', f.ok ? 'ok' : 'fail', (f.ok ? '✓ ' : '✗ ') + f.name + '  (' + f.file + ', ' + f.steps.length + ' steps' + (failed.length ? ', ' + failed.length + ' failed' : '') + ')'));
  if (f.description) box.append(el('p', 'muted', f.description));
  const timeline = el('div');
  const list = rows(f);
  let reveal;
  if (failed.length) {
    const ul = el('ul', 'failures');
    ul.setAttribute('role', 'alert');
    for (const s of failed) for (const m of s.failures) {
      const li = el('li');
      const a = el('a', 'fail', 'step ' + s.step + ' (' + f.file + ':' + s.line + '): ' + m);
      a.href = '#f' + idx + '-s' + s.step;
      a.addEventListener('click', () => reveal(s.step));
      li.append(a);
      ul.append(li);
    }
    box.append(el('h3', 'fail', 'Failed expectations'), ul);
  }
  box.append(timeline);
  main.append(box);
  reveal = lazyList(timeline, f, list);
});
if (data.coverage) {
  const c = data.coverage, box = el('section', 'fixture');
  box.append(el('h2', null, 'Coverage: ' + c.totals.fired + ' of ' + c.totals.rules + ' rules fired, ' + c.totals.onlyFalse + ' only false, ' + c.totals.never + ' never evaluated'));
  const t = el('table'), head = el('tr');
  for (const h of ['rule', 'stage', 'evaluations', 'fired', 'status']) head.append(el('th', null, h));
  t.append(head);
  for (const r of c.rules) { const tr = el('tr', r.status); for (const v of [r.rule, r.stage, r.evaluations, r.fired, r.status]) tr.append(el('td', null, String(v))); t.append(tr); }
  box.append(t);
  main.append(box);
}
})();`;

export function renderHtmlReport(result: SimulationResult, generatedAt: string): string {
  const model = htmlModel(result, generatedAt);
  const title = `mapek simulate: ${result.ok ? 'all expectations hold' : 'expectations FAILED'}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>${STYLE}</style></head>
<body><header><h1>${title}</h1><span class="muted">rule set ${result.ruleSetHash.slice(0, 12)} · ${generatedAt}</span></header>
<main id="report"></main>
<script type="application/json" id="report-data">${embed(model)}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}

// Learning: per rule the current weight and its history as a step chart (inline SVG), and
// the incidents whose outcomes moved it.
import { html, show, time, empty } from './format.js';

const W = 560;
const H = 120;
const PAD = 24;

function Chart({ s }) {
  const pts = s.points;
  if (pts.length === 0) return html`<p class="muted">no weight change yet (weight ${show(s.weight)})</p>`;
  const ts = pts.map((p) => Date.parse(p.at));
  const t0 = Math.min(...ts);
  const t1 = Math.max(...ts, t0 + 1);
  const ws = pts.map((p) => p.weight);
  const lo = Math.min(...ws, 1) * 0.9;
  const hi = Math.max(...ws, 1) * 1.1;
  const x = (t) => PAD + ((t - t0) / (t1 - t0)) * (W - 2 * PAD);
  const y = (w) => H - PAD - ((w - lo) / (hi - lo || 1)) * (H - 2 * PAD);
  let d = '';
  pts.forEach((p, i) => {
    const px = x(ts[i]);
    const py = y(p.weight);
    d += i === 0 ? `M${px},${py}` : `H${px}V${py}`;
  });
  return html`<svg class="chart" viewBox=${`0 0 ${W} ${H}`} width=${W} height=${H} role="img" aria-label=${`weight of ${s.ruleId} over time`}>
    <line x1=${PAD} x2=${W - PAD} y1=${y(1)} y2=${y(1)} class="baseline" />
    <text x="2" y=${y(1) + 4} class="axis">1.0</text>
    <path d=${d} class="series" />
    ${pts.map((p, i) => html`<circle cx=${x(ts[i])} cy=${y(p.weight)} r="3"><title>${`${time(p.at)}: ${show(p.weight)} (${p.reason})`}</title></circle>`)}
  </svg>`;
}

export function LearningView({ state }) {
  return html`<section data-view="learning">
    ${state.learning.length === 0 ? empty('no rule weights yet') : state.learning.map((s) => html`<article class="incident" data-testid="learning-rule" data-rule=${s.ruleId}>
      <h3><code>${s.ruleId}</code> weight <b>${show(s.weight)}</b></h3>
      <${Chart} s=${s} />
      ${s.points.filter((p) => p.incidents.length > 0).length > 0 ? html`<ul>${s.points.filter((p) => p.incidents.length > 0).map((p) => html`<li>${time(p.at)} → ${show(p.weight)}: ${p.reason}; moved by ${p.incidents.map((i) => html`<code>${i}</code> `)}</li>`)}</ul>` : ''}
    </article>`)}
  </section>`;
}

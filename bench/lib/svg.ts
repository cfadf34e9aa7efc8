/** A line chart as plain SVG (axes, grid, polylines, legend) — no dependency. */
export interface Series {
  readonly name: string;
  readonly color: string;
  /** y values in [0, 1], one per x = 1, 2, … */
  readonly values: readonly number[];
  /** SVG stroke-dasharray, so a line that overlaps another stays visible. */
  readonly dash?: string;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

interface Box {
  readonly W: number;
  readonly H: number;
  readonly m: { readonly l: number; readonly r: number; readonly t: number; readonly b: number };
  readonly pw: number;
  readonly ph: number;
}

function box(W: number, H: number, m: Box['m']): Box {
  return { W, H, m, pw: W - m.l - m.r, ph: H - m.t - m.b };
}

/** The opening: the svg element, a white background and the title centred at `titleX`. */
function opening(b: Box, title: string, titleX: number): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${b.W}" height="${b.H}" viewBox="0 0 ${b.W} ${b.H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${b.W}" height="${b.H}" fill="white"/>`,
    `<text x="${titleX}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>`,
  ];
}

/** The two axes and their labels. */
function axes(b: Box, xLabel: string, yLabel: string): string[] {
  const { m, pw, ph, H } = b;
  return [
    `<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${m.t + ph}" stroke="black"/>`,
    `<line x1="${m.l}" y1="${m.t + ph}" x2="${m.l + pw}" y2="${m.t + ph}" stroke="black"/>`,
    `<text x="${m.l + pw / 2}" y="${H - 15}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text x="18" y="${m.t + ph / 2}" text-anchor="middle" transform="rotate(-90 18 ${m.t + ph / 2})">${esc(yLabel)}</text>`,
  ];
}

export function learningCurveSvg(o: { title: string; xLabel: string; yLabel: string; series: readonly Series[] }): string {
  const b = box(720, 420, { l: 70, r: 150, t: 40, b: 55 });
  const { W, m, pw, ph } = b;
  const n = Math.max(1, ...o.series.map((s) => s.values.length));
  const x = (i: number): number => m.l + (n === 1 ? 0 : (i / (n - 1)) * pw);
  const y = (v: number): number => m.t + (1 - v) * ph;
  const out = opening(b, o.title, W / 2 - m.r / 2);
  for (let k = 0; k <= 4; k++) {
    const v = k / 4;
    out.push(`<line x1="${m.l}" y1="${y(v)}" x2="${m.l + pw}" y2="${y(v)}" stroke="#ddd"/>`);
    out.push(`<text x="${m.l - 8}" y="${y(v) + 4}" text-anchor="end">${Math.round(v * 100)}%</text>`);
  }
  const step = n > 20 ? 10 : 5;
  for (let i = 1; i <= n; i++) {
    if (i !== 1 && i % step !== 0) continue;
    out.push(`<line x1="${x(i - 1)}" y1="${m.t + ph}" x2="${x(i - 1)}" y2="${m.t + ph + 5}" stroke="black"/>`);
    out.push(`<text x="${x(i - 1)}" y="${m.t + ph + 18}" text-anchor="middle">${i}</text>`);
  }
  out.push(...axes(b, o.xLabel, o.yLabel));
  o.series.forEach((s, k) => {
    const pts = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2.5"${dash} points="${pts}"/>`);
    const ly = m.t + 20 + k * 22;
    out.push(`<line x1="${m.l + pw + 15}" y1="${ly}" x2="${m.l + pw + 40}" y2="${ly}" stroke="${s.color}" stroke-width="2.5"${dash}/>`);
    out.push(`<text x="${m.l + pw + 46}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** A line chart of measured points over time (x in the unit given, y from 0 to yMax), with an optional dashed limit line. */
export function timeSeriesSvg(o: {
  title: string;
  xLabel: string;
  yLabel: string;
  points: readonly (readonly [number, number])[];
  yMax: number;
  limit?: { readonly value: number; readonly label: string };
}): string {
  const b = box(720, 420, { l: 70, r: 30, t: 40, b: 55 });
  const { W, m, pw, ph } = b;
  const xMax = Math.max(1e-9, ...o.points.map((p) => p[0]));
  const x = (v: number): number => m.l + (v / xMax) * pw;
  const y = (v: number): number => m.t + (1 - Math.min(v, o.yMax) / o.yMax) * ph;
  const out = opening(b, o.title, W / 2);
  for (let k = 0; k <= 5; k++) {
    const v = (o.yMax * k) / 5;
    out.push(`<line x1="${m.l}" y1="${y(v)}" x2="${m.l + pw}" y2="${y(v)}" stroke="#ddd"/>`, `<text x="${m.l - 8}" y="${y(v) + 4}" text-anchor="end">${Math.round(v)}</text>`);
  }
  for (let k = 0; k <= 10; k++) {
    const v = (xMax * k) / 10;
    out.push(`<text x="${x(v)}" y="${m.t + ph + 18}" text-anchor="middle">${Number(v.toFixed(1))}</text>`);
  }
  out.push(...axes(b, o.xLabel, o.yLabel));
  if (o.limit !== undefined) {
    out.push(`<line x1="${m.l}" y1="${y(o.limit.value)}" x2="${m.l + pw}" y2="${y(o.limit.value)}" stroke="#c00" stroke-dasharray="6 4"/>`, `<text x="${m.l + pw - 4}" y="${y(o.limit.value) - 6}" text-anchor="end" fill="#c00">${esc(o.limit.label)}</text>`);
  }
  out.push(`<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="${o.points.map(([a, b]) => `${x(a).toFixed(1)},${y(b).toFixed(1)}`).join(' ')}"/>`, '</svg>');
  return `${out.join('\n')}\n`;
}

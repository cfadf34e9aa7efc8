import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/** One measured figure, next to its baseline and target. */
export interface Figure {
  readonly section: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: number;
  readonly target?: string;
  /** true / false when a target applies; undefined when informational. */
  readonly met?: boolean;
  readonly note?: string;
}

export function machine(): { cores: number; memoryGiB: number; cpu: string; node: string; date: string } {
  const c = cpus();
  return {
    cores: c.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    cpu: c[0]?.model ?? 'unknown',
    node: process.version,
    date: new Date().toISOString(),
  };
}

/** Progress for long benches goes to stderr so stdout stays the table. */
export function progress(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

function fmt(v: number | undefined, unit: string): string {
  if (v === undefined) return '';
  if (!Number.isFinite(v)) return String(v);
  const s = Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
  return unit ? `${s} ${unit}` : s;
}

export function table(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.section,
    f.name,
    fmt(f.value, f.unit),
    fmt(f.baseline, f.unit),
    f.target ?? '',
    f.met === undefined ? '' : f.met ? 'met' : 'MISSED',
  ]);
  const head = ['section', 'figure', 'value', 'baseline', 'target', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function writeResults(section: string, figures: readonly Figure[], extra: Record<string, unknown> = {}): string {
  const dir = join(process.cwd(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${section}.json`);
  writeFileSync(file, `${JSON.stringify({ machine: machine(), section, figures, ...extra }, null, 2)}\n`);
  return file;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

export function median(xs: readonly number[]): number {
  return percentile([...xs].sort((a, b) => a - b), 50);
}

/** The same figures as a Markdown table (docs/PERFORMANCE.md). */
export function markdownTable(figures: readonly Figure[]): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|');
  const rows = figures.map((f) => `| ${cell(f.name)} | ${fmt(f.value, f.unit)} | ${fmt(f.baseline, f.unit)} | ${cell(f.target ?? '')} | ${f.met === undefined ? '' : f.met ? 'met' : '**missed**'} | ${cell(f.note ?? '')} |`);
  return ['| figure | value | baseline | target | | note |', '|---|---|---|---|---|---|', ...rows].join('\n');
}
